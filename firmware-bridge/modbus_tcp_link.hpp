// bangtin::ModbusTcpLink — a panel reached over Modbus TCP, speaking register map version 1.
// Private to bangtin_bridge: the rest of the program sees it only as a PanelLink from open_link().
#pragma once

#include <modbus.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "bangtin/panel_link.hpp"

namespace bangtin {

class ModbusTcpLink final : public PanelLink {
 public:
  // `host` may be a name or an IPv4/IPv6 address; nothing touches the network until connect().
  ModbusTcpLink(std::string host, int port, int unit);

  PanelIdentity connect() override;
  void show(const Frame& frame) override;
  void close() noexcept override;
  bool is_open() const override;
  std::string describe() const override;

 private:
  struct ContextCloser {
    void operator()(modbus_t* context) const noexcept;
  };

  // Closes the link and throws a LinkError that starts with describe().
  [[noreturn]] void fail(std::string_view what);

  std::string host_;
  int port_;
  int unit_;
  std::unique_ptr<modbus_t, ContextCloser> context_;
  // The panel only needs each commit to differ from the last; wrapping at 65535 is fine.
  std::uint16_t sequence_ = 0;
};

}  // namespace bangtin
