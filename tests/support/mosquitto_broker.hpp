// A real MQTT broker for tests, on 127.0.0.1 only: Debian's `mosquitto`, run with a config the
// test writes as a deployment would (no anonymous clients, accounts in a password file made by
// mosquitto_passwd, an ACL file, optionally a TLS listener), and killed when the test ends. Also a
// certificate authority made with `openssl` at test time.
#pragma once

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "loopback_port.hpp"
#include "program_run.hpp"

namespace bangtin::testing {

// A broker account and what its ACL lets it do, in mosquitto's words: "topic write a/#".
struct BrokerAccount {
  std::string username;
  std::string password;
  std::vector<std::string> acl;
};

// A certificate authority and a server certificate for 127.0.0.1 it signed, made with the
// `openssl` command (EC P-256 keys: fast to make).
struct TestCertificates {
  std::filesystem::path ca;
  std::filesystem::path server_certificate;
  std::filesystem::path server_key;

  static TestCertificates make(const std::filesystem::path& directory) {
    std::filesystem::create_directories(directory);
    const auto in = [&](const char* name) { return (directory / name).string(); };
    std::ofstream(in("server.ext")) << "subjectAltName = IP:127.0.0.1\n";
    const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    for (const std::string& command :
         {"openssl req -x509" + key + " -keyout " + in("ca.key") + " -out " + in("ca.crt") +
              " -days 2 -subj /CN=bangtin-test-ca",
          "openssl req" + key + " -keyout " + in("server.key") + " -out " + in("server.csr") +
              " -subj /CN=127.0.0.1",
          "openssl x509 -req -in " + in("server.csr") + " -CA " + in("ca.crt") + " -CAkey " +
              in("ca.key") + " -CAcreateserial -out " + in("server.crt") + " -days 2 -extfile " +
              in("server.ext")}) {
      const ProgramRun run = run_program(command + " 2>&1");
      if (run.exit_code != 0) throw std::runtime_error(command + " failed:\n" + run.output);
    }
    return {directory / "ca.crt", directory / "server.crt", directory / "server.key"};
  }
};

class MosquittoBroker {
 public:
  struct Options {
    std::vector<BrokerAccount> accounts{};
    int port = 0;  // 0: a free one
    // A second listener, with TLS, with this server certificate.
    std::optional<TestCertificates> tls{};
    // Keeps sessions and their queued messages across stop() and start_again(), in the broker's
    // directory, as a deployment's broker would (its persistence file).
    bool persistent = false;
    // Every packet in its log (tests read it), or only connections and errors (a simulation of a
    // thousand sites would write gigabytes).
    bool log_everything = true;
    // Lines added to its config as a deployment would add them ("max_queued_messages 0").
    std::string more_config{};
  };

  // Starts the broker in `directory` and waits until it accepts connections (5 s at most).
  MosquittoBroker(std::filesystem::path directory, Options options)
      : directory_(std::move(directory)),
        port_(options.port ? options.port : free_loopback_port()),
        tls_port_(options.tls ? free_loopback_port() : 0) {
    std::filesystem::create_directories(directory_);
    write_accounts(options.accounts);
    write_config(options.tls, options.persistent, options.log_everything, options.more_config);
    start();
  }
  ~MosquittoBroker() { kill(); }
  MosquittoBroker(const MosquittoBroker&) = delete;
  MosquittoBroker& operator=(const MosquittoBroker&) = delete;

  int port() const { return port_; }
  int tls_port() const { return tls_port_; }
  std::string log() const {
    std::ifstream in(directory_ / "mosquitto.log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // As a crash or a power cut would end it.
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // As an operator stops it (SIGTERM): its clients are disconnected, and a persistent broker
  // saves its sessions.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  // Freezes it (SIGSTOP) or thaws it (SIGCONT): a frozen broker keeps its connections open and
  // answers nothing.
  void send(int signal) const {
    if (pid_ > 0) ::kill(pid_, signal);
  }
  // After kill() or stop(): the same broker on the same ports, waiting as at first.
  void start_again() {
    if (pid_ <= 0) start();
  }

 private:
  void write_accounts(const std::vector<BrokerAccount>& accounts) {
    const auto passwords = directory_ / "passwd";
    std::ofstream acl(directory_ / "acl");
    {
      std::ofstream plain(passwords);
      for (const BrokerAccount& account : accounts) {
        plain << account.username << ':' << account.password << '\n';
        acl << "user " << account.username << "\n";
        for (const std::string& line : account.acl) acl << line << "\n";
        acl << "\n";
      }
    }
    // Hashed in place, all at once: a thousand sites' accounts in one run.
    const ProgramRun made = run_program("mosquitto_passwd -U " + passwords.string() + " 2>&1");
    if (made.exit_code != 0) throw std::runtime_error("mosquitto_passwd: " + made.output);
  }

  void write_config(const std::optional<TestCertificates>& tls, bool persistent,
                    bool log_everything, const std::string& more_config) {
    // Run as root, mosquitto would change to the user `mosquitto`, who cannot read the test's
    // files: it is told to stay who it is.
    const passwd* me = ::getpwuid(::geteuid());
    std::ofstream config(directory_ / "mosquitto.conf");
    config << "per_listener_settings false\nallow_anonymous false\n"
           << "password_file " << (directory_ / "passwd").string() << "\n"
           << "acl_file " << (directory_ / "acl").string() << "\n"
           << (persistent
                   ? "persistence true\npersistence_location " + (directory_ / "").string() + "\n"
                   : std::string("persistence false\n"))
           << (me ? "user " + std::string(me->pw_name) + "\n" : "") << "log_dest stderr\n"
           << (log_everything ? "log_type all\n" : "log_type error\nlog_type warning\n")
           << "connection_messages true\n"
           << more_config << "listener " << port_ << " 127.0.0.1\n";
    if (tls) {
      config << "listener " << tls_port_ << " 127.0.0.1\n"
             << "certfile " << tls->server_certificate.string() << "\n"
             << "keyfile " << tls->server_key.string() << "\n";
    }
  }

  void start() {
    const auto config = directory_ / "mosquitto.conf";
    const auto log = directory_ / "mosquitto.log";
    pid_ = ::fork();
    if (pid_ == 0) {
      const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      ::dup2(out, STDERR_FILENO);
      ::dup2(out, STDOUT_FILENO);
      ::execl("/usr/sbin/mosquitto", "mosquitto", "-c", config.c_str(), nullptr);
      ::_exit(127);
    }
    // Polls, with a deadline: the broker needs a few milliseconds, a loaded machine more.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      if ((port_ == 0 || accepts_connections(port_)) &&
          (tls_port_ == 0 || accepts_connections(tls_port_)))
        return;
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("mosquitto exited at start:\n" + this->log());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    kill();
    throw std::runtime_error("mosquitto does not accept connections after 5 s:\n" + this->log());
  }

  std::filesystem::path directory_;
  int port_;
  int tls_port_;
  pid_t pid_ = -1;
};

}  // namespace bangtin::testing
