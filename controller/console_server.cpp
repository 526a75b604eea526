#include "console_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <sys/resource.h>

#include <boost/asio/steady_timer.hpp>

#include <array>
#include <optional>
#include <set>

namespace bangtin {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

ConsoleResponse plain_error(http::status status, const std::string& text, unsigned version) {
  ConsoleResponse response{status, version};
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.set(http::field::cache_control, "no-store");
  response.body() = text + "\n";
  response.keep_alive(false);
  response.prepare_payload();
  return response;
}

// Whether the error only says the peer went away or was too slow: not worth a log line.
bool ordinary_end(const beast::error_code& error) {
  return error == http::error::end_of_stream || error == asio::error::operation_aborted ||
         error == beast::error::timeout || error == asio::error::connection_reset ||
         error == asio::error::eof || error == asio::ssl::error::stream_truncated;
}

}  // namespace

class ConsoleConnection {
 public:
  virtual ~ConsoleConnection() = default;
  virtual void close() = 0;
};

struct ConsoleServer::Impl : std::enable_shared_from_this<ConsoleServer::Impl> {
  asio::io_context& loop;
  Handler handler;
  LogSink log;
  ConsoleLimits limits;
  tcp::acceptor acceptor;
  std::optional<asio::ssl::context> tls;
  std::set<std::shared_ptr<ConsoleConnection>> connections;
  std::chrono::steady_clock::time_point last_refusal_logged;
  std::size_t large_bodies = 0;  // being read now
  asio::steady_timer accept_pause;
  bool stopped = false;

  Impl(asio::io_context& loop_, Handler handler_, LogSink log_, ConsoleLimits limits_)
      : loop(loop_),
        handler(std::move(handler_)),
        log(std::move(log_)),
        limits(limits_),
        acceptor(loop_),
        accept_pause(loop_) {}

  void accept();
  template <typename Stream>
  void start(tcp::socket socket);
};

namespace {

template <typename Stream>
class Connection : public ConsoleConnection,
                   public std::enable_shared_from_this<Connection<Stream>> {
 public:
  template <typename... Args>
  Connection(std::shared_ptr<ConsoleServer::Impl> server, std::string peer, Args&&... args)
      : server_(std::move(server)), peer_(std::move(peer)), stream_(std::forward<Args>(args)...) {}

  void run() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      read();
    } else {
      beast::get_lowest_layer(stream_).expires_after(server_->limits.request_time);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](const beast::error_code& error) {
                                if (error) return self->finish();
                                self->read();
                              });
    }
  }

  void close() override {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_->limits.header_bytes));
    // The header is checked against the largest body any request may have (Beast refuses a
    // Content-Length beyond the limit as the header ends); read_body() narrows it per request.
    parser_->body_limit(server_->limits.body_bytes);
    beast::get_lowest_layer(stream_).expires_after(server_->limits.request_time);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](const beast::error_code& error, std::size_t) {
          if (error) return self->on_read(error);
          self->read_body();
        });
  }

  // Bodies are small but for the few requests that carry a whole file, and of those only a few
  // at once: 2000 clients each sending a megabyte would take the daemon's memory, boards and all.
  void read_body() {
    const auto target = parser_->get().target();
    const std::string& prefix = server_->limits.large_body_prefix;
    if (parser_->get().method() == http::verb::put && !prefix.empty() &&
        target.substr(0, prefix.size()) == prefix) {
      if (server_->large_bodies >= server_->limits.large_bodies)
        return write(plain_error(http::status::service_unavailable,
                                 "busy: too many files being sent at once; try again", 11));
      ++server_->large_bodies;
      large_body_ = true;
    } else {
      const auto length = parser_->content_length();
      if (length && *length > server_->limits.small_body_bytes)
        return on_read(http::error::body_limit);
      parser_->body_limit(server_->limits.small_body_bytes);
    }
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](const beast::error_code& error, std::size_t) {
          if (std::exchange(self->large_body_, false)) --self->server_->large_bodies;
          self->on_read(error);
        });
  }

  void on_read(const beast::error_code& error) {
    if (error == http::error::body_limit || error == http::error::header_limit) {
      const bool header = error == http::error::header_limit;
      return write(plain_error(
          header ? http::status::request_header_fields_too_large : http::status::payload_too_large,
          header ? "request header too large" : "request body too large", 11));
    }
    if (error) {
      // A request the parser cannot read gets a plain 400 when it sent anything at all.
      if (!ordinary_end(error) && buffer_.size() > 0)
        return write(plain_error(http::status::bad_request, "malformed request", 11));
      return finish();
    }
    ConsoleRequest request = parser_->release();
    keep_alive_ = request.keep_alive();
    const unsigned version = request.version();
    // No more reading until the answer is out: one request at a time per connection.
    beast::get_lowest_layer(stream_).expires_never();
    server_->handler(std::move(request), peer_,
                     [self = this->shared_from_this(), version](ConsoleResponse response) mutable {
                       asio::post(self->server_->loop,
                                  [self, version, response = std::move(response)]() mutable {
                                    response.version(version);
                                    if (!self->keep_alive_) response.keep_alive(false);
                                    self->write(std::move(response));
                                  });
                     });
  }

  void write(ConsoleResponse response) {
    if (server_->stopped) return;
    response_ = std::make_shared<ConsoleResponse>(std::move(response));
    response_->set(http::field::server, "bangtind");
    if (response_->find(http::field::content_length) == response_->end())
      response_->prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(server_->limits.write_time);
    http::async_write(
        stream_, *response_,
        [self = this->shared_from_this()](const beast::error_code& error, std::size_t) {
          if (error || !self->response_->keep_alive()) return self->finish();
          self->response_.reset();
          self->read();
        });
  }

  void finish() {
    // A client still sending (a body refused as too large) would get a reset for the unread
    // bytes, and lose the answer with it: stop sending, take what still comes for a moment, then
    // close (a "lingering close"). Over TLS the stream cannot be half closed: it just closes.
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      if (!lingering_ && !server_->stopped) {
        lingering_ = true;
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(std::chrono::seconds(1));
        return drain();
      }
    }
    close();
    server_->connections.erase(this->shared_from_this());
  }

  void drain() {
    stream_.async_read_some(
        asio::buffer(drained_),
        [self = this->shared_from_this()](const beast::error_code& error, std::size_t) {
          if (error) return self->finish();
          self->drain();
        });
  }

  std::shared_ptr<ConsoleServer::Impl> server_;
  std::string peer_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<ConsoleResponse> response_;
  bool keep_alive_ = true;
  bool large_body_ = false;  // counted in the server's large_bodies while it is read
  bool lingering_ = false;
  std::array<char, 4096> drained_{};
};

}  // namespace

template <typename Stream>
void ConsoleServer::Impl::start(tcp::socket socket) {
  beast::error_code error;
  const tcp::endpoint remote = socket.remote_endpoint(error);
  std::string peer = error ? "unknown" : remote.address().to_string();
  std::shared_ptr<Connection<Stream>> connection;
  if constexpr (std::is_same_v<Stream, beast::tcp_stream>)
    connection = std::make_shared<Connection<Stream>>(shared_from_this(), std::move(peer),
                                                      std::move(socket));
  else
    connection = std::make_shared<Connection<Stream>>(shared_from_this(), std::move(peer),
                                                      std::move(socket), *tls);
  connections.insert(connection);
  connection->run();
}

void ConsoleServer::Impl::accept() {
  acceptor.async_accept(
      [self = shared_from_this()](const beast::error_code& error, tcp::socket socket) {
        if (self->stopped) return;
        if (error) {
          // Out of descriptors, most likely: say so now and then, and rest a moment before
          // trying again, or the loop feeding the boards spins on a failing accept.
          const auto now = std::chrono::steady_clock::now();
          if (now - self->last_refusal_logged > std::chrono::minutes(1)) {
            self->log.error("console: accepting a connection failed: " + error.message());
            self->last_refusal_logged = now;
          }
          self->accept_pause.expires_after(std::chrono::milliseconds(200));
          self->accept_pause.async_wait([self](const boost::system::error_code& waited) {
            if (!waited && !self->stopped) self->accept();
          });
          return;
        } else if (self->connections.size() >= self->limits.connections) {
          const auto now = std::chrono::steady_clock::now();
          if (now - self->last_refusal_logged > std::chrono::minutes(1)) {
            self->log.warning("console: " + std::to_string(self->connections.size()) +
                              " connections open, the most it keeps; closing new ones until "
                              "some end");
            self->last_refusal_logged = now;
          }
          beast::error_code ignored;
          socket.close(ignored);
        } else if (self->tls) {
          self->start<beast::ssl_stream<beast::tcp_stream>>(std::move(socket));
        } else {
          self->start<beast::tcp_stream>(std::move(socket));
        }
        self->accept();
      });
}

ConsoleServer::ConsoleServer(asio::io_context& loop, const ConsoleConfig& config, Handler handler,
                             LogSink log, ConsoleLimits limits)
    : impl_(std::make_shared<Impl>(loop, std::move(handler), std::move(log), limits)) {
  Impl& s = *impl_;
  const std::string where = config.host + ":" + std::to_string(config.port);
  // Each connection is a descriptor: keep clear of the process's limit, with room for the
  // panels' links, the databases and the playlists.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY &&
      files.rlim_cur < s.limits.connections + 256) {
    s.limits.connections = files.rlim_cur > 272 ? files.rlim_cur - 256 : 16;
    s.log.warning("console: at most " + std::to_string(s.limits.connections) +
                  " connections (the open-file limit is " + std::to_string(files.rlim_cur) + ")");
  }
  if (config.tls()) {
    s.tls.emplace(asio::ssl::context::tls_server);
    s.tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
    beast::error_code error;
    s.tls->use_certificate_chain_file(config.tls_certificate.string(), error);
    if (!error)
      s.tls->use_private_key_file(config.tls_key.string(), asio::ssl::context::pem, error);
    if (error)
      throw std::runtime_error("console: the certificate " + config.tls_certificate.string() +
                               " or key " + config.tls_key.string() +
                               " cannot be used: " + error.message());
  }
  beast::error_code error;
  const auto address = asio::ip::make_address(config.host, error);
  if (error) throw std::runtime_error("console: '" + config.host + "' is not an IP address");
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(config.port));
  s.acceptor.open(endpoint.protocol(), error);
  if (!error) s.acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) s.acceptor.bind(endpoint, error);
  if (!error) s.acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error)
    throw std::runtime_error("console: cannot listen on " + where + ": " + error.message());
  s.accept();
}

ConsoleServer::~ConsoleServer() { stop(); }

unsigned short ConsoleServer::port() const {
  beast::error_code error;
  return impl_->acceptor.local_endpoint(error).port();
}

std::size_t ConsoleServer::open_connections() const { return impl_->connections.size(); }

void ConsoleServer::stop() {
  Impl& s = *impl_;
  if (s.stopped) return;
  s.stopped = true;
  beast::error_code ignored;
  s.acceptor.close(ignored);
  for (const auto& connection : s.connections) connection->close();
  s.connections.clear();
}

}  // namespace bangtin
