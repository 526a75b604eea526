// bangtin controller — the daemon's parts, shared by bangtind, the bangtin CLI and the tests.
//
// DisplayPlayer answers "what does this display show now" as a frame, following the display's
// Schedule play after play with the clock it is given, and keeping the play on air when the
// playlists are reloaded. `bangtin render --at T` asks a fresh player, which replays the day up
// to T: the daemon and the preview agree to the pixel. Daemon runs every configured display on
// one Boost.Asio loop; each panel link gets a worker thread of its own (libmodbus blocks, and a
// dead panel must never stall the others), and the disk is written from threads of its own.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "bangtin/daemon_status.hpp"
#include "bangtin/frame.hpp"
#include "bangtin/playlists.hpp"
#include "bangtin/renderer.hpp"
#include "bangtin/schedule.hpp"

namespace bangtin {

using SystemClock = std::chrono::system_clock;

// Where "now" comes from. Tests pass clocks they move by hand; the wall clock may be wrong (a
// board without a real-time clock boots in 1970), the monotonic one tells when it jumps.
struct Clocks {
  std::function<SystemClock::time_point()> wall = [] { return SystemClock::now(); };
  std::function<std::chrono::steady_clock::time_point()> monotonic = [] {
    return std::chrono::steady_clock::now();
  };
  // A wall clock before this date is wrong: by default the day this version was released.
  std::optional<std::chrono::sys_days> earliest = earliest_trusted_date();
};

// How much a log line matters: syslog's priorities, the numbers sd-daemon.h names SD_ERR,
// SD_WARNING, SD_INFO and SD_DEBUG, which the journal reads from a line's "<N>" prefix.
enum class LogLevel { error = 3, warning = 4, info = 6, debug = 7 };
// "error", "warning", "info" or "debug", as --log-level takes them.
std::optional<LogLevel> parse_log_level(std::string_view text);

// Where log lines go. A line is info unless its caller says otherwise (log.warning(line)); a sink
// made of a function of the line alone (a test's recorder) takes lines of every level.
class LogSink {
 public:
  using Write = std::function<void(LogLevel level, std::string_view line)>;
  LogSink() = default;
  explicit LogSink(Write write) : write_(std::move(write)) {}
  template <typename LineOnly>
  requires(!std::is_same_v<std::remove_cvref_t<LineOnly>, LogSink> &&
           std::is_invocable_v<LineOnly&, std::string_view> &&
           !std::is_invocable_v<LineOnly&, LogLevel, std::string_view>)
      LogSink(LineOnly line)  // NOLINT(google-explicit-constructor): every test's recorder is one
      : write_([line = std::move(line)](LogLevel, std::string_view text) mutable { line(text); }) {}

  void operator()(std::string_view line) const { write(LogLevel::info, line); }
  void error(std::string_view line) const { write(LogLevel::error, line); }
  void warning(std::string_view line) const { write(LogLevel::warning, line); }
  void debug(std::string_view line) const { write(LogLevel::debug, line); }
  void write(LogLevel level, std::string_view line) const {
    if (write_) write_(level, line);
  }

 private:
  Write write_;
};

struct LogFormat {
  LogLevel most_detail = LogLevel::info;  // lines of a finer level are left out
  // The config's `timezone`; none before the config is read: the machine's zone (TZ) then.
  std::optional<std::chrono::minutes> utc_offset;
  std::function<SystemClock::time_point()> clock = [] { return SystemClock::now(); };
};

// Whether `fd` is the stream systemd connected to the journal: it says so in JOURNAL_STREAM as
// "DEVICE:INODE" of that stream (systemd.exec(5)); a descriptor redirected since is not it.
bool is_journal_stream(int fd);

// Writes each line to `fd`, whole in one write(2), escaped with printable(). To the journal: with
// its "<N>" priority and no timestamp (the journal stamps each line itself); elsewhere after an
// ISO 8601 timestamp with its offset, "2026-12-01 08:00:03+07:00 ".
LogSink fd_log(int fd, LogFormat format = {});
LogSink stderr_log(LogFormat format = {});

// The checks `bangtin validate` runs with the renderer's knowledge: characters a display's font
// cannot draw, how long an item plays on a display, and what a display or item cannot be drawn
// (the daemon's DisplayPlayer sets displays up the same way).
RenderChecks render_checks();

// One loaded programme made ready for one display: its schedule, with every item's length
// measured (not drawn: a player draws an item when it first goes on air, and keeps what it drew
// within a budget).
struct DisplayContent;

// What the displays planned by one ContentPlanner drew between them. Boards of one model (zone
// size, pixel format, font, glyph style) share what they draw: an item they show is drawn once
// and its pixels held once, as long as one of them keeps it.
struct DrawingCount {
  std::uint64_t drawn = 0;  // items set in their font and converted to pixels
  std::uint64_t relit = 0;  // items converted from one in another light, without font work
  friend bool operator==(const DrawingCount&, const DrawingCount&) = default;
};

// Makes DisplayContent for a newly loaded programme on a thread of its own, so that a reload of
// thousands of items never holds up the loop that feeds the boards. Remembers what it measured:
// the next programme measures only texts it has not seen. The displays it plans for share what
// they draw (see DrawingCount). One thread at a time.
class ContentPlanner {
 public:
  ContentPlanner();
  ~ContentPlanner();
  ContentPlanner(const ContentPlanner&) = delete;
  ContentPlanner& operator=(const ContentPlanner&) = delete;

  // Call once before planning the displays of each new programme.
  void next_programme();
  // The content shares the programme (its items are not copied for each display).
  std::shared_ptr<const DisplayContent> plan(const std::shared_ptr<const Programme>& programme,
                                             const DisplayConfig& display);
  // Since the planner was made; any thread.
  DrawingCount drawings() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class DisplayPlayer {
 public:
  // Never refuses a display: what it cannot draw (a zone too low for its font, a font that
  // cannot be opened, items the renderer refuses) stays dark or is left out, and problems() says
  // so. The board always gets frames.
  // `planned`: content a ContentPlanner made for the display from `programme`; nothing: the
  // player plans it itself, from a copy of the programme.
  DisplayPlayer(const Programme& programme, const DisplayConfig& display,
                std::shared_ptr<const DisplayContent> planned = nullptr);
  ~DisplayPlayer();
  DisplayPlayer(DisplayPlayer&&) noexcept;
  DisplayPlayer& operator=(DisplayPlayer&&) noexcept;

  // A play that ended and the one that followed it, as the log and proof of play want them.
  // A Change keeps the items it points to alive, whatever reloads come after it.
  struct Change {
    std::optional<Play> ended;  // nothing for the first play
    bool ended_early = false;   // cut by an urgent item, a reload, or a clock that jumped
    Play started;               // item nullptr: the idle content
    std::shared_ptr<const void> ended_items;
    std::shared_ptr<const void> started_items;
  };

  // The frame at `now`, moving on through the schedule as time passes. Changes of play since the
  // last call are appended to `changes` when given; plays that began and ended between two
  // calls were never on the board and are left out.
  Frame frame_at(SystemClock::time_point now, std::vector<Change>* changes = nullptr);

  // After the wall clock could not be trusted: the play that was on the board ends at the last
  // instant it was drawn, and the schedule is picked up where it stands at `now`.
  void resume(SystemClock::time_point now, std::vector<Change>* changes = nullptr);

  // Swaps in a newly loaded programme. The play on air goes on to its end unless its item was
  // removed or its text changed, or an urgent item is now due: then it is cut at `now`.
  void reload(const Programme& programme, SystemClock::time_point now,
              std::vector<Change>* changes = nullptr);
  // The same with content a ContentPlanner made for this display from the new programme.
  void reload(std::shared_ptr<const DisplayContent> planned, SystemClock::time_point now,
              std::vector<Change>* changes = nullptr);
  // Moves through the schedule to `now` as frame_at() does, without drawing: for plans and
  // reports, which need only what played when.
  void advance(SystemClock::time_point now, std::vector<Change>* changes = nullptr);

  // What to show while the wall clock cannot be trusted and nothing has played yet: the title
  // of the first playlist (or the idle text) standing still, never a date from 1970.
  Frame untimed_frame();

  const DisplayConfig& display() const;
  const Play* on_air() const;
  // What the display cannot draw, as "FILE:LINE:COL: error: ..." lines that say what shows
  // instead: its set-up (zones, fonts, the idle content), then the items of the loaded programme
  // it leaves out, and a last line without a place when it can draw none of its items.
  // render_checks() reports the same lines to `bangtin validate`.
  std::vector<std::string> problems() const;
  // What the last frame was made of: the scroll strip it is a window of (when the item scrolls
  // over the whole display), and the text shown (the item's, or the idle content's).
  std::optional<ScrollStrip> scroll_strip() const;
  // The strip of the play after this one, when it scrolls over the whole display and has been
  // drawn ahead (draw_ahead): a slow line uploads it into the panel while this one plays.
  std::shared_ptr<const Frame> next_scroll_strip() const;
  std::string text_shown() const;
  // The brightness the display's schedule asks for at the last frame, in percent.
  int brightness() const;
  // What the player keeps drawn, within the display's `memory`. Items it shares with other
  // displays (see DrawingCount) count in full for each display that keeps them.
  PreparedCacheStatus prepared_cache() const;
  // From now on, the item that plays next is drawn on a thread of the player's own while the
  // one before it plays, so that frame_at() finds it ready: for the daemon, whose loop must never
  // wait for a font. A one-off render does without.
  void draw_ahead();
  // The frames of the last video play that ended: drawn on time (shown) and late.
  PreparedItem::VideoCounts ended_video_counts() const;
  // Whether the play on air is drawn (false while the drawing thread has it in hand: the board
  // then keeps its picture). True when idle.
  bool on_air_drawn() const;
  // Why the play on air could not be drawn (its zone stays dark), once: a media file removed or
  // damaged since it was checked, a page that cannot be drawn.
  std::optional<std::string> take_draw_failure();
  // While a video plays: its own frame rate, which the display is to be drawn at; 0 otherwise.
  double frame_rate() const;
  // The frames of the video on air (see PreparedItem::video_counts).
  PreparedItem::VideoCounts video_counts() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

class Daemon {
 public:
  // Loads the config and its playlists, reports every problem to the log, and starts each
  // display it can serve. Throws std::runtime_error only when the config itself is unusable.
  Daemon(boost::asio::io_context& loop, const std::filesystem::path& config_file, Clocks clocks,
         LogSink log);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Stops the display timers, the watcher and the workers; the loop then runs out of work.
  void stop();
  // The port the operator console listens on, when the config has a console and it could listen
  // (a console that cannot is said in the log; the boards play on without it).
  std::optional<unsigned short> console_port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bangtin
