#include <stdexcept>

#include "bangtin/controller.hpp"
#include "bangtin/panel_link.hpp"
#include "display_runner.hpp"

namespace bangtin {

struct Daemon::Impl {
  std::vector<std::unique_ptr<DisplayRunner>> runners;
};

Daemon::Daemon(boost::asio::io_context& loop, const std::filesystem::path& config_file,
               ClockFunction clock, LogSink log)
    : impl_(std::make_unique<Impl>()) {
  Loaded<Programme> loaded = load_programme(config_file);
  for (const Diagnostic& diagnostic : loaded.diagnostics) log(diagnostic.to_string());
  if (!loaded.value) {
    throw std::runtime_error("cannot start: " + config_file.string() + " is not a usable config");
  }
  const Programme& programme = *loaded.value;
  for (const DisplayConfig& display : programme.config.displays) {
    // A display that cannot be set up is reported and skipped; the others still play.
    try {
      auto shows = std::make_unique<DisplayProgramme>(programme, display);
      auto worker = std::make_unique<LinkWorker>(
          display.name, open_link(display.link),
          PanelGeometry{display.width, display.height, display.pixel}, log);
      impl_->runners.push_back(
          std::make_unique<DisplayRunner>(loop, std::move(shows), std::move(worker), clock, log));
    } catch (const std::exception& error) {
      log("display " + display.name + ": not started: " + error.what());
    }
  }
  if (impl_->runners.empty()) log("no display could be started; waiting for a signal to stop");
  for (auto& runner : impl_->runners) runner->start();
}

Daemon::~Daemon() { stop(); }

void Daemon::stop() {
  for (auto& runner : impl_->runners) runner->stop();
}

std::vector<std::string> Daemon::running_displays() const {
  std::vector<std::string> names;
  for (const auto& runner : impl_->runners) names.push_back(runner->name());
  return names;
}

}  // namespace bangtin
