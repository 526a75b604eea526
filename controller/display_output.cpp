#include "display_output.hpp"

#include "bangtin/panel_link.hpp"
#include "link_worker.hpp"
#include "window_output.hpp"

namespace bangtin {

namespace {

class PanelOutput final : public FrameOutput {
 public:
  PanelOutput(const DisplayConfig& display, LogSink log)
      : worker_(display.name, open_link(display.link),
                PanelGeometry{display.width, display.height, display.pixel}, std::move(log)) {}

  void show(Frame frame, FrameSource source) override {
    OnAir on_air;
    if (source.strip) on_air.strip = LinkWorker::strip_view(*source.strip);
    on_air.text = std::move(source.text);
    worker_.submit(std::move(frame), std::move(on_air));
  }
  void set_brightness(int percent) override { worker_.set_brightness(percent); }
  void stop() override { worker_.stop(); }
  OutputHealth health() const override {
    const LinkCounters counters = worker_.counters();
    OutputHealth health;
    health.connected = counters.connected;
    health.frames_shown = counters.frames_shown;
    health.frames_per_second = counters.frames_per_second;
    health.bytes_per_frame = counters.last_frame_wire_bytes;
    health.errors = counters.errors;
    health.reconnects = counters.reconnects;
    health.reads_back = counters.last_status.has_value();
    health.readback_mismatches = counters.crc_mismatches;
    return health;
  }

 private:
  LinkWorker worker_;
};

class LobbyOutput final : public FrameOutput {
 public:
  LobbyOutput(const DisplayConfig& display, LogSink log)
      : window_(display.name, display.width, display.height, options_for(display), std::move(log)) {
  }

  void show(Frame frame, FrameSource) override { window_.submit(std::move(frame)); }
  void set_brightness(int) override {}  // a screen's picture is dimmed in its colours
  void stop() override { window_.stop(); }
  OutputHealth health() const override {
    OutputHealth health;
    health.connected = window_.is_open();
    health.frames_shown = window_.frames_shown();
    return health;
  }

 private:
  static WindowOptions options_for(const DisplayConfig& display) {
    WindowOptions options;
    options.monitor = display.window.monitor;
    options.fullscreen = display.window.fullscreen;
    options.vsync = display.window.vsync;
    options.width = display.window.width;
    options.height = display.window.height;
    options.title = "bangtin — " + display.name;
    if (display.colour) options.mono_colour = *display.colour;
    return options;
  }
  WindowOutput window_;
};

}  // namespace

std::unique_ptr<FrameOutput> open_output(const DisplayConfig& display, LogSink log) {
  if (display.output == DisplayOutput::window) return std::make_unique<LobbyOutput>(display, log);
  return std::make_unique<PanelOutput>(display, log);
}

}  // namespace bangtin
