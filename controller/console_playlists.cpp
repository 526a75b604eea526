#include "console_playlists.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "atomic_file.hpp"
#include "bangtin/controller.hpp"
#include "bangtin/date_time_text.hpp"
#include "console_sessions.hpp"

namespace bangtin {

namespace {

std::optional<std::string> read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// A YAML double-quoted scalar: JSON's string syntax is a subset of it.
std::string yaml_quoted(std::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// "2026-12-01T17:00", local at the config's offset.
std::string local_minutes(TimePoint instant, std::chrono::minutes utc_offset) {
  return iso_date_time_text(instant, utc_offset).substr(0, 16);
}

}  // namespace

std::optional<std::string> playlist_name_problem(std::string_view name) {
  if (name.empty() || name.size() > 64)
    return "tên danh sách phải có từ 1 đến 64 ký tự a-z, 0-9 và dấu gạch ngang (-)";
  const bool plain = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!plain || name.front() == '-')
    return "tên danh sách '" + printable(name) +
           "' chỉ được có chữ a-z không dấu, chữ số và dấu gạch ngang (-), không bắt đầu bằng "
           "dấu gạch ngang";
  return std::nullopt;
}

PlaylistFolder::PlaylistFolder(std::filesystem::path config_file, std::filesystem::path drafts,
                               AccountStore& accounts)
    : config_file_(std::move(config_file)), drafts_(std::move(drafts)), accounts_(accounts) {}

Config PlaylistFolder::config() const {
  // Asked several times by every request: read anew only when the file changed.
  std::error_code error;
  const auto written = std::filesystem::last_write_time(config_file_, error);
  const auto size = std::filesystem::file_size(config_file_, error);
  const std::lock_guard lock(config_mutex_);
  if (!config_ || written != config_written_ || size != config_size_) {
    Loaded<Config> loaded = load_config(config_file_);
    if (!loaded.value)
      throw std::runtime_error("the config " + config_file_.string() + " cannot be read");
    config_ = std::move(loaded.value);
    config_written_ = written;
    config_size_ = size;
  }
  return *config_;
}

std::optional<std::string> PlaylistFolder::only_name() const {
  const Config current = config();
  std::error_code error;
  if (std::filesystem::is_directory(current.playlists, error)) return std::nullopt;
  return current.playlists.stem().string();
}

void PlaylistFolder::check_editable(std::string_view name) const {
  if (const auto problem = playlist_name_problem(name)) throw std::invalid_argument(*problem);
  const std::optional<std::string> only = only_name();
  if (only && *only != name)
    throw std::invalid_argument(
        "cấu hình cho bangtind đọc một tệp danh sách duy nhất (" + *only +
        "); bảng điều khiển chỉ sửa tệp đó (cho 'playlists:' là một thư mục để có nhiều danh "
        "sách và thông báo khẩn)");
}

std::filesystem::path PlaylistFolder::file_of(std::string_view name) const {
  const Config current = config();
  std::error_code error;
  if (!std::filesystem::is_directory(current.playlists, error)) return current.playlists;
  const std::filesystem::path base = current.playlists / std::string(name);
  if (std::filesystem::exists(base.string() + ".yml", error) &&
      !std::filesystem::exists(base.string() + ".yaml", error))
    return base.string() + ".yml";
  return base.string() + ".yaml";
}

std::vector<PlaylistSummary> PlaylistFolder::list() const {
  std::vector<PlaylistSummary> summaries;
  for (const std::filesystem::path& file : playlist_files(config())) {
    const std::string name = file.stem().string();
    if (playlist_name_problem(name)) continue;  // a file the console cannot name stays the shell's
    if (std::optional<PlaylistDocument> document = read(name))
      summaries.push_back(document->summary);
  }
  return summaries;
}

std::optional<PlaylistDocument> PlaylistFolder::read(std::string_view name) const {
  if (playlist_name_problem(name)) return std::nullopt;
  if (const auto only = only_name(); only && *only != name) return std::nullopt;
  const std::filesystem::path file = file_of(name);
  std::optional<std::string> bytes = read_bytes(file);
  if (!bytes) return std::nullopt;
  const Config current = config();
  Loaded<Playlist> loaded = load_playlist(file, &current);
  PlaylistDocument document;
  document.summary.name = std::string(name);
  document.summary.file = file.filename().string();
  document.summary.version = sha256_hex(*bytes);
  document.summary.notices = name == kNoticesName;
  if (loaded.value) {
    document.summary.title = loaded.value->title;
    document.summary.items = loaded.value->items.size();
  }
  document.yaml = std::move(*bytes);
  document.playlist = std::move(loaded.value);
  document.problems = std::move(loaded.diagnostics);
  return document;
}

std::vector<Diagnostic> PlaylistFolder::check(std::string_view name, std::string_view yaml,
                                              std::optional<Playlist>* loaded,
                                              bool ids_against_others) const {
  // Checked where the watcher does not look: the boards see the file only once it is good.
  std::filesystem::create_directories(drafts_);
  const std::filesystem::path draft = drafts_ / (std::string(name) + ".yaml");
  replace_file(draft, yaml);
  const Config current = config();
  Loaded<Playlist> result = load_playlist(draft, &current, render_checks());
  std::error_code ignored;
  std::filesystem::remove(draft, ignored);
  const std::filesystem::path file = ids_against_others ? file_of(name) : draft;
  for (Diagnostic& diagnostic : result.diagnostics) diagnostic.where.file = file;
  if (result.value && ids_against_others) {
    // Item ids are unique across every playlist of the config, as the daemon requires.
    std::map<std::string, std::string> elsewhere;  // id -> file
    for (const std::filesystem::path& other : playlist_files(current)) {
      if (other.filename() == file.filename()) continue;
      if (Loaded<Playlist> playlist = load_playlist(other); playlist.value)
        for (const Item& item : playlist.value->items)
          elsewhere.emplace(item.id, other.filename().string());
    }
    for (const Item& item : result.value->items) {
      const auto found = elsewhere.find(item.id);
      if (found == elsewhere.end()) continue;
      SourceMark where = item.where;
      where.file = file;
      result.diagnostics.push_back(Diagnostic{where, Severity::error,
                                              "item id '" + item.id + "' is used in " +
                                                  found->second +
                                                  " too; ids are unique across "
                                                  "every playlist"});
    }
  }
  if (loaded) *loaded = std::move(result.value);
  return std::move(result.diagnostics);
}

PlaylistFolder::Saved PlaylistFolder::save(std::string_view name, std::string_view version,
                                           std::string_view yaml, const Actor& by) {
  check_editable(name);
  const std::filesystem::path file = file_of(name);
  const std::optional<std::string> before = read_bytes(file);
  const std::string current_version = before ? sha256_hex(*before) : std::string();
  if (current_version != version) {
    PlaylistConflict conflict(read(name));
    // Who changed it, when the console did.
    for (const AuditEntry& entry : accounts_.audit(200)) {
      if (entry.target != name || entry.action.rfind("playlist.", 0) != 0) continue;
      conflict.saved_by = entry.actor;
      conflict.saved_at = entry.at;
      break;
    }
    throw conflict;
  }
  std::optional<Playlist> loaded;
  std::vector<Diagnostic> problems = check(name, yaml, &loaded);
  if (!loaded || has_errors(problems)) {
    if (!has_errors(problems))
      problems.push_back(
          Diagnostic{SourceMark{file, 1, 1}, Severity::error, "the playlist cannot be read"});
    throw PlaylistInvalid(std::move(problems));
  }
  replace_file(file, yaml);
  accounts_.record(AuditEntry{"", by.name, by.address, before ? "playlist.save" : "playlist.create",
                              std::string(name), before.value_or(""), std::string(yaml)});
  return Saved{sha256_hex(yaml), std::move(problems)};
}

void PlaylistFolder::remove(std::string_view name, std::string_view version, const Actor& by) {
  check_editable(name);
  const std::filesystem::path file = file_of(name);
  const std::optional<std::string> before = read_bytes(file);
  if (!before || sha256_hex(*before) != version) throw PlaylistConflict(read(name));
  std::filesystem::remove(file);
  accounts_.record(
      AuditEntry{"", by.name, by.address, "playlist.delete", std::string(name), *before, ""});
}

Item PlaylistFolder::check_item(std::string_view item_yaml) const {
  const std::string yaml = "playlist: xem-truoc\nitems:\n  - " + std::string(item_yaml) + "\n";
  std::optional<Playlist> loaded;
  // Its id is nobody's business: a real item may well be called so.
  std::vector<Diagnostic> problems = check("xem-truoc-" + random_hex(4), yaml, &loaded, false);
  if (!loaded || loaded->items.empty() || has_errors(problems))
    throw PlaylistInvalid(std::move(problems));
  return loaded->items.front();
}

std::vector<Notice> PlaylistFolder::notices() const {
  std::vector<Notice> found;
  const std::optional<PlaylistDocument> document = read(kNoticesName);
  if (!document || !document->playlist) return found;
  const Config current = config();
  const TimePoint now = std::chrono::system_clock::now();
  for (const Item& item : document->playlist->items) {
    if (item.until && *item.until <= now) continue;  // over: no longer shown
    found.push_back(Notice{item.id, item.text, item.targets,
                           item.until ? local_minutes(*item.until, current.utc_offset) : ""});
  }
  return found;
}

std::string PlaylistFolder::notices_yaml(const std::vector<Notice>& notices) const {
  std::string yaml =
      "# Urgent notices written by bangtin's console (page \"Thông báo khẩn\"); edit them there.\n"
      "playlist: " +
      std::string(kNoticesName) + "\ntitle: Thông báo khẩn\nitems:";
  if (notices.empty()) return yaml + " []\n";
  yaml += "\n";
  for (const Notice& notice : notices) {
    yaml += "  - id: " + notice.id + "\n    text: " + yaml_quoted(notice.text) +
            "\n    priority: urgent\n    until: " + yaml_quoted(notice.until) + "\n    targets: [";
    for (std::size_t i = 0; i < notice.targets.size(); ++i)
      yaml += (i > 0 ? ", " : "") + yaml_quoted(notice.targets[i]);
    yaml += "]\n";
  }
  return yaml;
}

std::string PlaylistFolder::add_notice(const Notice& notice, const Actor& by) {
  const Config current = config();
  const std::optional<TimePoint> until = parse_local_datetime(notice.until, current.utc_offset);
  if (!until) throw std::invalid_argument("thời điểm kết thúc phải có dạng 2026-12-01T17:00");
  if (*until <= std::chrono::system_clock::now())
    throw std::invalid_argument("thời điểm kết thúc đã qua");
  if (notice.targets.empty()) throw std::invalid_argument("chọn ít nhất một bảng hoặc nhóm");
  std::vector<Notice> notices = this->notices();
  Notice added = notice;
  added.id = "khan-" + random_hex(4);
  added.until = local_minutes(*until, current.utc_offset);
  notices.push_back(added);
  const std::optional<PlaylistDocument> document = read(kNoticesName);
  save(kNoticesName, document ? document->summary.version : "", notices_yaml(notices), by);
  accounts_.record(AuditEntry{"", by.name, by.address, "notice.add", added.id, "",
                              added.text + " (until " + added.until + ")"});
  return added.id;
}

bool PlaylistFolder::end_notice(std::string_view id, const Actor& by) {
  std::vector<Notice> notices = this->notices();
  const auto found =
      std::find_if(notices.begin(), notices.end(), [&](const Notice& n) { return n.id == id; });
  if (found == notices.end()) return false;
  const std::optional<PlaylistDocument> document = read(kNoticesName);
  const std::string text = found->text;
  notices.erase(found);
  save(kNoticesName, document ? document->summary.version : "", notices_yaml(notices), by);
  accounts_.record(AuditEntry{"", by.name, by.address, "notice.end", std::string(id), text, ""});
  return true;
}

}  // namespace bangtin
