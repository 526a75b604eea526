#include "link_worker.hpp"

#include <utility>

namespace bangtin {

LinkWorker::LinkWorker(std::string display_name, std::unique_ptr<PanelLink> link,
                       PanelGeometry expected, LogSink log, LinkBackoff backoff)
    : driver_(
          std::move(link), PanelShape{expected.width, expected.height, expected.format},
          [prefix = "display " + display_name + ": ", log = std::move(log)](std::string_view line) {
            log(prefix + std::string(line));
          },
          DriverOptions{.backoff = backoff}) {}

}  // namespace bangtin
