#include "fleet_content.hpp"

#include <algorithm>

#include "atomic_file.hpp"
#include "bangtin/date_time_text.hpp"

namespace bangtin {

namespace {

constexpr std::string_view kTopicRoot = "bangtin/v1/";
// A playlist file is read up to 1 MiB; its signed message adds the JSON around it and escapes.
constexpr std::size_t kLargestMessage = 2 * 1024 * 1024;
// The status carries the last few refusals: enough to see a pattern, not a log.
constexpr std::size_t kRefusalsKept = 8;

std::vector<std::string_view> topic_levels(std::string_view topic) {
  std::vector<std::string_view> levels;
  while (true) {
    const auto slash = topic.find('/');
    levels.push_back(topic.substr(0, slash));
    if (slash == std::string_view::npos) return levels;
    topic.remove_prefix(slash + 1);
  }
}

bool is_notice_file(std::string_view file_name) { return file_name.starts_with("notice."); }

}  // namespace

std::optional<std::string> fleet_file_name(std::string_view topic, const FleetConfig& fleet) {
  if (!topic.starts_with(kTopicRoot)) return std::nullopt;
  const auto levels = topic_levels(topic.substr(kTopicRoot.size()));
  const auto names_ok = [&levels](std::initializer_list<std::size_t> at) {
    return std::all_of(at.begin(), at.end(),
                       [&](std::size_t i) { return !fleet_name_problem(levels[i]); });
  };
  const auto is_group = [&fleet](std::string_view group) {
    return std::find(fleet.groups.begin(), fleet.groups.end(), group) != fleet.groups.end();
  };
  if (levels.size() == 4 && levels[0] == "sites" && levels[1] == fleet.site &&
      levels[2] == "playlists" && names_ok({3}))
    return "site." + std::string(levels[3]) + ".yaml";
  if (levels.size() == 4 && levels[0] == "groups" && is_group(levels[1]) && names_ok({1, 3})) {
    if (levels[2] == "playlists")
      return "group." + std::string(levels[1]) + "." + std::string(levels[3]) + ".yaml";
    if (levels[2] == "notices")
      return "notice.group." + std::string(levels[1]) + "." + std::string(levels[3]) + ".yaml";
  }
  if (levels.size() == 3 && levels[0] == "all" && levels[1] == "notices" && names_ok({2}))
    return "notice.all." + std::string(levels[2]) + ".yaml";
  return std::nullopt;
}

std::optional<std::string> fleet_topic_of(std::string_view file_name, const FleetConfig& fleet) {
  if (!file_name.ends_with(".yaml")) return std::nullopt;
  std::vector<std::string> levels;
  std::string_view rest = file_name.substr(0, file_name.size() - 5);
  while (true) {
    const auto dot = rest.find('.');
    levels.emplace_back(rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  const std::string root(kTopicRoot);
  if (levels.size() == 2 && levels[0] == "site")
    return root + "sites/" + fleet.site + "/playlists/" + levels[1];
  if (levels.size() == 3 && levels[0] == "group")
    return root + "groups/" + levels[1] + "/playlists/" + levels[2];
  if (levels.size() == 4 && levels[0] == "notice" && levels[1] == "group")
    return root + "groups/" + levels[2] + "/notices/" + levels[3];
  if (levels.size() == 3 && levels[0] == "notice" && levels[1] == "all")
    return root + "all/notices/" + levels[2];
  return std::nullopt;
}

FleetContent::FleetContent(const Config& config, std::function<SystemClock::time_point()> wall,
                           LogSink log)
    : fleet_(config.fleet.value_or(FleetConfig{})),
      state_(config.state),
      utc_offset_(config.utc_offset),
      wall_(std::move(wall)),
      log_(std::move(log)) {
  if (fleet_.trust.empty()) {
    trust_problem_ = "this controller has no trust: key, so it plays nothing from the fleet";
  } else {
    try {
      trust_ = read_public_key(fleet_.trust);
    } catch (const std::exception& error) {
      trust_problem_ = error.what();
      log_.warning("fleet: " + trust_problem_ +
                   "; nothing from the fleet is accepted, what was kept before plays on");
    }
  }
  // What was kept verifies again against today's key: a province that changed its key has not
  // signed what the old one did.
  std::error_code error;
  if (trust_ && std::filesystem::is_directory(signed_folder(), error)) {
    for (const auto& entry : std::filesystem::directory_iterator(signed_folder(), error)) {
      const std::string name = entry.path().stem().string();
      const auto topic = fleet_topic_of(name, fleet_);
      try {
        if (!topic) throw SignatureRefused("not a file bangtind keeps");
        verify_message(read_file(entry.path()), *topic, *trust_, wall_());
      } catch (const std::exception& problem) {
        log_.warning("fleet: " + printable(topic.value_or(name)) +
                     " no longer kept: " + printable(problem.what()));
        std::filesystem::remove(playlists_folder() / name, error);
        std::filesystem::remove(entry.path(), error);
      }
    }
  }
  remove_expired();
}

std::filesystem::path FleetContent::playlists_folder() const {
  return state_ / "fleet" / "playlists";
}

std::filesystem::path FleetContent::signed_folder() const { return state_ / "fleet" / "signed"; }

void FleetContent::refuse(const std::string& topic, const std::string& reason) {
  log_.warning("fleet: " + printable(topic) + " refused: " + printable(reason));
  std::lock_guard lock(mutex_);
  refusals_.push_back(FleetRefusal{topic, reason, iso_date_time_text(wall_(), utc_offset_)});
  while (refusals_.size() > kRefusalsKept) refusals_.pop_front();
}

bool FleetContent::receive(const std::string& topic, const std::string& payload) {
  const auto name = fleet_file_name(topic, fleet_);
  if (!name) {
    refuse(topic, "not a topic that carries playlists or notices for site " + fleet_.site);
    return false;
  }
  const auto kept_file = playlists_folder() / *name;
  const auto kept_message = signed_folder() / (*name + ".json");
  std::error_code error;
  if (payload.empty()) {
    const bool had = std::filesystem::exists(kept_message, error);
    std::filesystem::remove(kept_file, error);
    std::filesystem::remove(kept_message, error);
    // Withdrawn means gone: no old version stands in for a broken one sent later.
    std::filesystem::remove(state_ / "fleet" / "last-good" / *name, error);
    if (had) log_("fleet: " + printable(topic) + " withdrawn");
    remove_expired();
    return had;
  }
  if (!trust_) {
    refuse(topic, trust_problem_);
    return false;
  }
  if (payload.size() > kLargestMessage) {
    refuse(topic, std::to_string(payload.size()) + " bytes, more than the " +
                      std::to_string(kLargestMessage) + " a signed playlist may have");
    return false;
  }
  // The broker sends every retained message again at each connection: nothing new.
  std::optional<std::string> before;
  if (std::filesystem::exists(kept_message, error)) {
    try {
      before = read_file(kept_message);
    } catch (const std::exception&) {
    }
  }
  if (before && *before == payload) return false;

  SignedMessage message;
  try {
    message = verify_message(payload, topic, *trust_, wall_());
  } catch (const SignatureRefused& refused) {
    refuse(topic, refused.what());
    return false;
  }
  if (is_notice_file(*name) && !message.expires) {
    refuse(topic, "a notice must carry an expiry (`bangtin fleet publish --until`)");
    return false;
  }
  if (before) {
    try {
      const SignedMessage earlier = read_kept_message(*before);
      if (message.signed_at < earlier.signed_at) {
        refuse(topic, "signed " + iso_date_time_text(message.signed_at, utc_offset_) +
                          ", before the version kept (signed " +
                          iso_date_time_text(earlier.signed_at, utc_offset_) + ")");
        return false;
      }
    } catch (const SignatureRefused&) {
      // A kept file that cannot be read is replaced.
    }
  }
  try {
    replace_file(kept_file, message.body);
    replace_file(kept_message, payload);
  } catch (const std::exception& problem) {
    refuse(topic, std::string("cannot be kept: ") + problem.what());
    return false;
  }
  log_("fleet: " + printable(topic) + " received (signed " +
       iso_date_time_text(message.signed_at, utc_offset_) +
       (message.expires ? ", until " + iso_date_time_text(*message.expires, utc_offset_) : "") +
       ", " + std::to_string(message.body.size()) + " bytes); loading it");
  remove_expired();
  return true;
}

bool FleetContent::remove_expired() {
  bool removed = false;
  std::vector<std::string> kept;
  std::error_code error;
  if (std::filesystem::is_directory(signed_folder(), error)) {
    for (const auto& entry : std::filesystem::directory_iterator(signed_folder(), error)) {
      const std::string name = entry.path().stem().string();
      const auto topic = fleet_topic_of(name, fleet_);
      std::optional<SystemClock::time_point> expires;
      try {
        expires = read_kept_message(read_file(entry.path())).expires;
      } catch (const std::exception&) {
      }
      if (expires && *expires <= wall_()) {
        log_("fleet: " + printable(topic.value_or(name)) + " expired at " +
             iso_date_time_text(*expires, utc_offset_));
        std::error_code ignored;
        std::filesystem::remove(playlists_folder() / name, ignored);
        std::filesystem::remove(entry.path(), ignored);
        removed = true;
      } else if (topic) {
        kept.push_back(*topic);
      }
    }
  }
  std::sort(kept.begin(), kept.end());
  std::lock_guard lock(mutex_);
  kept_topics_ = std::move(kept);
  return removed;
}

std::vector<FleetRefusal> FleetContent::refusals() const {
  std::lock_guard lock(mutex_);
  return {refusals_.begin(), refusals_.end()};
}

std::vector<std::string> FleetContent::kept_topics() const {
  std::lock_guard lock(mutex_);
  return kept_topics_;
}

}  // namespace bangtin
