#include "ShippedBroker.hpp"

#include "support/Mosquitto.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <thread>

namespace stillroom::test {
namespace {

bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

/** A free port none of `taken` uses. */
int another_port(std::set<int>& taken) {
  int port = 0;
  do port = free_port();
  while (!taken.insert(port).second);
  return port;
}

}  // namespace

ShippedBroker::ShippedBroker(bool lan, const std::vector<std::pair<std::string, std::string>>& extra_users,
                             const std::string& extra_acl) {
  std::set<int> taken;
  port_ = another_port(taken);
  ws_port_ = another_port(taken);
  if (lan) {
    tls_port_ = another_port(taken);
    wss_port_ = another_port(taken);
  }
  // The panel's MQTT.js bundle comes from npm when missing: a stand-in keeps the test offline.
  state_.write("www/mqtt.min.js", "/* MQTT.js stand-in for tests */\n");
  for (const auto& [name, password] : extra_users) state_.write(name + ".password", password + "\n");
  if (!extra_acl.empty()) state_.write("acl.d/test.acl", extra_acl);
  const std::string script = source_path("scripts/broker").string();
  const std::string log_path = (state() / "broker.log").string();
  const std::string state_dir = state().string();
  const std::string env[] = {
      "STILLROOM_BROKER_STATE=" + state_dir,
      "STILLROOM_BROKER_PORT=" + std::to_string(port_),
      "STILLROOM_BROKER_WS_PORT=" + std::to_string(ws_port_),
      "STILLROOM_BROKER_TLS_PORT=" + std::to_string(tls_port_),
      "STILLROOM_BROKER_WSS_PORT=" + std::to_string(wss_port_),
      std::string("STILLROOM_BROKER_LAN=") + (lan ? "1" : "0"),
  };
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // kept across the script's exec of mosquitto
    if (::getppid() != parent) ::_exit(127);
    const int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
    ::execl("/bin/bash", "bash", script.c_str(), "run", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!accepts(port_) || !accepts(ws_port_) || (lan && (!accepts(tls_port_) || !accepts(wss_port_)))) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("scripts/broker run exited:\n" + log());
    }
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("the shipped broker did not come up:\n" + log());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

ShippedBroker::~ShippedBroker() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
}

std::string ShippedBroker::password(const std::string& user) const {
  std::string text = read_file(state() / (user + ".password"));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (text.empty()) throw std::runtime_error("scripts/broker made no password for " + user);
  return text;
}

std::string ShippedBroker::log() const { return read_file(state() / "broker.log"); }

}  // namespace stillroom::test
