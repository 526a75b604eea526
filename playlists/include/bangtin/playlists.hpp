// bangtin playlists — the operator's files: the daemon config and the playlists it names.
//
// One loader, used by the daemon and by `bangtin validate` alike, so what validates is what plays.
// Loading never throws on bad input: every problem found is a Diagnostic with the file, line and
// column of the offending YAML node, and whatever was good is still returned. The format is
// described for operators in playlists/FORMAT.md.
//
// The module's other public headers: bangtin/schedule.hpp (what a display shows when, as a pure
// function of time; clock sanity) and bangtin/vietnamese_calendar.hpp (lunar calendar, holidays).
#pragma once

#include <bitset>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bangtin/display_settings.hpp"
#include "bangtin/frame.hpp"

namespace bangtin {

// --- Diagnostics ---------------------------------------------------------------------------

struct SourceMark {
  std::filesystem::path file;
  int line = 0;    // 1-based; 0 when the problem is with the file as a whole
  int column = 0;  // 1-based
};

enum class Severity { error, warning };

struct Diagnostic {
  SourceMark where;
  Severity severity = Severity::error;
  std::string message;  // may quote operator text as written, control characters and all
  // "FILE:LINE:COL: error: message", the form editors and CI logs understand, on one line: what
  // does not print (a line feed, an ESC in a key or a file name) is shown as an escape (\n, \x1b).
  std::string to_string() const;
};

bool has_errors(const std::vector<Diagnostic>& diagnostics);

// Operator text made safe to show on one line of a log, a terminal or a report cell: tab, CR and
// LF as \t \r \n; other C0 controls and DEL as \xNN; C1 controls, line and paragraph
// separators and bidirectional overrides as \uNNNN; each byte that is not UTF-8 as \xNN.
// Vietnamese and every other printable character stay; so does a backslash, so that applying it
// twice changes nothing.
std::string printable(std::string_view text);

// --- The format ----------------------------------------------------------------------------

using TimePoint = std::chrono::system_clock::time_point;

// Calendar dates in the config's local time, both ends included. A sys_days here is a local
// date, not a UTC instant.
struct DateRange {
  std::chrono::sys_days first;
  std::chrono::sys_days last;
  bool contains(std::chrono::sys_days date) const { return first <= date && date <= last; }
};

// Local times of day, as minutes after midnight. An end at or before the start crosses
// midnight ("22:00-02:00"); 00:00-24:00 is the whole day.
struct TimeWindow {
  std::chrono::minutes start{0};
  std::chrono::minutes end{24 * 60};
};

// When an item may play, on top of its from/until. Every part must agree.
struct ItemSchedule {
  std::vector<DateRange> dates;  // empty: any date
  // Bit i is the weekday whose std::chrono::weekday::c_encoding() is i (0 Sunday .. 6 Saturday).
  std::bitset<7> weekdays{0b111'1111};
  bool holidays = false;  // `days: [..., holidays]`: also on every public holiday, whatever weekday
  std::vector<TimeWindow> hours{TimeWindow{}};  // empty (`hours: []`): never
  bool except_holidays = false;                 // `except: [holidays]`
  std::vector<DateRange> except_dates;
};

enum class Priority { normal, high, urgent };

// The word a playlist writes for an effect ("static" for still) or a priority, as the loader
// reads it: for anything that writes playlists or shows their items.
std::string_view format_word(TextEffect effect);
std::string_view format_word(Priority priority);

struct Item {
  std::string id;                                // unique across every playlist of a config
  std::string playlist;                          // the name of the playlist it is in
  std::string text;                              // valid UTF-8, NFC-normalized
  TextEffect effect = TextEffect::scroll;        // `static` in the file is `still`
  double speed = 32;                             // pixels per second, for scroll
  int passes = 1;                                // how many times the effect runs through the text
  std::optional<std::chrono::seconds> duration;  // instead of passes: play this long
  std::optional<Rgb> colour;                     // colour boards; nothing: the display's default
  Priority priority = Priority::normal;
  int weight = 1;                  // plays this many times in each round
  std::optional<TimePoint> from;   // first instant it may play
  std::optional<TimePoint> until;  // from here on it no longer plays (see FORMAT.md)
  ItemSchedule schedule;
  std::vector<std::string> targets;  // display names, group names or "all"; empty means all
  // A picture, QR code, video or document (see Media); the text may then be empty.
  Media media;
  SourceMark where;        // the item
  SourceMark text_where;   // its text, for problems with its characters
  SourceMark media_where;  // its picture's file or QR code's text
};

struct Playlist {
  std::string name;
  std::string title;
  std::filesystem::path file;
  std::vector<Item> items;
  // The file exactly as read and checked: the daemon keeps these bytes as the last-good copy,
  // never the file read again (it may have been edited since).
  std::string source_bytes;
  // Every media file its items name, with its stamp when read (zero: not there): a reload parses
  // the playlist again when one of them changed, though its own bytes did not.
  std::vector<std::pair<std::filesystem::path, FileStamp>> media_files;
};

// The file's size and last change; zero when it is not there.
FileStamp file_stamp(const std::filesystem::path& file);

// --- Displays ------------------------------------------------------------------------------

// Where a display's frames go: an LED panel through its link, or a window on a lobby TV.
enum class DisplayOutput { panel, window };

// A part of a display. The zones of a loaded display lie inside it, do not overlap, and exactly
// one of them is the content zone.
struct ZoneConfig {
  std::string name;  // optional, for people; unique within the display when given
  Rect rect;
  ZoneRole role = ZoneRole::content;
  std::string text;           // title: its text, NFC-normalized; empty for content and clock
  std::optional<Rgb> colour;  // its text's colour; nothing: the display's
  std::string font;           // a font file; empty: the display's font
  SourceMark where;
};

// From local time of day `from` on, the display's brightness is `percent` (0..100).
struct BrightnessStep {
  std::chrono::minutes from{0};
  int percent = 100;
  friend bool operator==(const BrightnessStep&, const BrightnessStep&) = default;
};

// A 128x32 mono board's item takes a few kilobytes drawn, a lobby's full-HD page 6 to 8 MB.
inline constexpr std::size_t kDefaultDisplayMemoryBytes = std::size_t{32} << 20;

struct DisplayConfig {
  std::string name;
  int width = 0;
  int height = 0;
  PixelFormat pixel = PixelFormat::mono;
  DisplayOutput output = DisplayOutput::panel;
  std::string link;      // output panel: e.g. "modbus-tcp://127.0.0.1:1502?unit=1"; window: empty
  WindowOptions window;  // output window only
  std::vector<std::string> groups;
  double fps = 25;   // frames pushed per second
  std::string font;  // a font file; empty picks a face covering Vietnamese through fontconfig
  // Without `zones:`, one content zone covering the display; never empty in Config::displays.
  std::vector<ZoneConfig> zones;
  // Text colour on colour boards when an item or zone gives none; on mono boards, the colour lit
  // LEDs are drawn in by previews and windows. Nothing: the renderer's default.
  std::optional<Rgb> colour;
  double gamma = 1.0;  // 0.5..4; LED boards look right around 2.2
  // Sorted by `from`, no two at the same time, never empty; see brightness_at. `brightness: 60`
  // is one step at 00:00.
  std::vector<BrightnessStep> brightness{BrightnessStep{}};
  GlyphStyle glyphs = GlyphStyle::automatic;
  // Memory the daemon may keep drawn items in for this display, beyond the item on air: the
  // least recently shown go first. `memory: 32MB`; 1 MB to 4096 MB.
  std::size_t memory_bytes = kDefaultDisplayMemoryBytes;
  SourceMark where;

  PanelGeometry geometry() const { return PanelGeometry{width, height, pixel}; }
};

// The display's brightness in percent at a local time of day (taken modulo 24 hours): that of
// the last step at or before it; before the day's first step, the day's last step still holds,
// as it did since the evening before. 100 when the display has no steps.
int brightness_at(const DisplayConfig& display, std::chrono::minutes local_time_of_day);

// What a display shows when nothing is scheduled. Never a dark board.
struct IdleContent {
  enum class Kind { clock, text };
  Kind kind = Kind::clock;  // `idle: clock`: the date and time in Vietnamese
  std::string text;         // `idle: {text: ...}`: this text instead, NFC-normalized
  SourceMark text_where;
};

// Corrections to the computed public holidays (see vietnamese_calendar.hpp): the bridging days
// the government announces each year, or a computed day it moved.
struct HolidayAdjustments {
  std::vector<DateRange> extra;    // also holidays
  std::vector<DateRange> removed;  // not holidays after all
  // Month-days that are holidays every year ("11-24"), and ones that never are.
  std::vector<std::chrono::month_day> extra_every_year;
  std::vector<std::chrono::month_day> removed_every_year;
};

// `console:`, the operator console bangtind serves: web pages and an API.
struct ConsoleConfig {
  std::string host = "127.0.0.1";  // an IPv4 or IPv6 address, as written
  int port = 8080;
  // HTTPS with this certificate chain and key (PEM), both or neither.
  std::filesystem::path tls_certificate;
  std::filesystem::path tls_key;
  // `allow-plain-http: true`: plain HTTP on an address beyond loopback, where passwords and
  // session cookies would cross the network readable. Refused without it.
  bool plain_http_beyond_loopback = false;
  SourceMark where;
  bool tls() const { return !tls_certificate.empty(); }
};

// `fleet:`, the MQTT broker through which a province or district drives its communes' boards and
// collects their reports (controller/FLEET.md has the topics). Changes take effect at a restart.
struct FleetConfig {
  std::string broker;  // as written, "mqtts://broker.tinh.example:8883", for messages
  bool tls = false;    // mqtts://
  std::string host;    // a name or an IP address (without the brackets of [::1])
  int port = 8883;     // 1883 for mqtt://, 8883 for mqtts://, unless written
  // `allow-plain-mqtt: true`: mqtt:// to an address beyond loopback, where the password and
  // everything the fleet sends would cross the network readable. Refused without it.
  bool plain_mqtt_beyond_loopback = false;
  // This controller's name in the fleet and the groups it listens to: lowercase letters a-z,
  // digits and hyphens, as they are levels of topics.
  std::string site;
  std::vector<std::string> groups;
  // `credentials: {username: ..., password-file: ...}`; empty username: none are sent (a client
  // certificate, or a broker that takes anyone).
  std::string username;
  std::filesystem::path password_file;
  // `tls:`: the CA that signed the broker's certificate (empty: the system's), and a client
  // certificate with its key (both or neither).
  std::filesystem::path tls_ca;
  std::filesystem::path tls_certificate;
  std::filesystem::path tls_key;
  // The Ed25519 public key that what the fleet sends must be signed with; empty: this controller
  // only reports and plays nothing from the fleet.
  std::filesystem::path trust;
  std::chrono::seconds keepalive{30};
  SourceMark where;
};

struct Config {
  std::filesystem::path file;
  std::chrono::minutes utc_offset{0};  // `timezone: "+07:00"`
  std::filesystem::path playlists;     // a directory (every *.yaml in it) or one file
  std::filesystem::path state;         // proof of play and last-good copies; default state/
  IdleContent idle;
  HolidayAdjustments holidays;
  std::optional<ConsoleConfig> console;  // nothing: no console
  std::optional<FleetConfig> fleet;      // nothing: not in a fleet (or its part had errors)
  std::vector<DisplayConfig> displays;
  // Displays left out because of errors. Their names and groups still count as targets, so one
  // mistake in a display is reported once, not again at every item that names it.
  std::vector<DisplayConfig> displays_with_errors;
};

// Whether the text is an IPv4 or IPv6 address literal; whether it is one of this machine's
// loopback addresses (127.0.0.0/8, ::1).
bool is_ip_address(std::string_view text);
bool is_loopback_address(std::string_view text);

// For programs that meet the fleet without a daemon config (bangtin-hub): a broker address as
// `fleet: broker:` takes it, "mqtts://HOST:PORT" or "mqtt://HOST:PORT", into `fleet`'s broker,
// tls, host and port; and why a site or group name could not be a topic level. Each gives the
// problem in the operator's words, or nothing when all is well.
std::optional<std::string> read_fleet_broker(std::string_view written, FleetConfig& fleet);
std::optional<std::string> fleet_name_problem(std::string_view name);

// A public holiday where this config's boards are: computed, then adjusted by `holidays:`.
bool is_holiday(const HolidayAdjustments& adjustments, std::chrono::sys_days local_date);

// --- Loading -------------------------------------------------------------------------------

template <typename T>
struct Loaded {
  std::optional<T> value;  // empty only when nothing usable could be read
  std::vector<Diagnostic> diagnostics;
};

// How long an item plays on a display, as the renderer works it out.
struct PlayLength {
  std::chrono::nanoseconds whole{0};  // all its passes, or its duration
  // One pass: a play cut short stops only where a pass ends. 0 when it may stop at any instant
  // (static text).
  std::chrono::nanoseconds pass{0};
};

// Checks that need the renderer; the controller supplies them. Any may be left empty.
struct RenderChecks {
  // The characters of `text` the display's font cannot draw.
  std::function<std::vector<char32_t>(const DisplayConfig&, std::string_view text)> missing_glyphs;
  // How long the item plays on the display, to warn when it cannot finish inside its window.
  std::function<PlayLength(const Item&, const DisplayConfig&)> play_length;
  // What keeps the display from drawing as set up (a zone too low for its font, its title or the
  // idle content; a font that cannot be opened), as errors at the display, zone or idle text.
  std::function<std::vector<Diagnostic>(const DisplayConfig&, const IdleContent&)> display_problems;
  // Why the display cannot draw the item (the daemon leaves it out there); nothing when it can, or
  // when the display draws no item at all, which display_problems reports once.
  std::function<std::optional<std::string>(const Item&, const DisplayConfig&)> item_problem;
};

// Reads a daemon config. Relative paths in it are resolved against the config's directory.
Loaded<Config> load_config(const std::filesystem::path& file);

// Reads the `fleet:` part of a file for a program that talks to the fleet's broker without
// being a site's daemon (`bangtin fleet publish` on the province's side), with the same checks.
Loaded<FleetConfig> load_fleet_connection(const std::filesystem::path& file);

// Reads one playlist. With a config, targets are checked against its displays and groups, times
// are read at its offset and its holidays are used; `checks` then run for each targeted display.
Loaded<Playlist> load_playlist(const std::filesystem::path& file, const Config* config = nullptr,
                               const RenderChecks& checks = {});

// What the item shows, in words, for proof of play and status: its text, after its picture,
// code, video or document named in brackets ("[Ảnh: poster.png] Nộp hồ sơ trực tuyến").
std::string shown_text(const Item& item);

// Where an item's media files are named from: the playlists folder (a config's `playlists:`, or
// the folder of a config's one playlist file), else the playlist's own folder.
std::filesystem::path media_folder(const std::filesystem::path& playlist_file,
                                   const Config* config);

// Where a controller in a fleet keeps the playlists and notices the province sent it, checked
// against its `trust:` key (controller/FLEET.md): STATE/fleet/playlists. Empty when the config
// plays nothing from a fleet (no `fleet:`, or no `trust:`). They load like local playlists, after
// them, except that a target the site's config does not know is not an error there: the province
// writes one playlist for sites whose boards differ, and an item only plays where it targets.
std::filesystem::path fleet_playlists_folder(const Config& config);
// Whether the file is one the fleet sent (in STATE/fleet/, or a last-good copy of one kept there).
bool is_from_fleet(const std::filesystem::path& file, const Config& config);

// The playlist files a config names, in the order they play: its own by file name, then the
// fleet's by file name.
std::vector<std::filesystem::path> playlist_files(const Config& config);

// Everything the daemon plays: the config and all its playlists. Bad playlists are reported and
// left out; duplicate item ids across files are errors.
struct Programme {
  Config config;
  std::vector<Playlist> playlists;
};

// Playlists loaded before, by file, so that a reload parses only what changed: a file whose bytes
// and whose config's bytes are what they were gives the same playlist and the same problems. A
// programme of thousands of items spread over many files reloads an edit of one in the time of
// that one. For one daemon's reloads: one config, one set of checks.
class PlaylistCache {
 public:
  // What loading `bytes` of `file` gave, when it is known.
  std::optional<Loaded<Playlist>> find(const std::filesystem::path& file,
                                       std::string_view bytes) const;
  bool knows(const std::filesystem::path& file) const;
  // Starts a load of the config whose file holds `config_bytes`: what a different config loaded
  // is forgotten.
  void begin(std::string_view config_bytes);
  // `loaded` must hold a playlist (with or without errors).
  void keep(const std::filesystem::path& file, std::string bytes, Loaded<Playlist> loaded);
  // Keeps what find() gave for `file` for the next load too.
  void keep_again(const std::filesystem::path& file);
  // Ends a load: files it did not keep are forgotten.
  void end();
  // The programme made of the last load, as its user keeps it: the cache refers to its
  // playlists instead of holding copies of its own (a daemon then holds a programme of thousands
  // of items once, not twice).
  void remember(std::shared_ptr<const Programme> programme);

 private:
  struct Entry {
    std::string bytes;
    std::vector<Diagnostic> diagnostics;
    std::optional<Playlist> own;                 // until remember() finds it in a programme
    std::shared_ptr<const Programme> programme;  // ...which holds it from then on
    const Playlist* in_programme = nullptr;
  };
  std::string config_bytes_;
  std::map<std::filesystem::path, Entry> entries_;
  std::map<std::filesystem::path, Entry> kept_;
};

Loaded<Programme> load_programme(const std::filesystem::path& config_file,
                                 const RenderChecks& checks = {}, PlaylistCache* cache = nullptr);

// "2026-11-24T08:00:00" (seconds optional) read as local time at the given offset from UTC.
std::optional<TimePoint> parse_local_datetime(std::string_view text,
                                              std::chrono::minutes utc_offset);
// "+07:00", "-05:30", "Z" or "UTC" -> offset from UTC.
std::optional<std::chrono::minutes> parse_utc_offset(std::string_view text);

// True when the file reads as a daemon config (a mapping with `displays:`), so `bangtin validate`
// can take configs and playlists in one list.
bool looks_like_config(const std::filesystem::path& file);

const DisplayConfig* find_display(const Config& config, std::string_view name);

// Whether an item's targets include the display.
bool plays_on(const Item& item, const DisplayConfig& display);
// The items that target a display, in play order (playlist files by name, then file order).
std::vector<const Item*> items_for(const Programme& programme, const DisplayConfig& display);

}  // namespace bangtin
