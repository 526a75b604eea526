// bangtin — the operator's tool.
//   bangtin validate [--config FILE] FILE...   check configs and playlists, as the daemon would
//   bangtin render --config FILE --display NAME --at TIME --out PNG [--scale N] [--dots]
//   bangtin report --config FILE --from DATE --to DATE [--display NAME] [--csv]
//   bangtin report --hub DB --from DATE --to DATE [--site NAME] [--display NAME] [--csv|--xlsx F]
//   bangtin plan --config FILE --from DATE --to DATE [--display NAME] [--csv]
//   bangtin status --config FILE
//   bangtin displays --config FILE   the config's display names, one a line
//   bangtin user add|passwd|role|list|remove|token ... --config FILE   console accounts
//   bangtin fleet keygen|sign|publish|withdraw ...   the province's side of a fleet
//   bangtin help [COMMAND], bangtin COMMAND --help, bangtin --version
#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <boost/program_options.hpp>

#include <cstdlib>
#include <iomanip>
#include <iostream>

#include "atomic_file.hpp"
#include "bangtin/controller.hpp"
#include "bangtin/daemon_status.hpp"
#include "bangtin/date_time_text.hpp"
#include "bangtin/play_log.hpp"
#include "bangtin/version.hpp"
#include "console_accounts.hpp"
#include "console_report.hpp"
#include "fleet_command.hpp"
#include "hub_store.hpp"
#include "programme_source.hpp"

namespace po = boost::program_options;
using namespace bangtin;

namespace {

// Each command's usage, in one place: `bangtin --help` prints them all, `bangtin CMD --help` and
// `bangtin help CMD` the one, and a wrong argument the one it was given to.
constexpr const char* kValidateUsage =
    "  bangtin validate [--config FILE] FILE...\n"
    "      Checks daemon configs (with every playlist they name) and playlists. Prints each\n"
    "      problem as FILE:LINE:COL: error|warning: message; exits 1 when there are errors.\n";
constexpr const char* kRenderUsage =
    "  bangtin render --config FILE --display NAME --at 2026-11-24T08:00:00 --out frame.png\n"
    "                 [--scale N] [--dots]\n"
    "      Writes the exact frame the display shows at that local time, at panel resolution\n"
    "      (or N times larger; --dots draws each pixel as a round LED) as a PNG.\n";
constexpr const char* kReportUsage =
    "  bangtin report --config FILE --from 2026-11-01 --to 2026-11-30 [--display NAME] [--csv]\n"
    "      Proof of play: per day, display and item, the plays and the time on air.\n"
    "  bangtin report --hub DB --from DATE --to DATE [--site NAME] [--display NAME]\n"
    "                 [--csv | --xlsx FILE]\n"
    "      The same for a whole fleet, from bangtin-hub's database; dates are each site's own.\n";
constexpr const char* kPlanUsage =
    "  bangtin plan --config FILE --from 2026-12-01 --to 2026-12-31 [--display NAME] [--csv]\n"
    "      The same figures for days ahead, as the schedule will play them.\n";
constexpr const char* kStatusUsage =
    "  bangtin status --config FILE\n"
    "      What the running daemon says: links, what is on air, playlist problems, clock.\n";
constexpr const char* kDisplaysUsage =
    "  bangtin displays --config FILE\n"
    "      The config's display names, one a line, for scripts and shell completion.\n";
constexpr const char* kUserUsage =
    "  bangtin user add NAME --role viewer|editor|admin --config FILE\n"
    "  bangtin user passwd NAME --config FILE\n"
    "  bangtin user role NAME --role viewer|editor|admin --config FILE\n"
    "  bangtin user list --config FILE\n"
    "  bangtin user remove NAME --config FILE\n"
    "  bangtin user token NAME [--revoke] --config FILE\n"
    "      Accounts of the operator console, in the config's state folder (console.sqlite3).\n"
    "      viewer reads; editor also edits playlists and notices; admin also users and config.\n"
    "      Passwords are read from standard input (asked twice, unechoed, on a terminal), never\n"
    "      taken as an argument. token prints a new API token for scripts, once; --revoke\n"
    "      removes all of that account's tokens. Every change goes into the console's audit.\n";
constexpr const char* kGeneralUsage =
    "  bangtin help [COMMAND]    bangtin COMMAND --help\n"
    "      This text, or only that command's.\n"
    "  bangtin --version\n";

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

po::options_description period_options(const char* caption, bool config_required = true) {
  po::options_description options(caption);
  const auto config = po::value<std::string>();
  if (config_required) config->required();
  options.add_options()("config", config, "daemon config")(
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

// The fleet's report from bangtin-hub's database: dates are each site's own local days.
int hub_report(const po::variables_map& vm) {
  const auto days = period(vm, "report");
  if (!days) return 1;
  const std::filesystem::path database = vm["hub"].as<std::string>();
  if (!std::filesystem::exists(database)) {
    std::cerr << "bangtin report: no hub database at " << database.string() << '\n';
    return 1;
  }
  const auto given = [&vm](const char* name) {
    return vm.count(name) ? std::optional(vm[name].as<std::string>()) : std::nullopt;
  };
  const HubStore store(database, HubStore::Access::read_only);
  const auto rows = store.totals(iso_date_text(days->first), iso_date_text(days->second),
                                 given("site"), given("display"));
  if (vm.count("xlsx")) {
    replace_file(vm["xlsx"].as<std::string>(), site_totals_xlsx(rows, days->first, days->second));
    return 0;
  }
  std::cout << (vm.count("csv") ? site_totals_csv(rows) : site_totals_table(rows));
  return 0;
}

int report(const std::vector<std::string>& args) {
  po::options_description options = period_options("report options", false);
  options.add_options()("hub", po::value<std::string>(), "bangtin-hub's database, not a config")(
      "site", po::value<std::string>(), "--hub: only this site")(
      "xlsx", po::value<std::string>(), "--hub: write a spreadsheet to FILE");
  const po::variables_map vm = parse(args, options);
  if (vm.count("hub") && vm.count("config")) throw po::error("give --hub or --config, not both");
  if (vm.count("hub")) return hub_report(vm);
  if (!vm.count("config")) throw po::error("report needs --config FILE (or --hub FILE)");
  if (vm.count("site") || vm.count("xlsx")) throw po::error("--site and --xlsx go with --hub");

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

int displays(const std::vector<std::string>& args) {
  po::options_description options("displays options");
  options.add_options()("config", po::value<std::string>()->required(), "daemon config");
  const po::variables_map vm = parse(args, options);
  const Loaded<Config> loaded = load_config(vm["config"].as<std::string>());
  const Config* config = report_problems(loaded);
  if (!config) return 1;
  for (const DisplayConfig& display : config->displays) std::cout << display.name << '\n';
  return 0;
}

// Who is changing accounts from the shell, for the audit: the Unix user, and the one behind sudo.
Actor local_actor() {
  const uid_t uid = ::geteuid();
  const passwd* entry = ::getpwuid(uid);
  std::string name = entry ? entry->pw_name : "uid " + std::to_string(uid);
  const char* sudo_user = std::getenv("SUDO_USER");
  if (uid == 0 && sudo_user && *sudo_user) name += std::string(" (sudo by ") + sudo_user + ")";
  return Actor{name, "local"};
}

// Puts the terminal's echo back however the prompt ends.
class EchoOff {
 public:
  EchoOff() : on_(::tcgetattr(STDIN_FILENO, &saved_) == 0) {
    if (!on_) return;
    termios quiet = saved_;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    on_ = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~EchoOff() {
    if (on_) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  }
  EchoOff(const EchoOff&) = delete;
  EchoOff& operator=(const EchoOff&) = delete;

 private:
  termios saved_{};
  bool on_;
};

std::optional<std::string> read_line(const char* prompt) {
  std::optional<EchoOff> quiet;
  if (prompt) {
    std::cerr << prompt << std::flush;
    quiet.emplace();
  }
  std::string line;
  const bool read = static_cast<bool>(std::getline(std::cin, line));
  if (prompt) std::cerr << '\n';
  if (!read && line.empty()) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();  // typed or piped on Windows
  return line;
}

// The new password: asked twice without echo on a terminal, else the first line of stdin (for
// scripts), so it never shows in `ps` or a shell's history.
std::string new_password(const std::string& name) {
  if (!::isatty(STDIN_FILENO)) {
    const auto line = read_line(nullptr);
    if (!line) throw std::invalid_argument("no password on standard input");
    return *line;
  }
  const std::string first = "New password for " + name + ": ";
  const auto password = read_line(first.c_str());
  const auto again = read_line("The same again: ");
  if (!password || !again) throw std::invalid_argument("no password typed");
  if (*password != *again) throw std::invalid_argument("the two passwords differ; nothing changed");
  return *password;
}

int user(const std::vector<std::string>& args) {
  po::options_description options("user options");
  options.add_options()("config", po::value<std::string>()->required(), "daemon config")(
      "role", po::value<std::string>(), "viewer, editor or admin")(
      "revoke", "token: remove the account's tokens instead")(
      "action", po::value<std::string>(), "add, passwd, role, list, remove or token")(
      "name", po::value<std::string>(), "account name")(
      "password", po::value<std::string>(), "refused: passwords come from standard input")(
      "extra", po::value<std::vector<std::string>>(), "refused");
  po::positional_options_description positional;
  positional.add("action", 1).add("name", 1).add("extra", -1);
  const po::variables_map vm = parse(args, options, positional);

  const std::string action = vm.count("action") ? vm["action"].as<std::string>() : "";
  const bool known = action == "add" || action == "passwd" || action == "role" ||
                     action == "list" || action == "remove" || action == "token";
  if (!known) throw po::error("user needs one of add, passwd, role, list, remove, token");
  if (vm.count("password") || vm.count("extra"))
    throw po::error("a password is never an argument (others see arguments in ps and history); " +
                    std::string("give it on standard input or at the prompt"));
  const bool named = vm.count("name") > 0;
  if ((action == "list") == named)
    throw po::error(action == "list" ? "user list takes no name"
                                     : "user " + action + " needs a name");
  const bool takes_role = action == "add" || action == "role";
  if (takes_role != (vm.count("role") > 0))
    throw po::error(takes_role ? "user " + action + " needs --role viewer|editor|admin"
                               : "--role goes with user add and user role only");
  if (vm.count("revoke") && action != "token")
    throw po::error("--revoke goes with user token only");
  std::optional<Role> role;
  if (takes_role) {
    role = role_from(vm["role"].as<std::string>());
    if (!role) throw po::error("--role must be viewer, editor or admin");
  }

  const Loaded<Config> loaded = load_config(vm["config"].as<std::string>());
  const Config* config = report_problems(loaded);
  if (!config) return 1;
  const auto database = config->state / "console.sqlite3";
  if (action == "list" && !std::filesystem::exists(database)) {
    std::cerr << "bangtin user list: no accounts yet (" << database.string()
              << "); add one with: bangtin user add NAME --role admin\n";
    return 0;
  }
  const std::string name = vm.count("name") ? vm["name"].as<std::string>() : "";
  const Actor me = local_actor();
  try {
    AccountStore store(database);
    if (action == "list") {
      for (const Account& account : store.list())
        std::cout << std::left << std::setw(34) << account.name << to_string(account.role) << '\n';
    } else if (action == "add") {
      // The name first: a typo should not cost the operator typing a password twice.
      if (const auto problem = account_name_problem(name)) throw std::invalid_argument(*problem);
      store.add(name, *role, new_password(name), me);
      std::cerr << "bangtin user add: " << name << " can sign in, as " << to_string(*role) << '\n';
    } else if (action == "passwd") {
      if (!store.find(name)) throw std::invalid_argument("no account named \"" + name + "\"");
      store.set_password(name, new_password(name), me);
      std::cerr << "bangtin user passwd: " << name << "'s password changed\n";
    } else if (action == "role") {
      store.set_role(name, *role, me);
      std::cerr << "bangtin user role: " << name << " is " << to_string(*role) << '\n';
    } else if (action == "remove") {
      store.remove(name, me);
      std::cerr << "bangtin user remove: " << name << " removed, with its tokens\n";
    } else if (vm.count("revoke")) {
      const std::size_t revoked = store.revoke_tokens(name, me);
      std::cerr << "bangtin user token: " << revoked << " token(s) of " << name << " revoked\n";
    } else {
      std::cout << store.issue_token(name, me) << '\n';
      std::cerr << "bangtin user token: a new token for " << name
                << "; it is shown this once, keep it where the script reads it\n";
    }
  } catch (const std::invalid_argument& refused) {
    std::cerr << "bangtin user " << action << ": " << refused.what() << '\n';
    return 1;
  }
  return 0;
}

struct Command {
  const char* name;
  const char* usage;
  int (*run)(const std::vector<std::string>&);
};

const Command kCommands[] = {
    {"validate", kValidateUsage, validate},
    {"render", kRenderUsage, render},
    {"report", kReportUsage, report},
    {"plan", kPlanUsage, plan},
    {"status", kStatusUsage, status},
    {"displays", kDisplaysUsage, displays},
    {"user", kUserUsage, user},
    {"fleet", kFleetUsage, fleet_command},
};

const Command* find_command(const std::string& name) {
  for (const Command& command : kCommands)
    if (name == command.name) return &command;
  return nullptr;
}

void print_usage(std::ostream& out, const Command* only = nullptr) {
  out << "Usage:\n";
  if (only) {
    out << only->usage;
    return;
  }
  for (const Command& command : kCommands) out << command.usage;
  out << kGeneralUsage;
}

// --help anywhere before a "--" asks for the command's usage rather than running it, as with
// most programs; an option's value of "--help" (a notice text, say) would need "--" before it.
bool asks_for_help(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (arg == "--") return false;
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(std::cerr);
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || (command == "help" && args.empty())) {
    print_usage(std::cout);
    return 0;
  }
  if (command == "--version") {
    std::cout << "bangtin " << bangtin_version() << '\n';
    return 0;
  }
  if (command == "help") {
    const Command* asked = find_command(args.front());
    if (!asked || args.size() > 1) {
      std::cerr << "bangtin help: no command \"" << args.front() << "\"\n";
      print_usage(std::cerr);
      return 2;
    }
    print_usage(std::cout, asked);
    return 0;
  }
  const Command* found = find_command(command);
  if (!found) {
    std::cerr << "bangtin: unknown command \"" << command << "\"\n";
    print_usage(std::cerr);
    return 2;
  }
  if (asks_for_help(args)) {
    print_usage(std::cout, found);
    return 0;
  }
  try {
    return found->run(args);
  } catch (const po::error& error) {
    std::cerr << "bangtin " << command << ": " << error.what() << "\n";
    print_usage(std::cerr, found);
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "bangtin " << command << ": " << error.what() << '\n';
    return 1;
  }
}
