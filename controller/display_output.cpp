#include "display_output.hpp"

#include "bangtin/panel_driver.hpp"
#include "bangtin/panel_link.hpp"
#include "window_output.hpp"

namespace bangtin {

namespace {

// How much a line of the firmware bridge matters. The bridge knows nothing of the controller's
// levels (a spoke), but its wording is stable: a failure ends in "(attempt N, next in M ms)",
// what the panel reports wrong starts "panel faults:", and strip uploads are a slow line's
// routine, for whoever debugs one.
LogLevel panel_line_level(std::string_view line) {
  if (line.find(" (attempt ") != std::string_view::npos || line.starts_with("panel faults:") ||
      line.starts_with("the panel can neither dim"))
    return LogLevel::warning;
  if (line.starts_with("uploading ") || line.starts_with("strip uploaded") ||
      line.starts_with("next strip uploaded"))
    return LogLevel::debug;
  return LogLevel::info;
}

// The firmware bridge's PanelDriver keeps the panel fed on a thread of its own (latest-wins
// frames, identity check, reconnects with backoff, read-back, strips on slow serial lines); each
// of its log lines is prefixed with the display's name.
class PanelOutput final : public FrameOutput {
 public:
  PanelOutput(const DisplayConfig& display, LogSink log)
      : driver_(open_link(display.link), display.geometry(),
                [prefix = "display " + display.name + ": ",
                 log = std::move(log)](std::string_view line) {
                  log.write(panel_line_level(line), prefix + std::string(line));
                }) {}

  void show(Frame frame, FrameSource source) override {
    driver_.submit(std::move(frame), std::move(source));
  }
  // Brightness on the panel itself (its registers, or scaled pixels on DDP and E1.31), kept
  // across reconnects; frames are then rendered at full brightness, or the board dims twice.
  void set_brightness(int percent) override { driver_.set_brightness(percent); }
  void stop() override { driver_.stop(); }
  LinkHealth health() const override { return driver_.counters().health; }

 private:
  PanelDriver driver_;
};

class LobbyOutput final : public FrameOutput {
 public:
  LobbyOutput(const DisplayConfig& display, LogSink log)
      : window_(display.name, display.width, display.height, display.window,
                WindowLook{"bangtin — " + display.name,
                           display.colour.value_or(WindowLook{}.mono_colour)},
                std::move(log)) {}

  void show(Frame frame, FrameSource) override { window_.submit(std::move(frame)); }
  void set_brightness(int) override {}  // a screen's picture is dimmed in its colours
  void stop() override { window_.stop(); }
  LinkHealth health() const override {
    LinkHealth health;
    health.connected = window_.is_open();
    health.frames_shown = window_.frames_shown();
    health.frames_per_second = window_.frames_per_second();
    return health;
  }

 private:
  WindowOutput window_;
};

}  // namespace

std::unique_ptr<FrameOutput> open_output(const DisplayConfig& display, LogSink log) {
  if (display.output == DisplayOutput::window) return std::make_unique<LobbyOutput>(display, log);
  return std::make_unique<PanelOutput>(display, log);
}

}  // namespace bangtin
