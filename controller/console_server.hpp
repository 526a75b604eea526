// Private to the controller: the operator console's HTTP(S) server, Boost.Beast on the daemon's
// loop. It reads requests and writes responses and nothing else: what to answer is the handler's.
//
// Its limits keep a slow or hostile client from holding the loop, the memory or the boards: a
// request's header and body must arrive whole within `request_time` of its first byte (or of the
// previous response, on a kept-alive connection), a response must be taken within `write_time`,
// headers and bodies are capped in size, and beyond `connections` a new connection is closed at
// once. Each connection costs a socket and a few kilobytes while it lasts; no request blocks the
// loop, since the handler hands blocking work to other threads and answers later.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "bangtin/controller.hpp"

namespace bangtin {

namespace http = boost::beast::http;
using ConsoleRequest = http::request<http::string_body>;
using ConsoleResponse = http::response<http::string_body>;  // PNG and XLSX bodies too

struct ConsoleLimits {
  std::size_t header_bytes = 8 * 1024;
  std::size_t small_body_bytes = 64 * 1024;  // every request's body...
  std::size_t body_bytes = 1024 * 1024;      // ...but a PUT under large_body_prefix (a whole file)
  std::string large_body_prefix = "/api/playlists/";
  std::size_t large_bodies = 8;  // large bodies being read at once; beyond, 503
  std::chrono::milliseconds request_time{10000};
  std::chrono::milliseconds write_time{30000};
  std::size_t connections = 2000;
};

class ConsoleServer {
 public:
  // Answers a request, now or later, by calling `respond` once, from any thread.
  using Respond = std::function<void(ConsoleResponse)>;
  // `peer`: the client's address, for rate limits and the audit.
  using Handler =
      std::function<void(ConsoleRequest request, const std::string& peer, Respond respond)>;

  // Listens on the config's address (port 0: one the system picks); throws std::runtime_error
  // saying why it cannot (the address in use, a certificate that cannot be read).
  ConsoleServer(boost::asio::io_context& loop, const ConsoleConfig& config, Handler handler,
                LogSink log, ConsoleLimits limits = {});
  ~ConsoleServer();
  ConsoleServer(const ConsoleServer&) = delete;
  ConsoleServer& operator=(const ConsoleServer&) = delete;

  unsigned short port() const;
  std::size_t open_connections() const;
  // Stops accepting and closes every connection; on the loop thread.
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace bangtin
