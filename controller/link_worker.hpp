// Private to the controller: the worker that keeps one display's panel fed.
//
// The firmware bridge's PanelDriver does the work on a thread of its own (latest-wins frames,
// identity check, reconnects with a capped exponential backoff, status read-back with the CRC of
// the frame on show compared against the frame committed); this adds what the daemon knows about
// the display: its name in every log line and its configured geometry.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bangtin/controller.hpp"
#include "bangtin/panel_driver.hpp"
#include "bangtin/panel_link.hpp"

namespace bangtin {

class LinkWorker {
 public:
  LinkWorker(std::string display_name, std::unique_ptr<PanelLink> link, PanelGeometry expected,
             LogSink log, LinkBackoff backoff = LinkBackoff{});

  // Replaces any frame not yet sent.
  void submit(Frame frame) { driver_.submit(std::move(frame)); }
  void stop() { driver_.stop(); }
  std::uint64_t frames_shown() const { return driver_.counters().frames_shown; }
  // frames/s, bytes on the wire per frame, errors, reconnects, the panel's last status.
  LinkCounters counters() const { return driver_.counters(); }

 private:
  PanelDriver driver_;
};

}  // namespace bangtin
