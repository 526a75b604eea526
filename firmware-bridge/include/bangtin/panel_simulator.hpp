// bangtin::PanelSimulator — the panel side of the register map, for tests and demos.
//
// Serves Modbus TCP with libmodbus on its own thread, accepts frames written into the back buffer
// and shows one only when it is committed, so what it shows is what a real panel would. The
// bangtin-panel-sim executable wraps it with PNG snapshots and a frames-per-second log.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bangtin/frame.hpp"

namespace bangtin {

struct SimulatorOptions {
  std::string host = "127.0.0.1";
  int port = 1502;  // 0 picks a free port; port() tells which
  int width = 128;
  int height = 32;
  PixelFormat format = PixelFormat::mono;
  int unit = 1;
};

class PanelSimulator {
 public:
  // Binds and starts serving. Throws std::runtime_error when the address cannot be bound.
  explicit PanelSimulator(SimulatorOptions options);
  ~PanelSimulator();
  PanelSimulator(const PanelSimulator&) = delete;
  PanelSimulator& operator=(const PanelSimulator&) = delete;

  int port() const;
  // The frame on show (blank until the first commit) and how many commits there have been.
  Frame shown_frame() const;
  std::uint64_t commits() const;
  // Waits until more than `after` commits have happened; returns the frame shown then, or
  // nothing when the timeout passes first.
  std::optional<Frame> wait_for_commit(std::uint64_t after,
                                       std::chrono::milliseconds timeout) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace bangtin
