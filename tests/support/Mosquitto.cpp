#include "support/Mosquitto.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace stillroom::test {
namespace {

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const sockaddr_in address = loopback(port);
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

/** Runs a program to completion with output to `log`; returns its exit status. */
int run(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string current_user() {
  if (const passwd* pw = ::getpwuid(::getuid())) return pw->pw_name;
  return "root";
}

}  // namespace

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address = loopback(0);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

Mosquitto::Mosquitto(MosquittoOptions options) : options_(std::move(options)), dir_("stillroom-mosquitto") {
  port_ = free_port();
  if (options_.websockets)
    do ws_port_ = free_port();
    while (ws_port_ == port_);
  if (!options_.tls_cert_file.empty() && !options_.tls_key_file.empty())
    do tls_port_ = free_port();
    while (tls_port_ == port_ || tls_port_ == ws_port_);
  if (!options_.users.empty()) {
    bool first = true;
    for (const auto& user : options_.users) {
      std::vector<std::string> argv = {"/usr/bin/mosquitto_passwd"};
      if (first) argv.emplace_back("-c");
      argv.insert(argv.end(), {"-b", (dir() / "passwd").string(), user.name, user.password});
      if (run(argv, dir() / "passwd.log") != 0)
        throw std::runtime_error("mosquitto_passwd failed for " + user.name + ": " + read_file(dir() / "passwd.log"));
      first = false;
    }
  }
  if (!options_.acl.empty()) dir_.write("acl", options_.acl);
  write_config();
  start();
}

Mosquitto::~Mosquitto() {
  if (running()) kill();
}

void Mosquitto::write_config() const {
  std::string conf;
  conf += "# Test broker\n";
  conf += "user " + current_user() + "\n";
  conf += "per_listener_settings false\n";
  conf += "listener " + std::to_string(port_) + " 127.0.0.1\n";
  if (options_.websockets) {
    // socket_domain: without it mosquitto 2.0.11 binds websockets to every interface (eclipse/mosquitto#3045).
    conf += "listener " + std::to_string(ws_port_) + " 127.0.0.1\nsocket_domain ipv4\nprotocol websockets\n";
    if (!options_.http_dir.empty()) conf += "http_dir " + options_.http_dir + "\n";
  }
  if (tls_port_ != 0)
    conf += "listener " + std::to_string(tls_port_) + " 127.0.0.1\ncertfile " + options_.tls_cert_file +
            "\nkeyfile " + options_.tls_key_file + "\ntls_version tlsv1.2\n";
  conf += options_.users.empty() ? "allow_anonymous true\n"
                                 : "allow_anonymous false\npassword_file " + (dir() / "passwd").string() + "\n";
  if (!options_.acl.empty()) conf += "acl_file " + (dir() / "acl").string() + "\n";
  if (options_.tcp_nodelay) conf += "set_tcp_nodelay true\n";
  if (options_.persistence) {
    conf += "persistence true\npersistence_location " + dir().string() + "/\n";
  } else {
    conf += "persistence false\n";
  }
  conf += "log_dest stderr\nlog_type error\nlog_type warning\nlog_type notice\nlog_type information\n";
  conf += options_.extra_config;
  dir_.write("mosquitto.conf", conf);
}

void Mosquitto::start() {
  if (running()) return;
  const std::string conf = (dir() / "mosquitto.conf").string();
  const std::string log_path = (dir() / "mosquitto.log").string();
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid_ == 0) {
    // Only async-signal-safe calls between fork and exec (the parent has threads).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a test that crashed
    if (::getppid() != parent) ::_exit(127);
    const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd >= 0) {
      ::dup2(log_fd, 1);
      ::dup2(log_fd, 2);
    }
    ::execl("/usr/sbin/mosquitto", "mosquitto", "-c", conf.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!accepts(port_) || (ws_port_ != 0 && !accepts(ws_port_)) || (tls_port_ != 0 && !accepts(tls_port_))) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("mosquitto exited at start:\n" + log());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      kill();
      throw std::runtime_error("mosquitto did not accept connections within 10 s:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void Mosquitto::stop() {
  if (!running()) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

void Mosquitto::kill() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

void Mosquitto::save() {
  if (!running() || !options_.persistence) throw std::runtime_error("save() needs a running broker with persistence");
  const auto saves = [this] {
    const std::string text = log();
    std::size_t count = 0;
    for (auto at = text.find("Saving in-memory database"); at != std::string::npos;
         at = text.find("Saving in-memory database", at + 1))
      ++count;
    return count;
  };
  // The log line comes when the save begins; the database is written to mosquitto.db.new and renamed when
  // complete. A broker killed in between restarts from the older file (or none), without the sessions.
  const auto db = dir() / "mosquitto.db";
  const auto written = [&] {
    std::error_code ignored;
    const auto at = std::filesystem::last_write_time(db, ignored);
    return ignored ? std::filesystem::file_time_type::min() : at;
  };
  const auto before = saves();
  const auto written_before = written();
  ::kill(pid_, SIGUSR1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (saves() == before || written() == written_before || std::filesystem::exists(dir() / "mosquitto.db.new")) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("mosquitto did not save:\n" + log());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::filesystem::path Mosquitto::password_file(const std::string& user) const {
  for (const auto& u : options_.users)
    if (u.name == user) return dir_.write("password-" + user, u.password + "\n");
  throw std::runtime_error("no broker user '" + user + "'");
}

std::string Mosquitto::log() const { return read_file(dir() / "mosquitto.log"); }

}  // namespace stillroom::test
