// Private to the controller: what the operator console answers, under /api/ (JSON, documented in
// controller/console-api.yaml). The ConsoleServer hands it each request; it answers on the loop
// thread, after any blocking work (password checks, the account database, PNG encoding) has run
// on threads of its own.
//
// Who asks: a browser signed in with POST /api/login carries the session cookie (HttpOnly,
// SameSite=Strict, Secure under TLS) and, on every request that changes anything, the session's
// CSRF token in an X-CSRF-Token header; a script sends `Authorization: Bearer bt_...` (a token
// from `bangtin user token`) instead, and needs no CSRF token since no browser sends it by
// itself. Each request is checked against the account as it is now: a removed account or a
// lowered role takes effect at once. Anything else under /api/ gets 401, or 403 for a role that
// may not, before it is looked at further.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "bangtin/daemon_status.hpp"
#include "bangtin/frame.hpp"
#include "console_server.hpp"

namespace bangtin {

// What the console reads from the daemon, on the loop thread.
struct ConsoleSources {
  std::function<DaemonStatus()> status;
  // The frame the display shows now; nothing for a display that does not exist.
  std::function<std::optional<Frame>(std::string_view display)> frame;
};

// Where the console finds what it serves and edits.
struct ConsoleSetup {
  std::filesystem::path config_file;  // its playlists folder is what the console edits
  std::filesystem::path state;        // console.sqlite3, plays.sqlite3, console-drafts/
  std::filesystem::path web_root;     // the pages: console_web_root()
  bool secure_cookies = false;        // served over TLS
  bool loopback_only = true;          // listening on loopback: only loopback names as Host
};

// Where the console's pages are: installed beside the program (../share/bangtin/console), else
// in the source tree it was built from.
std::filesystem::path console_web_root();

class ConsoleApi {
 public:
  ConsoleApi(
      boost::asio::io_context& loop, ConsoleSetup setup, ConsoleSources sources, LogSink log,
      std::function<std::chrono::steady_clock::time_point()> now = [] {
        return std::chrono::steady_clock::now();
      });
  ~ConsoleApi();
  ConsoleApi(const ConsoleApi&) = delete;
  ConsoleApi& operator=(const ConsoleApi&) = delete;

  // ConsoleServer's handler.
  void handle(ConsoleRequest request, const std::string& peer, ConsoleServer::Respond respond);

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
  boost::asio::thread_pool accounts_work_{2};  // the account database
  boost::asio::thread_pool drawing_work_{1};   // previews and files to send
  boost::asio::thread_pool playlist_work_{1};  // playlist saves, one at a time
  boost::asio::thread_pool signin_work_{2};    // Argon2id checks, apart from everything else
  boost::asio::thread_pool report_work_{1};    // a year's report takes a while
};

}  // namespace bangtin
