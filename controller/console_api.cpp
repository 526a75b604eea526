#include "console_api.hpp"

#include <utf8proc.h>

#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "bangtin/date_time_text.hpp"
#include "bangtin/playlists.hpp"
#include "bangtin/renderer.hpp"
#include "console_accounts.hpp"
#include "console_playlists.hpp"
#include "console_report.hpp"
#include "console_sessions.hpp"

namespace bangtin {

namespace asio = boost::asio;
using json = nlohmann::json;

namespace {

constexpr std::string_view kCookie = "bangtin_session";

// Every answer: nothing cached, nothing sniffed, framed or sent as a referrer.
void add_safety_headers(ConsoleResponse& response) {
  response.set(http::field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Content-Security-Policy",
               "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; "
               "base-uri 'none'; form-action 'self'");
}

ConsoleResponse json_response(http::status status, const json& body) {
  ConsoleResponse response{status, 11};
  response.set(http::field::content_type, "application/json; charset=utf-8");
  response.body() = body.dump(-1, ' ', false, json::error_handler_t::replace);
  add_safety_headers(response);
  response.prepare_payload();
  return response;
}

// {"error": "not-signed-in", "message": "Chưa đăng nhập"}: a code for scripts, Vietnamese for
// the page to show.
ConsoleResponse error_response(http::status status, std::string_view code,
                               std::string_view message) {
  return json_response(status, json{{"error", code}, {"message", message}});
}

// The value of one cookie in a Cookie header; empty when absent.
std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const std::size_t end = std::min(header.find(';'), header.size());
    std::string_view pair = header.substr(0, end);
    header.remove_prefix(std::min(end + 1, header.size()));
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const std::size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name)
      return std::string(pair.substr(equals + 1));
  }
  return {};
}

bool changes_state(http::verb method) {
  return method != http::verb::get && method != http::verb::head && method != http::verb::options;
}

std::string_view text_of(boost::beast::string_view text) { return {text.data(), text.size()}; }

bool is_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  for (std::size_t at = 0; at < text.size();) {
    utf8proc_int32_t character = 0;
    const auto length =
        utf8proc_iterate(bytes + at, static_cast<utf8proc_ssize_t>(text.size() - at), &character);
    if (length <= 0) return false;
    at += static_cast<std::size_t>(length);
  }
  return true;
}

// "/api/displays/cong-ubnd/preview.png?dots=1" -> path parts {"api", "displays", "cong-ubnd",
// "preview.png"} and the query. Percent escapes are decoded in each part; a part that decodes to
// a slash, a NUL or another control character, "." or "..", or bytes that are not UTF-8 makes
// the whole path refused: no name reaches a file system or a log unchecked.
struct Target {
  std::vector<std::string> parts;
  std::string query;
};

std::optional<std::string> decode_part(std::string_view part) {
  std::string out;
  for (std::size_t i = 0; i < part.size(); ++i) {
    char c = part[i];
    if (c == '%') {
      unsigned value = 0;
      if (i + 2 >= part.size()) return std::nullopt;
      const auto [end, error] =
          std::from_chars(part.data() + i + 1, part.data() + i + 3, value, 16);
      if (error != std::errc() || end != part.data() + i + 3) return std::nullopt;
      c = static_cast<char>(value);
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '/' || c == '\\')
      return std::nullopt;
    out += c;
  }
  if (out == "." || out == ".." || !is_utf8(out)) return std::nullopt;
  return out;
}

std::optional<Target> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/' || target.size() > 2048) return std::nullopt;
  Target parsed;
  const std::size_t question = target.find('?');
  if (question != std::string_view::npos) {
    parsed.query = std::string(target.substr(question + 1));
    target = target.substr(0, question);
  }
  target.remove_prefix(1);
  while (!target.empty()) {
    const std::size_t slash = std::min(target.find('/'), target.size());
    const auto part = decode_part(target.substr(0, slash));
    if (!part) return std::nullopt;
    if (!part->empty()) parsed.parts.push_back(*part);
    target.remove_prefix(std::min(slash + 1, target.size()));
  }
  return parsed;
}

// "127.0.0.1:8080", "localhost:8080", "[::1]:8080" (the port is the server's business).
bool loopback_host(std::string_view host) {
  if (host.starts_with("[::1]")) return host.size() == 5 || host[5] == ':';
  const std::string_view name = host.substr(0, host.find(':'));
  return name == "localhost" || (name.starts_with("127.") && is_loopback_address(name));
}

std::string query_value(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const std::size_t end = std::min(query.find('&'), query.size());
    const std::string_view pair = query.substr(0, end);
    query.remove_prefix(std::min(end + 1, query.size()));
    const std::size_t equals = pair.find('=');
    if (pair.substr(0, equals) == name)
      return equals == std::string_view::npos ? std::string()
                                              : std::string(pair.substr(equals + 1));
  }
  return {};
}

}  // namespace

std::filesystem::path console_web_root() {
  std::error_code error;
  const std::filesystem::path program = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    const auto installed = program.parent_path().parent_path() / "share/bangtin/console";
    if (std::filesystem::is_regular_file(installed / "index.html", error)) return installed;
  }
  return BANGTIN_CONSOLE_WEB_SOURCE;
}

// Who a request comes from, as checked against the account database just now.
struct Caller {
  Account account;
  std::string session;  // empty for a token
};

struct ConsoleApi::Impl : std::enable_shared_from_this<ConsoleApi::Impl> {
  asio::io_context& loop;
  asio::thread_pool& accounts_work;
  asio::thread_pool& drawing_work;
  asio::thread_pool& playlist_work;
  asio::thread_pool& signin_work;
  asio::thread_pool& report_work;
  AccountStore accounts;     // its own lock; used on the pools only
  PlaylistFolder playlists;  // used on the pools only
  ConsoleSources sources;
  std::filesystem::path web_root;
  std::filesystem::path state;
  bool loopback_only;
  LogSink log;
  bool secure_cookies;
  std::function<std::chrono::steady_clock::time_point()> now;
  ConsoleSessions sessions;  // loop thread only
  SignInThrottle throttle;   // loop thread only
  bool stopped = false;      // loop thread only
  // Sign-ins being checked, by address and by account name; loop thread only.
  std::map<std::string, int, std::less<>> signing_in_from;
  std::map<std::string, int, std::less<>> signing_in_as;
  std::string status_text;  // loop thread only: the daemon's status as last asked
  std::chrono::steady_clock::time_point status_made;

  Impl(asio::io_context& loop_, asio::thread_pool& accounts_work_, asio::thread_pool& drawing_work_,
       asio::thread_pool& playlist_work_, asio::thread_pool& signin_work_,
       asio::thread_pool& report_work_, const ConsoleSetup& setup, ConsoleSources sources_,
       LogSink log_, std::function<std::chrono::steady_clock::time_point()> now_)
      : loop(loop_),
        accounts_work(accounts_work_),
        drawing_work(drawing_work_),
        playlist_work(playlist_work_),
        signin_work(signin_work_),
        report_work(report_work_),
        accounts(setup.state / "console.sqlite3"),
        playlists(setup.config_file, setup.state / "console-drafts", accounts),
        sources(std::move(sources_)),
        web_root(setup.web_root),
        state(setup.state),
        loopback_only(setup.loopback_only),
        log(std::move(log_)),
        secure_cookies(setup.secure_cookies),
        now(std::move(now_)) {}

  std::string session_cookie(const std::string& value, bool expire) const {
    return std::string(kCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict" +
           (secure_cookies ? "; Secure" : "") + (expire ? "; Max-Age=0" : "");
  }

  // Runs `work` on the accounts pool and `then` with its result on the loop.
  template <typename Work, typename Then>
  void off_loop(asio::thread_pool& pool, const ConsoleServer::Respond& respond, Work work,
                Then then) {
    if (stopped) return;  // the pools are going; so is every connection
    asio::post(pool, [self = shared_from_this(), respond, work = std::move(work),
                      then = std::move(then)]() mutable {
      // A job that throws would end the daemon (asio's pool terminates), and the boards with it:
      // every failure becomes an answer and a log line instead.
      try {
        auto result = work(*self);
        asio::post(self->loop,
                   [self, respond, result = std::move(result), then = std::move(then)]() mutable {
                     if (self->stopped) return;
                     try {
                       then(std::move(result));
                     } catch (const std::exception& error) {
                       self->failed(respond, error.what());
                     }
                   });
      } catch (const std::exception& error) {
        asio::post(self->loop, [self, respond, what = std::string(error.what())] {
          if (!self->stopped) self->failed(respond, what);
        });
      }
    });
  }

  void failed(const ConsoleServer::Respond& respond, const std::string& what) {
    log.error("console: a request failed: " + printable(what));
    respond(error_response(http::status::internal_server_error, "internal",
                           "Lỗi trong bangtind; xem nhật ký"));
  }

  // Finds the caller (a session cookie or a bearer token), checks it against the accounts now
  // and, for a change, the CSRF token; then `then(caller)`, or an error answer.
  void with_caller(std::shared_ptr<ConsoleRequest> shared_request, ConsoleServer::Respond respond,
                   std::function<void(Caller, ConsoleRequest&)> then) {
    const ConsoleRequest& request = *shared_request;
    const std::string_view authorization = text_of(request[http::field::authorization]);
    std::string token;
    if (authorization.starts_with("Bearer ")) token = std::string(authorization.substr(7));
    std::string session_id;
    std::string account_name;  // of the session; a token names its account itself
    if (token.empty()) {
      session_id = cookie_value(text_of(request[http::field::cookie]), kCookie);
      const ConsoleSessions::Session* session =
          session_id.empty() ? nullptr : sessions.find(session_id, now());
      if (!session)
        return respond(error_response(http::status::unauthorized, "not-signed-in",
                                      "Chưa đăng nhập, hoặc phiên đã hết hạn"));
      if (changes_state(request.method()) &&
          !same_secret(text_of(request["X-CSRF-Token"]), session->csrf))
        return respond(error_response(http::status::forbidden, "csrf",
                                      "Thiếu mã chống giả mạo (X-CSRF-Token)"));
      account_name = session->account;
    }
    off_loop(
        accounts_work, respond,
        [token, account_name](Impl& self) -> std::optional<Account> {
          try {
            return token.empty() ? self.accounts.find(account_name)
                                 : self.accounts.check_token(token);
          } catch (const std::exception& error) {
            self.log.error(std::string("console: the account database failed: ") + error.what());
            return std::nullopt;
          }
        },
        [self = shared_from_this(), session_id, respond, shared_request,
         then = std::move(then)](std::optional<Account> account) {
          if (!account) {
            if (!session_id.empty()) self->sessions.close(session_id);
            return respond(error_response(http::status::unauthorized, "not-signed-in",
                                          "Chưa đăng nhập, hoặc tài khoản không còn"));
          }
          then(Caller{std::move(*account), session_id}, *shared_request);
        });
  }

  void sign_in(const ConsoleRequest& request, const std::string& peer,
               ConsoleServer::Respond respond) {
    json body;
    try {
      body = json::parse(request.body());
    } catch (const json::exception&) {
      return respond(
          error_response(http::status::bad_request, "bad-json", "Nội dung không phải JSON hợp lệ"));
    }
    if (!body.is_object() || !body.contains("name") || !body["name"].is_string() ||
        !body.contains("password") || !body["password"].is_string())
      return respond(error_response(http::status::bad_request, "bad-request",
                                    "Cần tên đăng nhập (name) và mật khẩu (password)"));
    std::string name = body["name"].get<std::string>();
    std::string password = body["password"].get<std::string>();
    if (name.size() > 64 || password.size() > 1024)
      return respond(error_response(http::status::unauthorized, "wrong-password",
                                    "Sai tên đăng nhập hoặc mật khẩu"));
    const std::chrono::seconds wait = throttle.wait_before(peer, name, now());
    if (wait.count() > 0) {
      ConsoleResponse response = error_response(
          http::status::too_many_requests, "too-many-tries",
          "Đăng nhập sai nhiều lần; thử lại sau " + std::to_string(wait.count()) + " giây");
      response.set(http::field::retry_after, std::to_string(wait.count()));
      return respond(std::move(response));
    }
    // Tries in flight count too: a guesser sending many at once must not slip past the waits
    // that failures bring, nor queue the password checks of everyone else behind its own.
    if (signing_in_from[peer] >= 2 || signing_in_as[name] >= 2) {
      ConsoleResponse response = error_response(http::status::too_many_requests, "too-many-tries",
                                                "Đang kiểm tra lần đăng nhập trước; thử lại sau");
      response.set(http::field::retry_after, "1");
      return respond(std::move(response));
    }
    ++signing_in_from[peer];
    ++signing_in_as[name];
    off_loop(
        signin_work, respond,
        [name, password = std::move(password)](Impl& self) -> std::optional<Account> {
          try {
            return self.accounts.check_password(name, password);
          } catch (const std::exception& error) {
            self.log.error(std::string("console: the account database failed: ") + error.what());
            return std::nullopt;
          }
        },
        [self = shared_from_this(), name, peer, respond](std::optional<Account> account) {
          if (--self->signing_in_from[peer] == 0) self->signing_in_from.erase(peer);
          if (--self->signing_in_as[name] == 0) self->signing_in_as.erase(name);
          if (!account) {
            self->throttle.failed(peer, name, self->now());
            self->log.warning("console: sign-in refused for '" + printable(name) + "' from " +
                              peer);
            return respond(error_response(http::status::unauthorized, "wrong-password",
                                          "Sai tên đăng nhập hoặc mật khẩu"));
          }
          self->throttle.succeeded(peer, name);
          const ConsoleSessions::Session& session =
              self->sessions.open(account->name, peer, self->now());
          self->log("console: " + account->name + " signed in from " + peer);
          ConsoleResponse response =
              json_response(http::status::ok, json{{"name", account->name},
                                                   {"role", to_string(account->role)},
                                                   {"csrf", session.csrf}});
          response.set(http::field::set_cookie, self->session_cookie(session.id, false));
          respond(std::move(response));
        });
  }

  void route(ConsoleRequest request, const std::string& peer, ConsoleServer::Respond respond) {
    const std::optional<Target> target = parse_target(text_of(request.target()));
    if (!target)
      return respond(
          error_response(http::status::bad_request, "bad-path", "Đường dẫn không hợp lệ"));
    // A page elsewhere whose name an attacker points at 127.0.0.1 (DNS rebinding) sends its own
    // name as Host: a console on loopback answers only to loopback names.
    if (loopback_only && !loopback_host(text_of(request[http::field::host])))
      return respond(error_response(http::status::misdirected_request, "host",
                                    "Bảng điều khiển chỉ mở tại 127.0.0.1 hoặc localhost"));
    const std::vector<std::string>& parts = target->parts;
    if (parts.empty() || parts[0] != "api") {
      if (request.method() == http::verb::get) return serve_file(parts, respond);
      return not_allowed(respond, "GET");
    }
    // A page of another site may post a form here: only this console's own pages may change
    // anything, and they send JSON, which no form can.
    if (changes_state(request.method())) {
      const std::string_view origin = text_of(request[http::field::origin]);
      const std::string host(text_of(request[http::field::host]));
      if (!origin.empty() && origin != "http://" + host && origin != "https://" + host)
        return respond(error_response(http::status::forbidden, "cross-origin",
                                      "Yêu cầu từ trang khác bị từ chối"));
      if (!text_of(request[http::field::content_type]).starts_with("application/json") &&
          !request.body().empty())
        return respond(error_response(http::status::unsupported_media_type, "not-json",
                                      "Nội dung phải là JSON"));
    }
    const http::verb method = request.method();
    const auto is = [&](std::initializer_list<std::string_view> path) {
      return parts.size() == path.size() + 1 &&
             std::equal(path.begin(), path.end(), parts.begin() + 1);
    };

    if (is({"login"})) {
      if (method != http::verb::post) return not_allowed(respond, "POST");
      return sign_in(request, peer, std::move(respond));
    }
    // Everything else is for those signed in.
    with_caller(std::make_shared<ConsoleRequest>(std::move(request)), respond,
                [self = shared_from_this(), target = *target, peer, respond](
                    Caller caller, ConsoleRequest& request) {
                  self->route_signed_in(std::move(request), target, peer, caller, respond);
                });
  }

  // The console's pages, scripts and styles: files of the web root named [a-z0-9-]+ with an
  // extension it knows, and Debian's Bootstrap. Nothing else on the disk can be named.
  void serve_file(const std::vector<std::string>& parts, const ConsoleServer::Respond& respond) {
    std::filesystem::path file;
    std::string type;
    if (parts.empty()) {
      file = web_root / "index.html";
      type = "text/html; charset=utf-8";
    } else if (parts.size() == 2 && parts[0] == "vendor" && parts[1] == "bootstrap.min.css") {
      file = "/usr/share/javascript/bootstrap5/css/bootstrap.min.css";
      type = "text/css; charset=utf-8";
    } else if (parts.size() == 2 && parts[0] == "vendor" && parts[1] == "bootstrap.bundle.min.js") {
      file = "/usr/share/javascript/bootstrap5/js/bootstrap.bundle.min.js";
      type = "text/javascript; charset=utf-8";
    } else if (parts.size() == 1) {
      const std::string& name = parts[0];
      const std::size_t dot = name.rfind('.');
      const std::string stem = name.substr(0, dot);
      const std::string extension = dot == std::string::npos ? "" : name.substr(dot + 1);
      static const std::map<std::string, std::string, std::less<>> kTypes{
          {"html", "text/html; charset=utf-8"},
          {"js", "text/javascript; charset=utf-8"},
          {"css", "text/css; charset=utf-8"},
          {"svg", "image/svg+xml"},
          {"png", "image/png"},
          {"json", "application/json"},
          {"yaml", "text/plain; charset=utf-8"}};
      const bool plain_stem = !stem.empty() && std::all_of(stem.begin(), stem.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      });
      const auto known = kTypes.find(extension);
      if (plain_stem && known != kTypes.end()) {
        file = web_root / name;
        type = known->second;
      }
    }
    if (file.empty())
      return respond(error_response(http::status::not_found, "not-found", "Không có trang này"));
    off_loop(
        drawing_work, respond,
        [file](Impl&) -> std::optional<std::string> {
          std::ifstream in(file, std::ios::binary);
          if (!in) return std::nullopt;
          std::ostringstream bytes;
          bytes << in.rdbuf();
          return bytes.str();
        },
        [respond, type](std::optional<std::string> bytes) {
          if (!bytes)
            return respond(
                error_response(http::status::not_found, "not-found", "Không có trang này"));
          ConsoleResponse response{http::status::ok, 11};
          response.set(http::field::content_type, type);
          add_safety_headers(response);
          response.body() = std::move(*bytes);
          response.prepare_payload();
          respond(std::move(response));
        });
  }

  void not_allowed(const ConsoleServer::Respond& respond, std::string_view allowed) {
    ConsoleResponse response = error_response(http::status::method_not_allowed,
                                              "method-not-allowed", "Phương thức không được phép");
    response.set(http::field::allow, std::string(allowed));
    respond(std::move(response));
  }

  void route_signed_in(ConsoleRequest request, const Target& target, const std::string& peer,
                       const Caller& caller, const ConsoleServer::Respond& respond) {
    const std::vector<std::string>& parts = target.parts;
    const http::verb method = request.method();
    const auto is = [&](std::initializer_list<std::string_view> path) {
      return parts.size() == path.size() + 1 &&
             std::equal(path.begin(), path.end(), parts.begin() + 1);
    };
    if (is({"session"})) {
      if (method != http::verb::get) return not_allowed(respond, "GET");
      const ConsoleSessions::Session* session =
          caller.session.empty() ? nullptr : sessions.find(caller.session, now());
      return respond(json_response(http::status::ok, json{{"name", caller.account.name},
                                                          {"role", to_string(caller.account.role)},
                                                          {"csrf", session ? session->csrf : ""}}));
    }
    if (is({"logout"})) {
      if (method != http::verb::post) return not_allowed(respond, "POST");
      sessions.close(caller.session);
      log("console: " + caller.account.name + " signed out from " + peer);
      ConsoleResponse response{http::status::no_content, 11};
      add_safety_headers(response);
      response.set(http::field::set_cookie, session_cookie("", true));
      return respond(std::move(response));
    }
    if (is({"displays"})) {
      if (method != http::verb::get) return not_allowed(respond, "GET");
      // Twenty clients asking ten times a second must not make the loop feeding the boards
      // build the status two hundred times a second: it changes once a second anyway.
      const auto at = std::chrono::steady_clock::now();
      if (status_text.empty() || at - status_made > std::chrono::milliseconds(200)) {
        status_text = to_json(sources.status());
        status_made = at;
      }
      ConsoleResponse response{http::status::ok, 11};
      response.set(http::field::content_type, "application/json; charset=utf-8");
      add_safety_headers(response);
      response.body() = status_text;
      response.prepare_payload();
      return respond(std::move(response));
    }
    if (parts.size() == 4 && parts[1] == "displays" && parts[3] == "preview.png") {
      if (method != http::verb::get) return not_allowed(respond, "GET");
      std::optional<Frame> frame = sources.frame(parts[2]);
      if (!frame)
        return respond(
            error_response(http::status::not_found, "no-such-display", "Không có bảng tên này"));
      const bool dots = query_value(target.query, "dots") == "1";
      int scale = dots ? 4 : 1;
      const std::string scale_text = query_value(target.query, "scale");
      std::from_chars(scale_text.data(), scale_text.data() + scale_text.size(), scale);
      // A 1920x1080 lobby at scale 8 would be a 400-megapixel picture: keep previews small.
      scale = std::clamp(scale, 1, std::max(1, 2048 / std::max(frame->width, frame->height)));
      return off_loop(
          drawing_work, respond,
          [frame = std::move(*frame), dots, scale](Impl&) {
            return encode_png(dots ? led_dot_preview(frame, scale) : frame, dots ? 1 : scale);
          },
          [respond](std::string png) {
            ConsoleResponse response{http::status::ok, 11};
            response.set(http::field::content_type, "image/png");
            add_safety_headers(response);
            response.body() = std::move(png);
            response.prepare_payload();
            respond(std::move(response));
          });
    }
    if (parts.size() >= 2 && parts[1] == "playlists")
      return playlist_route(std::move(request), parts, target.query, peer, caller, respond);
    if (is({"preview"})) {
      if (method != http::verb::post) return not_allowed(respond, "POST");
      return preview(request, respond);
    }
    if (parts.size() >= 2 && parts[1] == "notices")
      return notice_route(std::move(request), parts, peer, caller, respond);
    if (parts.size() >= 2 && parts[1] == "users")
      return user_route(std::move(request), parts, peer, caller, respond);
    if (is({"report"})) {
      if (method != http::verb::get) return not_allowed(respond, "GET");
      ReportRequest report;
      const std::optional<std::string> from = decode_part(query_value(target.query, "from"));
      const std::optional<std::string> to = decode_part(query_value(target.query, "to"));
      const std::optional<std::string> display = decode_part(query_value(target.query, "display"));
      const std::optional<std::string> format = decode_part(query_value(target.query, "format"));
      if (!from || !to || !display || !format)
        return respond(error_response(http::status::bad_request, "bad-request",
                                      "Tham số báo cáo không hợp lệ"));
      report.from = *from;
      report.to = *to;
      if (!display->empty()) report.display = *display;
      if (!format->empty()) report.format = *format;
      return off_loop(
          report_work, respond,
          [report](Impl& self) -> ConsoleResponse {
            try {
              ReportDocument document =
                  make_report(self.state / "plays.sqlite3", self.playlists.config(), report);
              ConsoleResponse response{http::status::ok, 11};
              response.set(http::field::content_type, document.content_type);
              if (report.format != "json")
                response.set(http::field::content_disposition,
                             "attachment; filename=\"" + document.file_name + "\"");
              add_safety_headers(response);
              response.body() = std::move(document.body);
              response.prepare_payload();
              return response;
            } catch (const std::invalid_argument& refused) {
              return error_response(http::status::bad_request, "bad-request", refused.what());
            } catch (const std::exception& error) {
              self.log.error(std::string("console: the report failed: ") + printable(error.what()));
              return error_response(http::status::internal_server_error, "internal",
                                    "Không lập được báo cáo; xem nhật ký");
            }
          },
          [respond](ConsoleResponse response) { respond(std::move(response)); });
    }
    if (is({"audit"})) {
      if (method != http::verb::get) return not_allowed(respond, "GET");
      std::size_t limit = 50;
      std::size_t offset = 0;
      const std::string limit_text = query_value(target.query, "limit");
      const std::string offset_text = query_value(target.query, "offset");
      std::from_chars(limit_text.data(), limit_text.data() + limit_text.size(), limit);
      std::from_chars(offset_text.data(), offset_text.data() + offset_text.size(), offset);
      limit = std::clamp<std::size_t>(limit, 1, 500);
      return off_loop(
          accounts_work, respond,
          [limit, offset](Impl& self) {
            json entries = json::array();
            for (const AuditEntry& entry : self.accounts.audit(limit, offset))
              entries.push_back(json{{"at", entry.at},
                                     {"actor", entry.actor},
                                     {"address", entry.address},
                                     {"action", entry.action},
                                     {"target", entry.target},
                                     {"before", entry.before},
                                     {"after", entry.after}});
            return json{{"entries", entries}, {"total", self.accounts.audit_size()}};
          },
          [respond](json body) { respond(json_response(http::status::ok, body)); });
    }
    respond(error_response(http::status::not_found, "not-found", "Không có mục này trong API"));
  }

  static bool may_edit(const Caller& caller) { return caller.account.role != Role::viewer; }

  // Accounts, for admins: the same as `bangtin user`, with the console's user in the audit. Anyone
  // may change their own password.
  void user_route(ConsoleRequest request, const std::vector<std::string>& parts,
                  const std::string& peer, const Caller& caller,
                  const ConsoleServer::Respond& respond) {
    const http::verb method = request.method();
    const Actor actor{caller.account.name, peer};
    const bool admin = caller.account.role == Role::admin;
    const bool own = parts.size() == 3 && parts[2] == caller.account.name;
    if (!admin && !(own && method == http::verb::put))
      return respond(error_response(http::status::forbidden, "role",
                                    "Chỉ quản trị viên (admin) quản lý tài khoản"));
    std::optional<json> body;
    if (method == http::verb::post || method == http::verb::put) {
      body = object_body(request, respond);
      if (!body) return;
    }
    const auto text_of_key = [&](const char* key) -> std::optional<std::string> {
      if (!body || !body->contains(key) || !(*body)[key].is_string()) return std::nullopt;
      return (*body)[key].get<std::string>();
    };
    const std::optional<std::string> name_given = text_of_key("name");
    const std::optional<std::string> role_text = text_of_key("role");
    const std::optional<std::string> password = text_of_key("password");
    const std::optional<Role> role = role_text ? role_from(*role_text) : std::nullopt;
    if (role_text && !role)
      return respond(error_response(http::status::bad_request, "bad-role",
                                    "Vai trò phải là admin, editor hoặc viewer"));
    if (role && !admin) return respond(forbidden_for_viewers());
    const std::string name = parts.size() == 3 ? parts[2] : name_given.value_or("");
    // `signs_out`: the account whose sessions end once the change is made.
    const auto work = [respond, self = shared_from_this()](auto change,
                                                           std::string signs_out = {}) {
      self->off_loop(
          self->accounts_work, respond,
          [change](Impl& impl) -> ConsoleResponse {
            try {
              return change(impl);
            } catch (const std::invalid_argument& refused) {
              return error_response(http::status::bad_request, "refused", refused.what());
            } catch (const std::exception& error) {
              impl.log.error(std::string("console: the account database failed: ") + error.what());
              return error_response(http::status::internal_server_error, "internal",
                                    "Lỗi cơ sở dữ liệu tài khoản; xem nhật ký");
            }
          },
          [respond, self, signs_out](ConsoleResponse response) {
            if (!signs_out.empty() && response.result_int() < 300)
              self->sessions.close_all_of(signs_out);
            respond(std::move(response));
          });
    };
    if (parts.size() == 2 && method == http::verb::get) {
      return work([](Impl& impl) {
        json users = json::array();
        for (const Account& account : impl.accounts.list())
          users.push_back(json{{"name", account.name}, {"role", to_string(account.role)}});
        return json_response(http::status::ok, json{{"users", users}});
      });
    }
    if (parts.size() == 2 && method == http::verb::post) {
      if (!password || !role || name.empty())
        return respond(
            error_response(http::status::bad_request, "bad-request", "Cần name, role và password"));
      return work([name, role = *role, password = *password, actor](Impl& impl) {
        impl.accounts.add(name, role, password, actor);
        return json_response(http::status::created, json{{"name", name}});
      });
    }
    if (parts.size() == 3 && method == http::verb::put) {
      if (!password && !role)
        return respond(
            error_response(http::status::bad_request, "bad-request", "Cần password hoặc role"));
      // One's own password takes the current one too: a session left open on an office PC
      // must not be enough to take the account.
      const std::optional<std::string> current = text_of_key("current_password");
      if (password && own && !current)
        return respond(error_response(http::status::bad_request, "current-password",
                                      "Cần mật khẩu hiện tại (current_password)"));
      return work(
          [name, role, password, current, own, actor](Impl& impl) {
            if (password && own && !impl.accounts.check_password(name, *current))
              return error_response(http::status::forbidden, "wrong-password",
                                    "Mật khẩu hiện tại không đúng");
            if (password) impl.accounts.set_password(name, *password, actor);
            if (role) impl.accounts.set_role(name, *role, actor);
            return json_response(http::status::ok, json{{"name", name}});
          },
          name);
    }
    if (parts.size() == 3 && method == http::verb::delete_) {
      return work(
          [name, actor](Impl& impl) {
            impl.accounts.remove(name, actor);
            ConsoleResponse response{http::status::no_content, 11};
            add_safety_headers(response);
            return response;
          },
          name);
    }
    not_allowed(respond, parts.size() == 2 ? "GET, POST" : "PUT, DELETE");
  }

  static ConsoleResponse forbidden_for_viewers() {
    return error_response(http::status::forbidden, "role",
                          "Tài khoản chỉ được xem; cần quyền biên tập (editor) để thay đổi");
  }

  static json problems_json(const std::vector<Diagnostic>& problems) {
    json list = json::array();
    for (const Diagnostic& problem : problems)
      list.push_back(json{{"line", problem.where.line},
                          {"column", problem.where.column},
                          {"severity", problem.severity == Severity::error ? "error" : "warning"},
                          {"message", problem.message}});
    return list;
  }

  static json summary_json(const PlaylistSummary& summary) {
    return json{{"name", summary.name},       {"file", summary.file},
                {"title", summary.title},     {"items", summary.items},
                {"version", summary.version}, {"notices", summary.notices}};
  }

  // A JSON body that is an object, or an answer saying it is not.
  static std::optional<json> object_body(const ConsoleRequest& request,
                                         const ConsoleServer::Respond& respond) {
    try {
      json body = json::parse(request.body());
      if (body.is_object()) return body;
    } catch (const json::exception&) {
    }
    respond(error_response(http::status::bad_request, "bad-json",
                           "Nội dung phải là một đối tượng JSON hợp lệ"));
    return std::nullopt;
  }

  // Runs blocking playlist work and answers with what it returns; the folder's refusals become
  // 409, 422 or 400 answers.
  template <typename Work>
  void playlist_work_then_respond(Work work, const ConsoleServer::Respond& respond) {
    off_loop(
        playlist_work, respond,
        [work = std::move(work)](Impl& self) -> ConsoleResponse {
          try {
            return work(self);
          } catch (const PlaylistConflict& conflict) {
            json current = nullptr;
            if (conflict.current)
              current = json{{"version", conflict.current->summary.version},
                             {"yaml", conflict.current->yaml},
                             {"saved_by", conflict.saved_by},
                             {"saved_at", conflict.saved_at}};
            return json_response(
                http::status::conflict,
                json{{"error", "version-conflict"},
                     {"message", conflict.current
                                     ? "Danh sách đã được " +
                                           (conflict.saved_by.empty() ? std::string("người khác")
                                                                      : conflict.saved_by) +
                                           " sửa sau khi bạn mở; xem bản hiện tại rồi sửa lại"
                                     : "Danh sách đã bị xóa hoặc chưa từng có"},
                     {"current", current}});
          } catch (const PlaylistInvalid& invalid) {
            return json_response(http::status::unprocessable_entity,
                                 json{{"error", "invalid"},
                                      {"message", "Danh sách có lỗi; chưa lưu"},
                                      {"problems", problems_json(invalid.problems)}});
          } catch (const std::invalid_argument& refused) {
            return error_response(http::status::bad_request, "refused", refused.what());
          } catch (const std::exception& error) {
            self.log.error(std::string("console: playlist work failed: ") +
                           printable(error.what()));
            return error_response(http::status::internal_server_error, "internal",
                                  "Lỗi khi đọc hoặc ghi danh sách; xem nhật ký");
          }
        },
        [respond](ConsoleResponse response) { respond(std::move(response)); });
  }

  void playlist_route(ConsoleRequest request, const std::vector<std::string>& parts,
                      const std::string& query, const std::string& peer, const Caller& caller,
                      const ConsoleServer::Respond& respond) {
    const http::verb method = request.method();
    const Actor actor{caller.account.name, peer};
    if (parts.size() == 2) {
      if (method != http::verb::get) return not_allowed(respond, "GET");
      return playlist_work_then_respond(
          [](Impl& self) {
            const Config config = self.playlists.config();
            json playlists = json::array();
            for (const PlaylistSummary& summary : self.playlists.list())
              playlists.push_back(summary_json(summary));
            json displays = json::array();
            std::set<std::string> groups;
            for (const DisplayConfig& display : config.displays) {
              displays.push_back(json{
                  {"name", display.name},
                  {"groups", display.groups},
                  {"size", std::to_string(display.width) + "x" + std::to_string(display.height)},
                  {"pixel", std::string(to_string(display.pixel))},
                  {"output", display.output == DisplayOutput::window ? "window" : "panel"}});
              groups.insert(display.groups.begin(), display.groups.end());
            }
            return json_response(
                http::status::ok,
                json{{"playlists", playlists}, {"displays", displays}, {"groups", groups}});
          },
          respond);
    }
    if (parts.size() != 3)
      return respond(error_response(http::status::not_found, "not-found", "Không có mục này"));
    const std::string name = parts[2];
    if (const auto problem = playlist_name_problem(name))
      return respond(error_response(http::status::bad_request, "bad-name", *problem));
    if (method == http::verb::get) {
      return playlist_work_then_respond(
          [name](Impl& self) {
            const std::optional<PlaylistDocument> document = self.playlists.read(name);
            if (!document)
              return error_response(http::status::not_found, "no-such-playlist",
                                    "Không có danh sách tên này");
            json body = summary_json(document->summary);
            body["yaml"] = document->yaml;
            body["problems"] = problems_json(document->problems);
            json items = json::array();
            if (document->playlist)
              for (const Item& item : document->playlist->items)
                items.push_back(item_json(item, self.playlists.config().utc_offset));
            body["items"] = items;
            return json_response(http::status::ok, body);
          },
          respond);
    }
    if (method != http::verb::put && method != http::verb::delete_)
      return not_allowed(respond, "GET, PUT, DELETE");
    if (!may_edit(caller)) return respond(forbidden_for_viewers());
    if (name == PlaylistFolder::kNoticesName)
      return respond(error_response(http::status::forbidden, "notices",
                                    "Thông báo khẩn được sửa ở trang Thông báo khẩn"));
    if (method == http::verb::delete_) {
      const std::string version = query_value(query, "version");
      return playlist_work_then_respond(
          [name, version, actor](Impl& self) {
            self.playlists.remove(name, version, actor);
            self.log("console: " + actor.name + " deleted playlist " + name);
            ConsoleResponse response{http::status::no_content, 11};
            add_safety_headers(response);
            return response;
          },
          respond);
    }
    const std::optional<json> body = object_body(request, respond);
    if (!body) return;
    if (!body->contains("yaml") || !(*body)["yaml"].is_string() || !body->contains("version") ||
        !(*body)["version"].is_string())
      return respond(error_response(http::status::bad_request, "bad-request",
                                    "Cần version (chuỗi, rỗng khi tạo mới) và yaml (cả tệp)"));
    const std::string yaml = (*body)["yaml"];
    const std::string version = (*body)["version"];
    playlist_work_then_respond(
        [name, version, yaml, actor](Impl& self) {
          const PlaylistFolder::Saved saved = self.playlists.save(name, version, yaml, actor);
          self.log("console: " + actor.name + " saved playlist " + name + " from " + actor.address);
          return json_response(http::status::ok, json{{"version", saved.version},
                                                      {"problems", problems_json(saved.warnings)}});
        },
        respond);
  }

  static json item_json(const Item& item, std::chrono::minutes utc_offset) {
    json body{{"id", item.id},
              {"text", item.text},
              {"effect", format_word(item.effect)},
              {"speed", item.speed},
              {"passes", item.passes},
              {"priority", format_word(item.priority)},
              {"weight", item.weight},
              {"targets", item.targets},
              {"line", item.where.line}};
    if (item.duration) body["duration"] = item.duration->count();
    if (item.colour) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "#%02X%02X%02X", item.colour->r, item.colour->g,
                    item.colour->b);
      body["colour"] = hex;
    }
    if (item.from) body["from"] = iso_date_time_text(*item.from, utc_offset).substr(0, 16);
    if (item.until) body["until"] = iso_date_time_text(*item.until, utc_offset).substr(0, 16);
    return body;
  }

  // What a board would show of an item being written: the page asks at each keystroke.
  void preview(const ConsoleRequest& request, const ConsoleServer::Respond& respond) {
    const std::optional<json> body = object_body(request, respond);
    if (!body) return;
    if (!body->contains("display") || !(*body)["display"].is_string() || !body->contains("item") ||
        !(*body)["item"].is_object())
      return respond(error_response(http::status::bad_request, "bad-request",
                                    "Cần display (tên bảng) và item (text, effect, speed, ...)"));
    const std::string display_name = (*body)["display"];
    // The item as a playlist writes it, each value as JSON (which YAML reads): the loader's own
    // checks then say what is wrong with it, as they would in the file.
    std::string item_yaml = "id: xem-truoc";
    for (const char* key : {"text", "effect", "speed", "colour", "passes", "duration"}) {
      const auto found = (*body)["item"].find(key);
      if (found == (*body)["item"].end() || found->is_null()) continue;
      if (!found->is_string() && !found->is_number())
        return respond(error_response(http::status::bad_request, "bad-request",
                                      std::string(key) + " phải là chuỗi hoặc số"));
      item_yaml += std::string("\n    ") + key + ": " +
                   found->dump(-1, ' ', false, json::error_handler_t::replace);
    }
    off_loop(
        drawing_work, respond,
        [display_name, item_yaml](Impl& self) -> ConsoleResponse {
          try {
            Config config = self.playlists.config();
            const DisplayConfig* display = find_display(config, display_name);
            if (!display)
              return error_response(http::status::not_found, "no-such-display",
                                    "Không có bảng tên này");
            Item item = self.playlists.check_item(item_yaml);
            const bool scroll = item.effect == TextEffect::scroll;
            const auto start = std::chrono::system_clock::now();
            // A scroll is shown once its first words reach the left edge; other effects a
            // moment in, once a fade has come up.
            const auto moment = scroll ? std::chrono::milliseconds(static_cast<long long>(
                                             1000.0 * display->width / item.speed))
                                       : std::chrono::milliseconds(1500);
            const DisplayConfig shown = *display;
            Programme programme{config, {Playlist{"xem-truoc", "", {}, {item}, "", {}}}};
            DisplayPlayer player(programme, shown);
            player.frame_at(start);
            const Frame frame = player.frame_at(start + moment);
            const bool panel = shown.output == DisplayOutput::panel;
            const int scale = std::clamp(768 / std::max(1, shown.width), 2, 8);
            ConsoleResponse response{http::status::ok, 11};
            response.set(http::field::content_type, "image/png");
            add_safety_headers(response);
            response.body() = panel ? encode_png(led_dot_preview(frame, scale)) : encode_png(frame);
            response.prepare_payload();
            return response;
          } catch (const PlaylistInvalid& invalid) {
            return json_response(
                http::status::unprocessable_entity,
                json{{"error", "invalid"},
                     {"message", invalid.problems.empty() ? std::string("Mục không hợp lệ")
                                                          : invalid.problems.front().message},
                     {"problems", problems_json(invalid.problems)}});
          } catch (const std::exception& error) {
            return json_response(http::status::unprocessable_entity,
                                 json{{"error", "cannot-draw"}, {"message", error.what()}});
          }
        },
        [respond](ConsoleResponse response) { respond(std::move(response)); });
  }

  void notice_route(ConsoleRequest request, const std::vector<std::string>& parts,
                    const std::string& peer, const Caller& caller,
                    const ConsoleServer::Respond& respond) {
    const http::verb method = request.method();
    const Actor actor{caller.account.name, peer};
    if (parts.size() == 2 && method == http::verb::get) {
      return playlist_work_then_respond(
          [](Impl& self) {
            json notices = json::array();
            for (const Notice& notice : self.playlists.notices())
              notices.push_back(json{{"id", notice.id},
                                     {"text", notice.text},
                                     {"targets", notice.targets},
                                     {"until", notice.until}});
            return json_response(http::status::ok, json{{"notices", notices}});
          },
          respond);
    }
    if (parts.size() == 2 && method == http::verb::post) {
      if (!may_edit(caller)) return respond(forbidden_for_viewers());
      const std::optional<json> body = object_body(request, respond);
      if (!body) return;
      Notice notice;
      try {
        notice.text = body->at("text").get<std::string>();
        notice.until = body->at("until").get<std::string>();
        notice.targets = body->at("targets").get<std::vector<std::string>>();
      } catch (const json::exception&) {
        return respond(error_response(
            http::status::bad_request, "bad-request",
            "Cần text (nội dung), targets (danh sách bảng hoặc nhóm) và until (2026-12-01T17:00)"));
      }
      return playlist_work_then_respond(
          [notice, actor](Impl& self) {
            const std::string id = self.playlists.add_notice(notice, actor);
            self.log("console: " + actor.name + " put up urgent notice " + id + " from " +
                     actor.address);
            return json_response(http::status::created, json{{"id", id}});
          },
          respond);
    }
    if (parts.size() == 3 && method == http::verb::delete_) {
      if (!may_edit(caller)) return respond(forbidden_for_viewers());
      const std::string id = parts[2];
      return playlist_work_then_respond(
          [id, actor](Impl& self) {
            if (!self.playlists.end_notice(id, actor))
              return error_response(http::status::not_found, "no-such-notice",
                                    "Không có thông báo này (có thể đã hết hạn)");
            self.log("console: " + actor.name + " ended urgent notice " + printable(id));
            ConsoleResponse response{http::status::no_content, 11};
            add_safety_headers(response);
            return response;
          },
          respond);
    }
    return not_allowed(respond, parts.size() == 2 ? "GET, POST" : "DELETE");
  }
};

ConsoleApi::ConsoleApi(asio::io_context& loop, ConsoleSetup setup, ConsoleSources sources,
                       LogSink log, std::function<std::chrono::steady_clock::time_point()> now)
    : impl_(std::make_shared<Impl>(loop, accounts_work_, drawing_work_, playlist_work_,
                                   signin_work_, report_work_, setup, std::move(sources),
                                   std::move(log), std::move(now))) {}

ConsoleApi::~ConsoleApi() {
  // Queued work goes unanswered (the connections are closed); only what runs is waited for.
  impl_->stopped = true;
  for (asio::thread_pool* pool :
       {&accounts_work_, &drawing_work_, &playlist_work_, &signin_work_, &report_work_}) {
    pool->stop();
    pool->join();
  }
}

void ConsoleApi::handle(ConsoleRequest request, const std::string& peer,
                        ConsoleServer::Respond respond) {
  try {
    impl_->route(std::move(request), peer, respond);
  } catch (const std::exception& error) {
    impl_->log.error(std::string("console: a request failed: ") + printable(error.what()));
    respond(error_response(http::status::internal_server_error, "internal",
                           "Lỗi trong bangtind; xem nhật ký"));
  }
}

}  // namespace bangtin
