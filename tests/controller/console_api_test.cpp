// The operator console's server and API against real sockets on 127.0.0.1: sign-in, sessions,
// CSRF, tokens, roles checked against the account database as it is now, previews, and hostile
// clients (oversized, malformed, slow, many at once, from another site). A real AccountStore on a
// real SQLite file; the daemon's status and frames come from small stand-ins.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <thread>

#include "bangtin/play_log.hpp"
#include "bangtin/playlists.hpp"
#include "console_accounts.hpp"
#include "console_api.hpp"
#include "console_playlists.hpp"
#include "console_server.hpp"
#include "console_sessions.hpp"
#include "running_daemon.hpp"
#include "test_support.hpp"

namespace bangtin {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using namespace std::chrono_literals;

const Actor kTester{"tester", "local"};
constexpr const char* kPlaylist =
    "# Hand-written: this comment stays when the console saves the raw text.\n"
    "playlist: cchc\ntitle: Cải cách hành chính\nitems:\n"
    "  - id: mot-cua\n    text: \"Bộ phận Một cửa\"\n    speed: 40\n";
constexpr const char* kEditorPassword = "mật khẩu đủ dài";

struct Reply {
  unsigned status = 0;
  std::string body;
  std::string cookie;  // Set-Cookie
  std::string retry_after;
  std::string content_type;
  json data() const { return json::parse(body); }
};

// A running console: server and API on a loop thread of their own, the clock for sessions and
// sign-in waits in the test's hands.
class Console {
 public:
  explicit Console(ConsoleLimits limits = {}, bool tls = false) : directory_(scratch_.path()) {
    accounts_ = std::make_unique<AccountStore>(directory_ / "console.sqlite3");
    accounts_->add("editor", Role::editor, kEditorPassword, kTester);
    accounts_->add("viewer", Role::viewer, "xem thôi, không sửa", kTester);
    ConsoleConfig config;
    config.port = 0;
    if (tls) make_certificate(config);
    ConsoleSources sources;
    sources.status = [] {
      DaemonStatus status;
      DisplayStatus display;
      display.name = "cong-ubnd";
      display.link = "modbus-tcp://127.0.0.1:1502";
      status.displays.push_back(display);
      return status;
    };
    sources.frame = [](std::string_view name) -> std::optional<Frame> {
      if (name != "cong-ubnd") return std::nullopt;
      Frame frame = Frame::blank(16, 8, PixelFormat::mono);
      frame.set_pixel(3, 3, Rgb{255, 255, 255});
      return frame;
    };
    api_ = std::make_unique<ConsoleApi>(
        loop_, ConsoleSetup{write_config(), directory_, console_web_root(), tls, true},
        std::move(sources),
        [this](std::string_view line) {
          const std::lock_guard lock(log_mutex_);
          log_ += std::string(line) + "\n";
        },
        [this] {
          return std::chrono::steady_clock::time_point(
              std::chrono::steady_clock::duration(offset_.load()));
        });
    server_ = std::make_unique<ConsoleServer>(
        loop_, config,
        [api = api_.get()](ConsoleRequest request, const std::string& peer,
                           ConsoleServer::Respond respond) {
          api->handle(std::move(request), peer, std::move(respond));
        },
        [](std::string_view) {}, limits);
    port_ = server_->port();
    thread_ = std::thread([this] { loop_.run(); });
  }

  ~Console() {
    asio::post(loop_, [this] { server_->stop(); });
    guard_.reset();
    loop_.stop();
    thread_.join();
    api_.reset();
    server_.reset();
  }

  unsigned short port() const { return port_; }
  AccountStore& accounts() { return *accounts_; }
  void advance(std::chrono::steady_clock::duration by) { offset_ += by.count(); }
  std::string log() {
    const std::lock_guard lock(log_mutex_);
    return log_;
  }
  std::size_t open_connections() {
    std::promise<std::size_t> count;
    asio::post(loop_, [&] { count.set_value(server_->open_connections()); });
    return count.get_future().get();
  }
  const std::filesystem::path& certificate() const { return certificate_; }
  const std::filesystem::path& directory() const { return directory_; }

 private:
  // A config with two boards (one in the group "street") and one playlist, beside the state.
  std::filesystem::path write_config() {
    scratch_.write("playlists/cchc.yaml", kPlaylist);
    return scratch_.write(
        "bangtin.yaml",
        "timezone: \"+07:00\"\nstate: .\ndisplays:\n"
        "  - name: cong-ubnd\n    size: 128x32\n    groups: [street]\n"
        "    link: modbus-tcp://127.0.0.1:1502\n"
        "  - name: cho\n    size: 96x16\n    link: modbus-tcp://127.0.0.1:1503\n");
  }

  void make_certificate(ConsoleConfig& config) {
    certificate_ = directory_ / "console.crt";
    const auto key = directory_ / "console.key";
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -keyout '" +
        key.string() + "' -out '" + certificate_.string() + "' 2>/dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("openssl req failed");
    config.tls_certificate = certificate_;
    config.tls_key = key;
  }

  testing::ScratchDir scratch_;
  std::filesystem::path directory_;
  std::filesystem::path certificate_;
  std::unique_ptr<AccountStore> accounts_;
  asio::io_context loop_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_ = asio::make_work_guard(loop_);
  std::atomic<std::chrono::steady_clock::duration::rep> offset_{
      std::chrono::steady_clock::duration(std::chrono::hours(1000)).count()};
  std::unique_ptr<ConsoleApi> api_;
  std::unique_ptr<ConsoleServer> server_;
  unsigned short port_ = 0;
  std::thread thread_;
  std::mutex log_mutex_;
  std::string log_;
};

struct Call {
  http::verb method = http::verb::get;
  std::string target{};
  std::string body{};
  std::string cookie{};
  std::string csrf{};
  std::string bearer{};
  std::string content_type = "application/json";
  std::string origin{};
};

template <typename Stream>
Reply exchange(Stream& stream, const Call& call, unsigned short port) {
  http::request<http::string_body> request{call.method, call.target, 11};
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  if (!call.cookie.empty()) request.set(http::field::cookie, call.cookie);
  if (!call.csrf.empty()) request.set("X-CSRF-Token", call.csrf);
  if (!call.bearer.empty()) request.set(http::field::authorization, "Bearer " + call.bearer);
  if (!call.origin.empty()) request.set(http::field::origin, call.origin);
  if (!call.body.empty()) request.set(http::field::content_type, call.content_type);
  request.body() = call.body;
  request.prepare_payload();
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  Reply reply;
  reply.status = response.result_int();
  reply.body = response.body();
  reply.cookie = std::string(response[http::field::set_cookie]);
  reply.retry_after = std::string(response[http::field::retry_after]);
  reply.content_type = std::string(response[http::field::content_type]);
  return reply;
}

Reply send(unsigned short port, const Call& call) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream.expires_after(10s);
  return exchange(stream, call, port);
}

// The session cookie's "name=value" part, as a browser sends it back.
std::string cookie_pair(const std::string& set_cookie) {
  return set_cookie.substr(0, set_cookie.find(';'));
}

struct SignedIn {
  std::string cookie;
  std::string csrf;
};

SignedIn sign_in(Console& console, const std::string& name, const std::string& password) {
  const Reply reply =
      send(console.port(), Call{.method = http::verb::post,
                                .target = "/api/login",
                                .body = json{{"name", name}, {"password", password}}.dump()});
  EXPECT_EQ(reply.status, 200u) << reply.body;
  return SignedIn{cookie_pair(reply.cookie), reply.status == 200 ? reply.data()["csrf"] : ""};
}

TEST(ConsoleApi, SignInGivesAStrictHttpOnlySessionCookieAndACsrfToken) {
  Console console;
  const Reply reply = send(
      console.port(), Call{.method = http::verb::post,
                           .target = "/api/login",
                           .body = json{{"name", "editor"}, {"password", kEditorPassword}}.dump()});
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(reply.data()["role"], "editor");
  EXPECT_EQ(reply.data()["csrf"].get<std::string>().size(), 64u);
  EXPECT_NE(reply.cookie.find("bangtin_session="), std::string::npos);
  EXPECT_NE(reply.cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(reply.cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_EQ(reply.cookie.find("Secure"), std::string::npos) << "plain HTTP on loopback";
  const Reply displays =
      send(console.port(), Call{.target = "/api/displays", .cookie = cookie_pair(reply.cookie)});
  ASSERT_EQ(displays.status, 200u) << displays.body;
  EXPECT_EQ(displays.data()["displays"][0]["name"], "cong-ubnd");
}

TEST(ConsoleApi, WithoutAValidSessionNothingIsAnsweredButSignIn) {
  Console console;
  const std::vector<std::string> cookies{"", "bangtin_session=", "bangtin_session=00112233",
                                         "other=1", "bangtin_session=" + std::string(64, 'a')};
  for (const std::string& cookie : cookies) {
    for (const char* target :
         {"/api/displays", "/api/session", "/api/displays/cong-ubnd/preview.png", "/api/nothing"})
      EXPECT_EQ(send(console.port(), Call{.target = target, .cookie = cookie}).status, 401u)
          << target << " with '" << cookie << "'";
    EXPECT_EQ(send(console.port(), Call{.method = http::verb::post,
                                        .target = "/api/logout",
                                        .cookie = cookie,
                                        .csrf = "x"})
                  .status,
              401u);
  }
  EXPECT_EQ(
      send(console.port(), Call{.target = "/api/displays", .bearer = "bt_not-a-token"}).status,
      401u);
}

TEST(ConsoleApi, WrongPasswordsAreRefusedAndSlowedPerAddressAndAccount) {
  Console console;
  const auto attempt = [&](const std::string& name, const std::string& password) {
    return send(console.port(), Call{.method = http::verb::post,
                                     .target = "/api/login",
                                     .body = json{{"name", name}, {"password", password}}.dump()});
  };
  EXPECT_EQ(attempt("editor", "sai mật khẩu rồi").status, 401u);
  EXPECT_EQ(attempt("nobody", "sai mật khẩu rồi").status, 401u) << "unknown names alike";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt("editor", "sai mật khẩu rồi").status, 401u);
  const Reply slowed = attempt("editor", kEditorPassword);
  EXPECT_EQ(slowed.status, 429u) << "even the right password waits its turn";
  EXPECT_EQ(slowed.retry_after, "1");
  console.advance(2s);
  EXPECT_EQ(attempt("editor", "sai mật khẩu rồi").status, 401u);
  const Reply longer = attempt("editor", kEditorPassword);
  EXPECT_EQ(longer.status, 429u);
  EXPECT_EQ(longer.retry_after, "2") << "each failure past the free ones doubles the wait";
  console.advance(3s);
  EXPECT_EQ(attempt("editor", kEditorPassword).status, 200u);
  EXPECT_NE(console.log().find("sign-in refused for 'nobody'"), std::string::npos);
  EXPECT_EQ(console.log().find("sai mật khẩu"), std::string::npos) << "no password in the log";
}

TEST(ConsoleApi, ChangesNeedTheSessionsCsrfTokenAndComeFromThisConsoleOnly) {
  Console console;
  const SignedIn session = sign_in(console, "editor", kEditorPassword);
  const auto logout = [&](const std::string& csrf, const std::string& origin) {
    return send(console.port(), Call{.method = http::verb::post,
                                     .target = "/api/logout",
                                     .cookie = session.cookie,
                                     .csrf = csrf,
                                     .origin = origin});
  };
  EXPECT_EQ(logout("", "").status, 403u);
  EXPECT_EQ(logout(std::string(64, '0'), "").status, 403u);
  EXPECT_EQ(logout(session.csrf, "http://evil.example").status, 403u);
  EXPECT_EQ(send(console.port(), Call{.method = http::verb::post,
                                      .target = "/api/login",
                                      .body = "name=editor&password=x",
                                      .content_type = "application/x-www-form-urlencoded"})
                .status,
            415u)
      << "a form posted from another site is no sign-in";
  EXPECT_EQ(send(console.port(), Call{.target = "/api/session", .cookie = session.cookie}).status,
            200u)
      << "still signed in";
  const Reply out = logout(session.csrf, "http://127.0.0.1:" + std::to_string(console.port()));
  EXPECT_EQ(out.status, 204u);
  EXPECT_NE(out.cookie.find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(send(console.port(), Call{.target = "/api/session", .cookie = session.cookie}).status,
            401u);
}

TEST(ConsoleApi, SessionsIdleOutAndFollowTheAccountAsItIsNow) {
  Console console;
  const SignedIn idle = sign_in(console, "editor", kEditorPassword);
  console.advance(31min);
  EXPECT_EQ(send(console.port(), Call{.target = "/api/displays", .cookie = idle.cookie}).status,
            401u);

  const SignedIn viewer = sign_in(console, "viewer", "xem thôi, không sửa");
  EXPECT_EQ(send(console.port(), Call{.target = "/api/displays", .cookie = viewer.cookie}).status,
            200u);
  console.accounts().remove("viewer", kTester);
  EXPECT_EQ(send(console.port(), Call{.target = "/api/displays", .cookie = viewer.cookie}).status,
            401u)
      << "a removed account's session ends with it";
}

TEST(ConsoleApi, ScriptsUseATokenInstead) {
  Console console;
  const std::string token = console.accounts().issue_token("viewer", kTester);
  const Reply reply = send(console.port(), Call{.target = "/api/session", .bearer = token});
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_EQ(reply.data()["name"], "viewer");
  console.accounts().revoke_tokens("viewer", kTester);
  EXPECT_EQ(send(console.port(), Call{.target = "/api/session", .bearer = token}).status, 401u);
}

TEST(ConsoleApi, APreviewIsThePngOfTheFrameOnShow) {
  Console console;
  const SignedIn session = sign_in(console, "viewer", "xem thôi, không sửa");
  const Reply png = send(console.port(), Call{.target = "/api/displays/cong-ubnd/preview.png",
                                              .cookie = session.cookie});
  ASSERT_EQ(png.status, 200u);
  EXPECT_EQ(png.content_type, "image/png");
  ASSERT_GT(png.body.size(), 8u);
  EXPECT_EQ(png.body.substr(1, 3), "PNG");
  const Reply dots =
      send(console.port(),
           Call{.target = "/api/displays/cong-ubnd/preview.png?dots=1", .cookie = session.cookie});
  EXPECT_EQ(dots.status, 200u);
  EXPECT_GT(dots.body.size(), png.body.size()) << "four times the size, each pixel a dot";
  EXPECT_EQ(send(console.port(),
                 Call{.target = "/api/displays/khong-co/preview.png", .cookie = session.cookie})
                .status,
            404u);
}

TEST(ConsoleApi, NamesThatCouldReachAFileOrALogAreRefused) {
  Console console;
  const SignedIn session = sign_in(console, "viewer", "xem thôi, không sửa");
  for (const char* target :
       {"/api/displays/..%2F..%2Fetc/preview.png", "/api/displays/%2e%2e/preview.png",
        "/api/displays/a%00b/preview.png", "/api/displays/a%0Ab/preview.png",
        "/api/displays/%C3%28/preview.png", "/api/displays/a%5Cb/preview.png",
        "/api/displays/%zz/preview.png", "/api/displays/%4"})
    EXPECT_EQ(send(console.port(), Call{.target = target, .cookie = session.cookie}).status, 400u)
        << target;
  EXPECT_EQ(send(console.port(), Call{.target = "/etc/passwd"}).status, 404u);
}

// --- Playlists, notices, previews, audit ------------------------------------------------------

std::string file_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Editor {
  Console& console;
  SignedIn session;
  Reply call(http::verb method, const std::string& target, const json& body = nullptr) const {
    return send(console.port(), Call{.method = method,
                                     .target = target,
                                     .body = body.is_null() ? "" : body.dump(),
                                     .cookie = session.cookie,
                                     .csrf = session.csrf});
  }
};

TEST(ConsolePlaylists, AreListedAndSavedWhole_CommentsAndAllWithTheirVersionAndAnAuditEntry) {
  Console console;
  const Editor editor{console, sign_in(console, "editor", kEditorPassword)};
  const Reply list = editor.call(http::verb::get, "/api/playlists");
  ASSERT_EQ(list.status, 200u) << list.body;
  EXPECT_EQ(list.data()["playlists"][0]["name"], "cchc");
  EXPECT_EQ(list.data()["playlists"][0]["title"], "Cải cách hành chính");
  EXPECT_EQ(list.data()["displays"].size(), 2u);
  EXPECT_EQ(list.data()["groups"], json::array({"street"}));

  const Reply read = editor.call(http::verb::get, "/api/playlists/cchc");
  ASSERT_EQ(read.status, 200u);
  EXPECT_EQ(read.data()["yaml"], kPlaylist);
  EXPECT_EQ(read.data()["items"][0]["text"], "Bộ phận Một cửa");
  EXPECT_EQ(read.data()["items"][0]["effect"], "scroll");
  EXPECT_EQ(read.data()["items"][0]["priority"], "normal");
  EXPECT_EQ(read.data()["items"][0]["speed"], 40);
  const std::string edited =
      std::string(kPlaylist) +
      "  - id: gio-lam-viec\n    text: \"Giờ làm việc: 7:30–17:00\"\n    effect: static\n"
      "    priority: high\n    colour: amber\n";
  const Reply saved = editor.call(http::verb::put, "/api/playlists/cchc",
                                  json{{"version", read.data()["version"]}, {"yaml", edited}});
  ASSERT_EQ(saved.status, 200u) << saved.body;
  EXPECT_NE(saved.data()["version"], read.data()["version"]);
  EXPECT_EQ(file_text(console.directory() / "playlists/cchc.yaml"), edited)
      << "the text as sent, its comment kept";
  const json items = editor.call(http::verb::get, "/api/playlists/cchc").data()["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1]["effect"], "static");
  EXPECT_EQ(items[1]["priority"], "high");
  EXPECT_EQ(items[1]["colour"].get<std::string>().front(), '#');
  const AuditEntry last = console.accounts().audit(1).front();
  EXPECT_EQ(last.action, "playlist.save");
  EXPECT_EQ(last.actor, "editor");
  EXPECT_EQ(last.address, "127.0.0.1");
  EXPECT_EQ(last.before, kPlaylist);
  EXPECT_EQ(last.after, edited);
  const Reply audit = editor.call(http::verb::get, "/api/audit?limit=5");
  ASSERT_EQ(audit.status, 200u);
  EXPECT_EQ(audit.data()["entries"][0]["action"], "playlist.save");
}

TEST(ConsolePlaylists, TwoSavesFromOneVersionNeverLoseOneSilently) {
  Console console;
  const Editor first{console, sign_in(console, "editor", kEditorPassword)};
  const std::string version = first.call(http::verb::get, "/api/playlists/cchc").data()["version"];
  const std::string mine = std::string(kPlaylist) + "  - id: a\n    text: \"Của tôi\"\n";
  const std::string theirs = std::string(kPlaylist) + "  - id: b\n    text: \"Của người khác\"\n";
  ASSERT_EQ(
      first.call(http::verb::put, "/api/playlists/cchc", json{{"version", version}, {"yaml", mine}})
          .status,
      200u);
  const Reply late = first.call(http::verb::put, "/api/playlists/cchc",
                                json{{"version", version}, {"yaml", theirs}});
  ASSERT_EQ(late.status, 409u) << late.body;
  EXPECT_EQ(late.data()["current"]["yaml"], mine) << "what changed, to merge by hand";
  EXPECT_EQ(late.data()["current"]["saved_by"], "editor");
  EXPECT_NE(late.data()["message"].get<std::string>().find("editor"), std::string::npos);
  EXPECT_EQ(file_text(console.directory() / "playlists/cchc.yaml"), mine);
  // A new playlist cannot be created twice either.
  const json fresh{{"version", ""},
                   {"yaml", "playlist: moi\nitems:\n  - id: c\n    text: \"C\"\n"}};
  EXPECT_EQ(first.call(http::verb::put, "/api/playlists/moi", fresh).status, 200u);
  EXPECT_EQ(first.call(http::verb::put, "/api/playlists/moi", fresh).status, 409u);
}

TEST(ConsolePlaylists, TenSavesAtOnceFromOneVersion_OneWinsAndNineAreToldSo) {
  Console console;
  const Editor editor{console, sign_in(console, "editor", kEditorPassword)};
  const std::string version = editor.call(http::verb::get, "/api/playlists/cchc").data()["version"];
  std::vector<std::future<Reply>> saves;
  for (int i = 0; i < 10; ++i)
    saves.push_back(std::async(std::launch::async, [&, i] {
      return editor.call(http::verb::put, "/api/playlists/cchc",
                         json{{"version", version},
                              {"yaml", std::string(kPlaylist) + "  - id: lan-" + std::to_string(i) +
                                           "\n    text: \"Lần " + std::to_string(i) + "\"\n"}});
    }));
  int saved = 0;
  int refused = 0;
  std::string winner;
  for (int i = 0; i < 10; ++i) {
    const Reply reply = saves[static_cast<std::size_t>(i)].get();
    if (reply.status == 200) {
      ++saved;
      winner = "lan-" + std::to_string(i);
    }
    if (reply.status == 409) ++refused;
  }
  EXPECT_EQ(saved, 1);
  EXPECT_EQ(refused, 9);
  EXPECT_NE(file_text(console.directory() / "playlists/cchc.yaml").find(winner), std::string::npos);
}

TEST(ConsolePlaylists, APlaylistWithErrorsIsNotSavedAndEachErrorHasItsLine) {
  Console console;
  const Editor editor{console, sign_in(console, "editor", kEditorPassword)};
  const std::string version = editor.call(http::verb::get, "/api/playlists/cchc").data()["version"];
  const std::string broken = std::string(kPlaylist) +
                             "  - id: sai\n    text: \"Hiệu ứng lạ\"\n    effect: marquee\n"
                             "    targets: [khong-co]\n";
  const Reply refused = editor.call(http::verb::put, "/api/playlists/cchc",
                                    json{{"version", version}, {"yaml", broken}});
  ASSERT_EQ(refused.status, 422u) << refused.body;
  const json problems = refused.data()["problems"];
  ASSERT_EQ(problems.size(), 2u) << problems.dump();
  EXPECT_EQ(problems[0]["line"], 10);
  EXPECT_EQ(problems[0]["column"], 13);
  EXPECT_NE(problems[0]["message"].get<std::string>().find("marquee"), std::string::npos);
  EXPECT_EQ(problems[1]["line"], 11);
  EXPECT_EQ(file_text(console.directory() / "playlists/cchc.yaml"), kPlaylist);
  // An id another playlist uses is the daemon's error too.
  console.accounts();  // (the folder is read anew at each save)
  const Reply clash =
      editor.call(http::verb::put, "/api/playlists/khac",
                  json{{"version", ""},
                       {"yaml", "playlist: khac\nitems:\n  - id: mot-cua\n    text: \"X\"\n"}});
  ASSERT_EQ(clash.status, 422u) << clash.body;
  EXPECT_NE(clash.data()["problems"][0]["message"].get<std::string>().find("cchc.yaml"),
            std::string::npos);
}

TEST(ConsolePlaylists, OnlyEditorsChangeThemAndNoNameReachesOutsideTheFolder) {
  Console console;
  const Editor viewer{console, sign_in(console, "viewer", "xem thôi, không sửa")};
  const std::string version = viewer.call(http::verb::get, "/api/playlists/cchc").data()["version"];
  EXPECT_EQ(viewer
                .call(http::verb::put, "/api/playlists/cchc",
                      json{{"version", version}, {"yaml", "playlist: x\n"}})
                .status,
            403u);
  EXPECT_EQ(viewer.call(http::verb::delete_, "/api/playlists/cchc?version=" + version).status,
            403u);
  EXPECT_EQ(viewer
                .call(http::verb::post, "/api/notices",
                      json{{"text", "x"}, {"targets", {"all"}}, {"until", "2099-01-01T00:00"}})
                .status,
            403u);
  const Editor editor{console, sign_in(console, "editor", kEditorPassword)};
  for (const char* name : {"..%2Fbangtin", "Cchc", "cchc.yaml", "-x", "a%00b", "%C3%A1"})
    EXPECT_EQ(editor
                  .call(http::verb::put, std::string("/api/playlists/") + name,
                        json{{"version", ""}, {"yaml", "playlist: x\n"}})
                  .status,
              400u)
        << name;
  EXPECT_EQ(editor.call(http::verb::delete_, "/api/playlists/cchc?version=stale").status, 409u);
  EXPECT_TRUE(std::filesystem::exists(console.directory() / "playlists/cchc.yaml"));
  EXPECT_EQ(editor.call(http::verb::delete_, "/api/playlists/cchc?version=" + version).status,
            204u);
  EXPECT_FALSE(std::filesystem::exists(console.directory() / "playlists/cchc.yaml"));
  EXPECT_EQ(console.accounts().audit(1).front().before, kPlaylist) << "the audit keeps it";
}

TEST(ConsoleNotices, AnUrgentNoticeIsAPlaylistItemUntilItsEndOrItIsEnded) {
  Console console;
  const Editor editor{console, sign_in(console, "editor", kEditorPassword)};
  const Reply added = editor.call(
      http::verb::post, "/api/notices",
      json{{"text", "Mất điện từ 14:00"}, {"targets", {"street"}}, {"until", "2099-12-31T17:00"}});
  ASSERT_EQ(added.status, 201u) << added.body;
  const std::string id = added.data()["id"];
  const std::string file = file_text(console.directory() / "playlists/thong-bao-khan.yaml");
  EXPECT_NE(file.find("priority: urgent"), std::string::npos) << file;
  EXPECT_NE(file.find("Mất điện từ 14:00"), std::string::npos);
  const Reply listed = editor.call(http::verb::get, "/api/notices");
  ASSERT_EQ(listed.data()["notices"].size(), 1u);
  EXPECT_EQ(listed.data()["notices"][0]["until"], "2099-12-31T17:00");
  EXPECT_EQ(listed.data()["notices"][0]["targets"], json::array({"street"}));
  EXPECT_EQ(editor
                .call(http::verb::put, "/api/playlists/thong-bao-khan",
                      json{{"version", ""}, {"yaml", "playlist: x\n"}})
                .status,
            403u);
  EXPECT_EQ(editor
                .call(http::verb::post, "/api/notices",
                      json{{"text", "Cũ"}, {"targets", {"all"}}, {"until", "2020-01-01T00:00"}})
                .status,
            400u);
  EXPECT_EQ(editor
                .call(http::verb::post, "/api/notices",
                      json{{"text", "X"}, {"targets", {"khong-co"}}, {"until", "2099-01-01T00:00"}})
                .status,
            422u);
  EXPECT_EQ(editor.call(http::verb::delete_, "/api/notices/" + id).status, 204u);
  EXPECT_EQ(editor.call(http::verb::get, "/api/notices").data()["notices"].size(), 0u);
  EXPECT_EQ(editor.call(http::verb::delete_, "/api/notices/" + id).status, 404u);
}

TEST(ConsolePreview, ShowsTheItemAsTheChosenBoardWouldAndSaysWhatIsWrong) {
  Console console;
  const Editor viewer{console, sign_in(console, "viewer", "xem thôi, không sửa")};
  const auto preview = [&](const json& item, const std::string& display = "cong-ubnd") {
    return viewer.call(http::verb::post, "/api/preview",
                       json{{"display", display}, {"item", item}});
  };
  const Reply one = preview(json{{"text", "Một cửa"}, {"effect", "static"}});
  ASSERT_EQ(one.status, 200u) << one.body;
  EXPECT_EQ(one.content_type, "image/png");
  const Reply other = preview(json{{"text", "Hai cửa"}, {"effect", "static"}});
  ASSERT_EQ(other.status, 200u);
  EXPECT_NE(one.body, other.body) << "each keystroke shows";
  const Reply scrolling = preview(json{{"text", "Nộp hồ sơ trực tuyến"}, {"speed", 40}});
  EXPECT_EQ(scrolling.status, 200u);
  const Reply wrong = preview(json{{"text", "X"}, {"effect", "marquee"}});
  ASSERT_EQ(wrong.status, 422u);
  EXPECT_NE(wrong.data()["message"].get<std::string>().find("marquee"), std::string::npos);
  EXPECT_EQ(preview(json{{"text", "X"}}, "khong-co").status, 404u);
  EXPECT_EQ(preview(json{{"text", json::array()}}).status, 400u);
}

TEST(ConsoleReport, ProofOfPlayAsJsonOrADownloadForTheOffice) {
  Console console;
  {
    PlayStore plays(console.directory() / "plays.sqlite3");
    const auto start = testing::tuesday_morning();
    const auto play =
        plays.begin(PlayStart{"cong-ubnd", "cchc", "mot-cua", "Bộ phận Một cửa", start});
    plays.end(play, start + std::chrono::seconds(40), PlayOutcome::completed);
  }
  const Editor viewer{console, sign_in(console, "viewer", "xem thôi, không sửa")};
  const Reply json_report =
      viewer.call(http::verb::get, "/api/report?from=2026-11-24&to=2026-11-24");
  ASSERT_EQ(json_report.status, 200u) << json_report.body;
  EXPECT_EQ(json_report.data()["rows"][0]["item"], "mot-cua");
  EXPECT_EQ(json_report.data()["rows"][0]["on_air_seconds"], 40);
  const Reply xlsx =
      viewer.call(http::verb::get, "/api/report?from=2026-11-01&to=2026-11-30&format=xlsx");
  ASSERT_EQ(xlsx.status, 200u) << xlsx.body;
  EXPECT_EQ(xlsx.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK") << "a zip, as every XLSX is";
  const Reply csv = viewer.call(
      http::verb::get, "/api/report?from=2026-11-01&to=2026-11-30&format=csv&display=cong-ubnd");
  ASSERT_EQ(csv.status, 200u);
  EXPECT_NE(csv.body.find("Bộ phận Một cửa"), std::string::npos);
  EXPECT_EQ(viewer.call(http::verb::get, "/api/report?from=2026-02-30&to=2026-03-01").status, 400u);
  EXPECT_EQ(
      viewer.call(http::verb::get, "/api/report?from=2026-01-01&to=2026-12-01&format=pdf").status,
      400u);
  EXPECT_EQ(
      send(console.port(), Call{.target = "/api/report?from=2026-11-01&to=2026-11-30"}).status,
      401u);
}

TEST(ConsoleUsers, AdminsManageAccountsOthersOnlyTheirOwnPassword) {
  Console console;
  console.accounts().add("quantri", Role::admin, "quản trị viên xã", kTester);
  const Editor admin{console, sign_in(console, "quantri", "quản trị viên xã")};
  const Editor editor{console, sign_in(console, "editor", kEditorPassword)};
  EXPECT_EQ(editor.call(http::verb::get, "/api/users").status, 403u);
  EXPECT_EQ(editor
                .call(http::verb::post, "/api/users",
                      json{{"name", "moi"}, {"role", "admin"}, {"password", "mật khẩu mới đủ dài"}})
                .status,
            403u);
  EXPECT_EQ(editor.call(http::verb::put, "/api/users/editor", json{{"role", "admin"}}).status, 403u)
      << "no one raises their own role";
  const Reply added =
      admin.call(http::verb::post, "/api/users",
                 json{{"name", "vanthu"}, {"role", "editor"}, {"password", "văn thư một cửa"}});
  ASSERT_EQ(added.status, 201u) << added.body;
  EXPECT_EQ(admin
                .call(http::verb::post, "/api/users",
                      json{{"name", "yeu"}, {"role", "viewer"}, {"password", "ngắn"}})
                .status,
            400u);
  const Reply users = admin.call(http::verb::get, "/api/users");
  ASSERT_EQ(users.status, 200u);
  EXPECT_EQ(users.data()["users"].size(), 4u);
  // Changing a password ends the account's sessions.
  EXPECT_EQ(
      editor.call(http::verb::put, "/api/users/editor", json{{"password", "mật khẩu khác hẳn"}})
          .status,
      400u)
      << "one's own password takes the current one";
  EXPECT_EQ(
      editor
          .call(http::verb::put, "/api/users/editor",
                json{{"password", "mật khẩu khác hẳn"}, {"current_password", "đoán bừa thôi"}})
          .status,
      403u);
  EXPECT_EQ(
      editor
          .call(http::verb::put, "/api/users/editor",
                json{{"password", "mật khẩu khác hẳn"}, {"current_password", kEditorPassword}})
          .status,
      200u);
  EXPECT_EQ(editor.call(http::verb::get, "/api/session").status, 401u);
  sign_in(console, "editor", "mật khẩu khác hẳn");
  EXPECT_EQ(admin.call(http::verb::delete_, "/api/users/vanthu").status, 204u);
  EXPECT_EQ(console.accounts().audit(1).front().action, "user.remove");
  EXPECT_EQ(console.accounts().audit(1).front().actor, "quantri");
}

TEST(ConsoleApi, InvalidUtf8AndControlCharactersInAnyFieldAreRefusedNeverStoredOrLogged) {
  Console console;
  const Editor editor{console, sign_in(console, "editor", kEditorPassword)};
  const auto raw_body = [&](http::verb method, const std::string& target, const std::string& body) {
    return send(console.port(), Call{.method = method,
                                     .target = target,
                                     .body = body,
                                     .cookie = editor.session.cookie,
                                     .csrf = editor.session.csrf});
  };
  EXPECT_EQ(
      raw_body(http::verb::post, "/api/login", "{\"name\":\"a\xff\",\"password\":\"x\"}").status,
      400u);
  EXPECT_EQ(send(console.port(),
                 Call{.method = http::verb::post,
                      .target = "/api/login",
                      .body = json{{"name", "editor\n2026-12-01 console: admin signed in"},
                                   {"password", "x"}}
                                  .dump()})
                .status,
            401u);
  EXPECT_EQ(console.log().find("editor\n2026"), std::string::npos) << "a forged log line";
  EXPECT_NE(console.log().find("editor\\n2026"), std::string::npos) << console.log();
  EXPECT_EQ(raw_body(http::verb::put, "/api/playlists/cchc",
                     "{\"version\":\"\",\"yaml\":\"playlist: x\xc3\x28\"}")
                .status,
            400u);
  EXPECT_EQ(editor
                .call(http::verb::post, "/api/notices",
                      json{{"text", "Chuông\u0007 báo"},
                           {"targets", {"all"}},
                           {"until", "2099-01-01T00:00"}})
                .status,
            422u);
  EXPECT_EQ(editor
                .call(http::verb::post, "/api/preview",
                      json{{"display", "cong-ubnd"}, {"item", {{"text", "\x1b[31mđỏ"}}}})
                .status,
            422u);
  EXPECT_FALSE(std::filesystem::exists(console.directory() / "playlists/thong-bao-khan.yaml"));
}

// --- Hostile clients ------------------------------------------------------------------------

// Sends raw bytes, then reads until the server closes or `patience` passes; what it read.
std::string raw(unsigned short port, const std::string& bytes,
                std::chrono::milliseconds patience = 5000ms) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream.expires_after(patience);
  beast::error_code written;
  asio::write(stream, asio::buffer(bytes), written);  // the server may answer before it all went
  std::string reply;
  beast::error_code error;
  char chunk[4096];
  for (;;) {
    const std::size_t n = stream.read_some(asio::buffer(chunk), error);
    reply.append(chunk, n);
    if (error) break;
  }
  return reply;
}

TEST(ConsoleServer, OversizedAndMalformedRequestsGetAClearErrorAndAreClosed) {
  Console console;
  const std::string host = "Host: 127.0.0.1\r\n";
  EXPECT_EQ(raw(console.port(), "GET /api/session HTTP/1.1\r\n" + host +
                                    "X-Big: " + std::string(20000, 'a') + "\r\n\r\n")
                .substr(0, 12),
            "HTTP/1.1 431");
  EXPECT_EQ(raw(console.port(), "POST /api/login HTTP/1.1\r\n" + host +
                                    "Content-Type: application/json\r\nContent-Length: 2000000\r\n"
                                    "\r\n{")
                .substr(0, 12),
            "HTTP/1.1 413");
  EXPECT_EQ(raw(console.port(), "GARBAGE\r\n\r\n").substr(0, 12), "HTTP/1.1 400");
  EXPECT_EQ(raw(console.port(), std::string("GET /\x01\xff HTTP/1.1\r\n\r\n")).substr(0, 12),
            "HTTP/1.1 400");
  const std::string bad_json =
      raw(console.port(), "POST /api/login HTTP/1.1\r\n" + host +
                              "Content-Type: application/json\r\nContent-Length: 5\r\n"
                              "Connection: close\r\n\r\n{\"a\":");
  EXPECT_NE(bad_json.find("400 Bad Request"), std::string::npos) << bad_json;
}

TEST(ConsoleServer, ASlowClientIsClosedAndHoldsUpNobody) {
  ConsoleLimits limits;
  limits.request_time = 500ms;
  Console console(limits);
  asio::io_context io;
  beast::tcp_stream slow(io);
  slow.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), console.port()));
  asio::write(slow, asio::buffer(std::string("GET /api/session HTTP/1.1\r\nHo")));
  // Meanwhile others are answered at once.
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(send(console.port(), Call{.target = "/api/session"}).status, 401u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 400ms);
  // And the slow one is dropped once its time is up.
  slow.expires_after(5s);
  char byte = 0;
  beast::error_code error;
  slow.read_some(asio::buffer(&byte, 1), error);
  EXPECT_EQ(error, asio::error::eof) << error.message();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST(ConsoleServer, AThousandIdleConnectionsLeaveRoomForOthersAndTheLimitHolds) {
  ConsoleLimits limits;
  limits.connections = 1100;
  Console console(limits);
  asio::io_context io;
  std::vector<tcp::socket> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.emplace_back(io);
    idle.back().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), console.port()));
  }
  for (int waited = 0; console.open_connections() < 1000 && waited < 500; ++waited)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(console.open_connections(), 1000u);
  const SignedIn session = sign_in(console, "viewer", "xem thôi, không sửa");
  EXPECT_EQ(send(console.port(), Call{.target = "/api/displays", .cookie = session.cookie}).status,
            200u);
  for (int i = 0; i < 150; ++i) {
    idle.emplace_back(io);
    idle.back().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), console.port()));
  }
  // Beyond the limit a newcomer is closed at once.
  char byte = 0;
  beast::error_code error;
  idle.back().read_some(asio::buffer(&byte, 1), error);
  EXPECT_EQ(error, asio::error::eof);
  EXPECT_LE(console.open_connections(), 1100u);
}

TEST(ConsoleServer, OverTlsTheCookieIsSecure) {
  Console console({}, true);
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.load_verify_file(console.certificate().string());
  tls.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  beast::get_lowest_layer(stream).connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), console.port()));
  beast::get_lowest_layer(stream).expires_after(10s);
  stream.handshake(asio::ssl::stream_base::client);
  const Reply reply =
      exchange(stream,
               Call{.method = http::verb::post,
                    .target = "/api/login",
                    .body = json{{"name", "editor"}, {"password", kEditorPassword}}.dump()},
               console.port());
  ASSERT_EQ(reply.status, 200u) << reply.body;
  EXPECT_NE(reply.cookie.find("; Secure"), std::string::npos);
  // Plain HTTP to a TLS console gets nowhere.
  EXPECT_EQ(raw(console.port(), "GET /api/session HTTP/1.1\r\n\r\n").find("HTTP/1.1 200"),
            std::string::npos);
}

TEST(ConsoleApi, PagesAreServedToAnyoneAndNothingElseOnTheDiskCanBeNamed) {
  Console console;
  const Reply page = send(console.port(), Call{.target = "/"});
  ASSERT_EQ(page.status, 200u);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<html lang=\"vi\">"), std::string::npos);
  const Reply script = send(console.port(), Call{.target = "/app.js"});
  EXPECT_EQ(script.status, 200u);
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  const Reply bootstrap = send(console.port(), Call{.target = "/vendor/bootstrap.min.css"});
  EXPECT_EQ(bootstrap.status, 200u) << "Debian's libjs-bootstrap5, served by bangtind";
  EXPECT_NE(bootstrap.body.find("Bootstrap"), std::string::npos);
  for (const char* target :
       {"/console.sqlite3", "/index", "/App.js", "/vendor/jquery.js", "/../CMakeLists.txt",
        "/%2e%2e/CMakeLists.txt", "/.hidden.js", "/vendor/../app.js", "/nothing.html"})
    EXPECT_GE(send(console.port(), Call{.target = target}).status, 400u) << target;
  EXPECT_EQ(
      send(console.port(), Call{.method = http::verb::post, .target = "/", .body = "{}"}).status,
      405u);
}

TEST(ConsoleDaemon, TheDaemonServesItsConsoleWithTheBoardsAsTheyAre) {
  testing::ScratchDir dir;
  PanelSimulator panel(SimulatorOptions{.port = 0});
  dir.write("playlists/test.yaml",
            "playlist: test\nitems:\n  - id: mot-cua\n    text: \"Một cửa\"\n    effect: static\n");
  const auto config =
      dir.write("bangtin.yaml",
                "timezone: \"+07:00\"\nconsole: {listen: \"127.0.0.1:0\"}\ndisplays:\n"
                "  - name: cong-ubnd\n    size: 128x32\n    link: modbus-tcp://127.0.0.1:" +
                    std::to_string(panel.port()) + "\n");
  AccountStore(dir.path() / "state/console.sqlite3")
      .add("editor", Role::editor, kEditorPassword, kTester);
  testing::ManualClock clock(testing::tuesday_morning());
  testing::LogRecorder log;
  testing::RunningDaemon running(config, clock.clocks(), log.sink());
  ASSERT_TRUE(running.daemon().console_port().has_value()) << log.all();
  const unsigned short port = *running.daemon().console_port();
  EXPECT_TRUE(
      log.wait_for("console: listening on http://127.0.0.1:" + std::to_string(port) + "/", 5s));
  ASSERT_TRUE(panel.wait_for_commit(0, 5s).has_value());

  const Reply signed_in =
      send(port, Call{.method = http::verb::post,
                      .target = "/api/login",
                      .body = json{{"name", "editor"}, {"password", kEditorPassword}}.dump()});
  ASSERT_EQ(signed_in.status, 200u) << signed_in.body;
  const std::string cookie = cookie_pair(signed_in.cookie);
  const Reply displays = send(port, Call{.target = "/api/displays", .cookie = cookie});
  ASSERT_EQ(displays.status, 200u);
  EXPECT_EQ(displays.data()["displays"][0]["name"], "cong-ubnd");
  EXPECT_EQ(displays.data()["displays"][0]["on_air"], "mot-cua") << displays.body;
  EXPECT_EQ(displays.data()["displays"][0]["brightness_percent"], 100);

  const Reply preview =
      send(port, Call{.target = "/api/displays/cong-ubnd/preview.png", .cookie = cookie});
  ASSERT_EQ(preview.status, 200u);
  const auto file = dir.write("preview.png", preview.body);
  EXPECT_EQ(read_png(file), to_rgb888(panel.shown_frame(), Rgb{255, 176, 0}))
      << "the picture is what the panel shows";
}

TEST(ConsoleApi, ALoopbackConsoleAnswersOnlyToLoopbackNamesAndSmallBodiesOnlyBeforeSignIn) {
  Console console;
  const std::string rebinding = raw(console.port(),
                                    "GET /api/session HTTP/1.1\r\nHost: evil.example:8080\r\n"
                                    "Connection: close\r\n\r\n");
  EXPECT_EQ(rebinding.substr(0, 12), "HTTP/1.1 421") << rebinding;
  EXPECT_EQ(
      raw(console.port(), "GET / HTTP/1.1\r\nHost: localhost:8080\r\nConnection: close\r\n\r\n")
          .substr(0, 12),
      "HTTP/1.1 200");
  EXPECT_EQ(raw(console.port(), "HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .substr(0, 12),
            "HTTP/1.1 405");
  const std::string big(100 * 1024, 'x');
  EXPECT_EQ(raw(console.port(),
                "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/json\r\nContent-Length: " +
                    std::to_string(big.size()) + "\r\n\r\n" + big)
                .substr(0, 12),
            "HTTP/1.1 413")
      << "64 KiB for anything but a whole playlist";
  EXPECT_EQ(raw(console.port(),
                "PUT /api/playlists/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                "Content-Type: application/json\r\nConnection: close\r\n"
                "Content-Length: " +
                    std::to_string(big.size()) + "\r\n\r\n" + big)
                .substr(0, 12),
            "HTTP/1.1 401")
      << "a playlist may be big, and is still refused unsigned";
}

TEST(ConsoleSessionsLimits, OneAccountsSessionsNeverPushOutAnothersAndSuccessKeepsTheAddressCount) {
  ConsoleSessions sessions;
  const auto at = std::chrono::steady_clock::time_point(std::chrono::hours(1));
  const std::string other = sessions.open("khac", "10.0.0.2", at).id;
  const std::string first = sessions.open("mot", "10.0.0.1", at).id;
  for (int i = 0; i < 30; ++i) sessions.open("mot", "10.0.0.1", at + std::chrono::seconds(i + 1));
  EXPECT_EQ(sessions.size(), static_cast<std::size_t>(ConsoleSessions::kMostPerAccount) + 1);
  EXPECT_EQ(sessions.find(first, at + std::chrono::minutes(1)), nullptr);
  EXPECT_NE(sessions.find(other, at + std::chrono::minutes(1)), nullptr);

  SignInThrottle throttle;
  for (int i = 0; i < 6; ++i) throttle.failed("10.0.0.9", "admin", at);
  throttle.succeeded("10.0.0.9", "viewer");
  EXPECT_GT(throttle.wait_before("10.0.0.9", "someone", at).count(), 0)
      << "a right password for one's own account does not wipe the guesses at another";
  throttle.succeeded("10.0.0.9", "admin");
  EXPECT_GT(throttle.wait_before("10.0.0.9", "admin", at).count(), 0);
  EXPECT_EQ(throttle.wait_before("10.0.0.8", "admin", at).count(), 0);
}

TEST(ConsolePlaylistsOneFile, AConfigNamingOneFileLetsTheConsoleEditThatFileAlone) {
  testing::ScratchDir dir;
  dir.write("lists/cchc.yaml", kPlaylist);
  dir.write("bangtin.yaml",
            "playlists: lists/cchc.yaml\ndisplays:\n  - name: a\n    size: 128x32\n"
            "    link: modbus-tcp://127.0.0.1:1502\n");
  AccountStore accounts(dir.path() / "state/console.sqlite3");
  PlaylistFolder folder(dir.path() / "bangtin.yaml", dir.path() / "state/drafts", accounts);
  ASSERT_EQ(folder.list().size(), 1u);
  EXPECT_TRUE(folder.read("cchc").has_value());
  EXPECT_FALSE(folder.read("bangtin").has_value()) << "the config beside it is no playlist";
  EXPECT_THROW(folder.save("bangtin", "", "playlist: x\n", kTester), std::invalid_argument);
  EXPECT_THROW(folder.save("moi", "", "playlist: x\n", kTester), std::invalid_argument);
  EXPECT_EQ(file_text(dir.path() / "bangtin.yaml").substr(0, 10), "playlists:");
}

}  // namespace
}  // namespace bangtin
