// Private to the controller: the worker that keeps one display's panel fed.
//
// The firmware bridge's PanelDriver does the work on a thread of its own (latest-wins frames,
// identity check, reconnects with a capped exponential backoff, status read-back with the CRC of
// the frame on show compared against the frame committed; strips for scrolls on slow serial
// lines); this adds what the daemon knows about the display: its name in every log line and its
// configured geometry.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bangtin/controller.hpp"
#include "bangtin/panel_driver.hpp"
#include "bangtin/panel_link.hpp"
#include "bangtin/renderer.hpp"

namespace bangtin {

class LinkWorker {
 public:
  LinkWorker(std::string display_name, std::unique_ptr<PanelLink> link, PanelGeometry expected,
             LogSink log, LinkBackoff backoff = LinkBackoff{});

  // Replaces any frame not yet sent. `on_air` says what the frame was made from: for a plain
  // scroll, the strip it is a window of (PreparedItem::scroll_strip, see strip_view()).
  void submit(Frame frame, OnAir on_air = {}) {
    driver_.submit(std::move(frame), std::move(on_air));
  }
  // The renderer's scroll strip in the bridge's terms.
  static StripView strip_view(const ScrollStrip& scroll) {
    return StripView{scroll.strip, scroll.offset, scroll.speed, scroll.remaining};
  }
  // Brightness 0..100 % and power of the panel itself (its registers, or scaled pixels on DDP and
  // E1.31), kept across reconnects. Frames should then be rendered at full brightness, or the
  // board is dimmed twice. set_brightness throws std::invalid_argument outside 0..100.
  void set_brightness(int percent) { driver_.set_brightness(percent); }
  void set_power(bool on) { driver_.set_power(on); }
  void stop() { driver_.stop(); }
  // frames/s, bytes on the wire per frame, errors, reconnects, the panel's last status.
  LinkCounters counters() const { return driver_.counters(); }

 private:
  PanelDriver driver_;
};

}  // namespace bangtin
