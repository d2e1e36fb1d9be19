// The shipped broker's listeners, as scripts/broker runs them: by default on
// loopback only — the websockets listener included, which Debian 12's
// mosquitto 2.0.11 would otherwise bind to every interface
// (eclipse/mosquitto#3045) — and, for a room that opts in, the room network's
// listeners with TLS only: MQTT over TLS and the panel page with MQTT over wss,
// authenticated, with the certificate scripts/broker made for this box.
// What is bound is read from /proc/net/tcp{,6} (what `ss -ltn` shows).
#include "MqttProbe.hpp"
#include "ShippedBroker.hpp"
#include "support/Mosquitto.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <fstream>
#include <sstream>

using namespace stillroom::test;

namespace {

/** The local addresses listening on TCP `port`, as text ("127.0.0.1", "0.0.0.0", "::", "::1", ...). */
std::vector<std::string> listening_addresses(int port) {
  std::vector<std::string> out;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      if (state != "0A") continue;  // LISTEN
      const auto colon = local.find(':');
      if (std::stoi(local.substr(colon + 1), nullptr, 16) != port) continue;
      const std::string hex = local.substr(0, colon);
      char text[INET6_ADDRSTRLEN] = {};
      if (hex.size() == 8) {
        in_addr a{};
        a.s_addr = static_cast<in_addr_t>(std::stoul(hex, nullptr, 16));  // the kernel prints it in host order
        inet_ntop(AF_INET, &a, text, sizeof text);
      } else {
        in6_addr a{};
        for (int word = 0; word < 4; ++word) {
          const auto value = static_cast<std::uint32_t>(std::stoul(hex.substr(static_cast<std::size_t>(word) * 8, 8), nullptr, 16));
          std::memcpy(&a.s6_addr[word * 4], &value, 4);
        }
        inet_ntop(AF_INET6, &a, text, sizeof text);
      }
      out.emplace_back(text);
    }
  }
  return out;
}

bool all_loopback(const std::vector<std::string>& addresses) {
  for (const auto& a : addresses)
    if (a != "127.0.0.1" && a != "::1") return false;
  return !addresses.empty();
}

/** A non-loopback IPv4 address of this machine, "" when it has none. */
std::string lan_address() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return {};
  std::string found;
  for (ifaddrs* i = list; i != nullptr && found.empty(); i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
    if ((ntohl(a->sin_addr.s_addr) >> 24) == 127) continue;
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    found = text;
  }
  ::freeifaddrs(list);
  return found;
}

bool connects(const std::string& address, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, address.c_str(), &a.sin_addr);
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

/** Runs a shell command; its exit status and what it printed (stdout and stderr). */
std::pair<int, std::string> shell(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

/** GET / over plain HTTP on loopback `port`; what came back ("" when nothing did). */
std::string http_get(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0) {
    const std::string request = "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n";
    if (::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
      char buffer[4096];
      ssize_t n = 0;
      while ((n = ::read(fd, buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

}  // namespace

TEST_CASE("shipped broker: every listener binds loopback only, the websockets one included") {
  ShippedBroker broker;
  const auto mqtt = listening_addresses(broker.port());
  const auto ws = listening_addresses(broker.websockets_port());
  INFO("mqtt: " << mqtt.size() << " sockets, websockets: " << ws.size());
  for (const auto& a : ws) MESSAGE("websockets listener bound to " << a);
  CHECK(all_loopback(mqtt));
  CHECK(all_loopback(ws));
  // Nothing else of the broker listens.
  const std::string lan = lan_address();
  if (lan.empty()) {
    MESSAGE("this machine has no address besides loopback: the connect-from-outside check is skipped");
  } else {
    CHECK_FALSE(connects(lan, broker.port()));
    CHECK_FALSE(connects(lan, broker.websockets_port()));
  }
  // And the websockets listener serves: the panel page over http on loopback.
  CHECK(http_get(broker.websockets_port()).find("200 OK") != std::string::npos);
}

TEST_CASE("mosquitto 2.0.11 without socket_domain binds a websockets listener to every interface (why the shipped one sets it)") {
  MosquittoOptions options;
  const int ws = free_port();
  options.extra_config = "listener " + std::to_string(ws) + " 127.0.0.1\nprotocol websockets\n";
  Mosquitto broker(options);
  std::vector<std::string> bound;
  for (int i = 0; i < 500 && bound.empty(); ++i) {
    bound = listening_addresses(ws);
    if (bound.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (const auto& a : bound) MESSAGE("without socket_domain the websockets listener is bound to " << a);
  REQUIRE_FALSE(bound.empty());
  // On a mosquitto with eclipse/mosquitto#3045 fixed this says so, and the shipped socket_domain line is harmless.
  if (all_loopback(bound)) MESSAGE("this mosquitto binds the named address by itself");
  else CHECK(std::find(bound.begin(), bound.end(), "::") != bound.end());
}

TEST_CASE("shipped broker with the room network: TLS only, authenticated, with the certificate scripts/broker made") {
  ShippedBroker broker(true);
  // Loopback stays loopback; the network listeners listen on every interface.
  CHECK(all_loopback(listening_addresses(broker.port())));
  CHECK(all_loopback(listening_addresses(broker.websockets_port())));
  CHECK_FALSE(all_loopback(listening_addresses(broker.tls_port())));
  CHECK_FALSE(all_loopback(listening_addresses(broker.wss_port())));
  const std::string lan = lan_address();
  if (!lan.empty()) CHECK(connects(lan, broker.tls_port()));

  const std::string ca = quoted(broker.ca_file().string());
  const std::string tls = " -d -h localhost -p " + std::to_string(broker.tls_port()) + " --cafile " + ca + " -V 5 -q 1";
  const std::string tablet = " -u tablet-1 -P " + quoted(broker.password("tablet-1"));
  // TLS verified against the local CA, with a user: accepted (and the ACL holds there too).
  const auto ok = shell("mosquitto_pub" + tls + tablet + " -t stillroom/room-1/cmd/tablet-1 -m '{}'");
  INFO(ok.second);
  CHECK(ok.first == 0);
  // Success: 0, or 16 "no matching subscribers" (nobody listens here).
  CHECK((ok.second.find("received PUBACK (Mid: 1, RC:0)") != std::string::npos ||
         ok.second.find("received PUBACK (Mid: 1, RC:16)") != std::string::npos));
  const auto forged = shell("mosquitto_pub" + tls + tablet + " -t stillroom/room-1/cmd/panel-1 -m '{}'");
  INFO(forged.second);
  CHECK(forged.second.find("received PUBACK (Mid: 1, RC:135)") != std::string::npos);
  // No user: refused.
  const auto anonymous = shell("mosquitto_pub" + tls + " -t stillroom/room-1/cmd/tablet-1 -m '{}'");
  CHECK(anonymous.first != 0);
  CHECK(anonymous.second.find("Not authorized") != std::string::npos);
  // Plain MQTT on the TLS port: no connection.
  CHECK_THROWS(MqttProbe(broker.tls_port(), "plain", "tablet-1", broker.password("tablet-1")));
  // The certificate names this box; a client that knows only another CA refuses it.
  const std::string other_ca = (broker.state() / "other-ca.crt").string();
  REQUIRE(shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout /dev/null -subj "
                "/CN=other -days 1 -out " + quoted(other_ca)).first == 0);
  const auto stranger = shell("mosquitto_pub -h localhost -p " + std::to_string(broker.tls_port()) + " --cafile " +
                              quoted(other_ca) + " -V 5" + tablet + " -t x -m y");
  CHECK(stranger.first != 0);

  // The panel page over https on the wss port, verified for the name localhost; plain http there gets nothing.
  const std::string wss = std::to_string(broker.wss_port());
  const auto https = shell("printf 'GET / HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' | timeout 10 openssl s_client -quiet "
                           "-connect 127.0.0.1:" + wss + " -servername localhost -verify_hostname localhost "
                           "-verify_return_error -CAfile " + ca);
  INFO(https.second);
  CHECK(https.second.find("200 OK") != std::string::npos);
  CHECK(https.second.find("<html") != std::string::npos);
  CHECK(http_get(broker.wss_port()).find("200 OK") == std::string::npos);
}
