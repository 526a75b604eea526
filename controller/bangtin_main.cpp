// bangtin — the operator's tool.
//   bangtin validate [--config FILE] FILE...   check configs and playlists, as the daemon would
//   bangtin render --config FILE --display NAME --at TIME --out PNG [--scale N] [--dots]
//   bangtin report --config FILE --from DATE --to DATE [--display NAME] [--csv]
//   bangtin plan --config FILE --from DATE --to DATE [--display NAME] [--csv]
//   bangtin status --config FILE
#include <boost/program_options.hpp>

#include <iostream>

#include "atomic_file.hpp"
#include "bangtin/controller.hpp"
#include "bangtin/daemon_status.hpp"
#include "bangtin/play_log.hpp"
#include "programme_source.hpp"

namespace po = boost::program_options;
using namespace bangtin;

namespace {

constexpr const char* kUsage =
    "Usage:\n"
    "  bangtin validate [--config FILE] FILE...\n"
    "      Checks daemon configs (with every playlist they name) and playlists. Prints each\n"
    "      problem as FILE:LINE:COL: error|warning: message; exits 1 when there are errors.\n"
    "  bangtin render --config FILE --display NAME --at 2026-11-24T08:00:00 --out frame.png\n"
    "                 [--scale N] [--dots]\n"
    "      Writes the exact frame the display shows at that local time, at panel resolution\n"
    "      (or N times larger; --dots draws each pixel as a round LED) as a PNG.\n"
    "  bangtin report --config FILE --from 2026-11-01 --to 2026-11-30 [--display NAME] [--csv]\n"
    "      Proof of play: per day, display and item, the plays and the time on air.\n"
    "  bangtin plan --config FILE --from 2026-12-01 --to 2026-12-31 [--display NAME] [--csv]\n"
    "      The same figures for days ahead, as the schedule will play them.\n"
    "  bangtin status --config FILE\n"
    "      What the running daemon says: links, what is on air, playlist problems, clock.\n";

// The command's options from its arguments; required ones missing throw po::error.
po::variables_map parse(const std::vector<std::string>& args,
                        const po::options_description& options,
                        const po::positional_options_description& positional = {}) {
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
  po::notify(vm);
  return vm;
}

// Problems go to stderr; the commands below go on with whatever could be loaded.
template <typename T>
const T* report_problems(const Loaded<T>& loaded) {
  for (const Diagnostic& diagnostic : loaded.diagnostics)
    std::cerr << diagnostic.to_string() << '\n';
  return loaded.value ? &*loaded.value : nullptr;
}

// The programme as the boards play it: a broken playlist's last good version stands in.
Loaded<Programme> programme_on_air(const std::string& config_file) {
  return ProgrammeSource(config_file, ProgrammeSource::Copies::read_only).load();
}

int validate(const std::vector<std::string>& args) {
  po::options_description options("validate options");
  options.add_options()("config", po::value<std::string>(), "config whose displays targets name")(
      "files", po::value<std::vector<std::string>>(), "files to check");
  po::positional_options_description positional;
  positional.add("files", -1);
  const po::variables_map vm = parse(args, options, positional);
  if (!vm.count("files")) throw po::error("validate needs at least one file");

  std::optional<Config> config;
  std::vector<Diagnostic> diagnostics;
  if (vm.count("config")) {
    const Loaded<Config> loaded = load_config(vm["config"].as<std::string>());
    diagnostics = loaded.diagnostics;
    config = loaded.value;
  }
  const RenderChecks checks = render_checks();
  int files = 0;
  for (const std::string& file : vm["files"].as<std::vector<std::string>>()) {
    ++files;
    if (looks_like_config(file)) {
      Loaded<Programme> loaded = load_programme(file, checks);
      diagnostics.insert(diagnostics.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
      if (loaded.value) files += static_cast<int>(loaded.value->playlists.size());
    } else {
      Loaded<Playlist> loaded = load_playlist(file, config ? &*config : nullptr, checks);
      diagnostics.insert(diagnostics.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
    }
  }
  int errors = 0;
  for (const Diagnostic& diagnostic : diagnostics) {
    std::cout << diagnostic.to_string() << '\n';
    errors += diagnostic.severity == Severity::error;
  }
  std::cerr << "bangtin validate: " << files << " file(s), " << errors << " error(s), "
            << diagnostics.size() - static_cast<std::size_t>(errors) << " warning(s)\n";
  return errors ? 1 : 0;
}

int render(const std::vector<std::string>& args) {
  po::options_description options("render options");
  options.add_options()("config", po::value<std::string>()->required(), "daemon config")(
      "display", po::value<std::string>()->required(), "display name")(
      "at", po::value<std::string>()->required(), "local time, e.g. 2026-11-24T08:00:00")(
      "out", po::value<std::string>()->required(), "PNG to write")(
      "scale", po::value<int>()->default_value(1), "pixel size of the preview")(
      "dots", "draw each pixel as a round LED, as the board looks in the street");
  const po::variables_map vm = parse(args, options);

  const Loaded<Programme> loaded = programme_on_air(vm["config"].as<std::string>());
  const Programme* on_air = report_problems(loaded);
  if (!on_air) return 1;
  const Programme& programme = *on_air;
  const DisplayConfig* display = find_display(programme.config, vm["display"].as<std::string>());
  if (!display) {
    std::cerr << "bangtin render: no display named \"" << vm["display"].as<std::string>()
              << "\" in " << vm["config"].as<std::string>() << '\n';
    return 1;
  }
  const auto at = parse_local_datetime(vm["at"].as<std::string>(), programme.config.utc_offset);
  if (!at) {
    std::cerr << "bangtin render: --at \"" << vm["at"].as<std::string>()
              << "\" is not a local time like 2026-11-24T08:00:00\n";
    return 1;
  }
  DisplayPlayer player(programme, *display);
  for (const std::string& problem : player.problems()) std::cerr << problem << '\n';
  const Frame frame = player.frame_at(*at);
  const int scale = std::max(1, vm["scale"].as<int>());
  if (vm.count("dots")) {
    write_png(led_dot_preview(frame, scale), vm["out"].as<std::string>());
  } else {
    write_png(frame, vm["out"].as<std::string>(), scale);
  }
  const Play* play = player.on_air();
  std::cerr << "bangtin render: " << display->name << " at " << vm["at"].as<std::string>()
            << " shows " << (play && play->item ? play->item->id : std::string("the idle content"))
            << "; wrote " << vm["out"].as<std::string>() << '\n';
  return 0;
}

std::optional<std::chrono::sys_days> parse_date(const std::string& text) {
  const auto midnight = parse_local_datetime(text + "T00:00", std::chrono::minutes(0));
  if (!midnight) return std::nullopt;
  return std::chrono::floor<std::chrono::days>(*midnight);
}

po::options_description period_options(const char* caption) {
  po::options_description options(caption);
  options.add_options()("config", po::value<std::string>()->required(), "daemon config")(
      "from", po::value<std::string>()->required(), "first day, e.g. 2026-11-01")(
      "to", po::value<std::string>()->required(), "last day, e.g. 2026-11-30")(
      "display", po::value<std::string>(), "only this display")("csv", "CSV instead of a table");
  return options;
}

// --from and --to as local dates, first not after last.
std::optional<std::pair<std::chrono::sys_days, std::chrono::sys_days>> period(
    const po::variables_map& vm, const char* command) {
  const auto from = parse_date(vm["from"].as<std::string>());
  const auto to = parse_date(vm["to"].as<std::string>());
  if (!from || !to || *to < *from) {
    std::cerr << "bangtin " << command
              << ": --from and --to must be dates like 2026-11-01, --from first\n";
    return std::nullopt;
  }
  return std::pair{*from, *to};
}

int plan(const std::vector<std::string>& args) {
  const po::options_description options = period_options("plan options");
  const po::variables_map vm = parse(args, options);
  const Loaded<Programme> loaded = programme_on_air(vm["config"].as<std::string>());
  const Programme* programme = report_problems(loaded);
  if (!programme) return 1;
  const auto days = period(vm, "plan");
  if (!days) return 1;
  std::vector<PlayTotals> rows;
  for (const DisplayConfig& display : programme->config.displays) {
    if (vm.count("display") && display.name != vm["display"].as<std::string>()) continue;
    auto planned = planned_totals(*programme, display, days->first, days->second);
    rows.insert(rows.end(), planned.begin(), planned.end());
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const PlayTotals& a, const PlayTotals& b) { return a.day < b.day; });
  std::cout << (vm.count("csv") ? totals_csv(rows) : totals_table(rows));
  return 0;
}

int report(const std::vector<std::string>& args) {
  const po::options_description options = period_options("report options");
  const po::variables_map vm = parse(args, options);

  const Loaded<Config> loaded = load_config(vm["config"].as<std::string>());
  const Config* config = report_problems(loaded);
  if (!config) return 1;
  const auto days = period(vm, "report");
  if (!days) return 1;
  const auto database = config->state / "plays.sqlite3";
  if (!std::filesystem::exists(database)) {
    std::cerr << "bangtin report: no proof of play yet at " << database.string()
              << " (bangtind writes it while it plays)\n";
    return 1;
  }
  const PlayStore store(database, PlayStore::Access::read_only);
  const std::optional<std::string> display =
      vm.count("display") ? std::optional(vm["display"].as<std::string>()) : std::nullopt;
  const auto rows = store.totals(days->first, days->second, config->utc_offset, display);
  std::cout << (vm.count("csv") ? totals_csv(rows) : totals_table(rows));
  return 0;
}

int status(const std::vector<std::string>& args) {
  po::options_description options("status options");
  options.add_options()("config", po::value<std::string>()->required(), "daemon config");
  const po::variables_map vm = parse(args, options);
  const Loaded<Config> loaded = load_config(vm["config"].as<std::string>());
  const Config* config = report_problems(loaded);
  if (!config) return 1;
  const auto file = config->state / "status.json";
  std::optional<DaemonStatus> parsed;
  try {
    parsed = status_from_json(read_file(file));
  } catch (const std::runtime_error&) {
    // no file yet: said below
  }
  if (!parsed) {
    std::cerr << "bangtin status: no status at " << file.string()
              << " (bangtind writes it every second while it runs)\n";
    return 1;
  }
  std::cout << status_text(*parsed);
  std::error_code error;
  const auto written = std::filesystem::last_write_time(file, error);
  const auto age = std::filesystem::file_time_type::clock::now() - written;
  if (!error && age > std::chrono::seconds(10)) {
    std::cout << "(written " << std::chrono::duration_cast<std::chrono::seconds>(age).count()
              << " s ago: is bangtind running?)\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cout << kUsage;
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (command == "validate") return validate(args);
    if (command == "render") return render(args);
    if (command == "report") return report(args);
    if (command == "plan") return plan(args);
    if (command == "status") return status(args);
    std::cerr << "bangtin: unknown command \"" << command << "\"\n" << kUsage;
    return 2;
  } catch (const po::error& error) {
    std::cerr << "bangtin " << command << ": " << error.what() << "\n" << kUsage;
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "bangtin " << command << ": " << error.what() << '\n';
    return 1;
  }
}
