#include "room/TcpNoDelay.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstring>
#include <filesystem>
#include <functional>
#include <vector>

namespace stillroom::room {
namespace {

/** Raw IPv4/IPv6 addresses `host` resolves to (IPv4-mapped IPv6 compares as IPv4). */
std::vector<std::string> resolve(const std::string& host) {
  std::vector<std::string> out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &list) != 0) return out;
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      sockaddr_in a{};
      std::memcpy(&a, ai->ai_addr, sizeof a);
      out.emplace_back(reinterpret_cast<const char*>(&a.sin_addr), sizeof a.sin_addr);
    } else if (ai->ai_family == AF_INET6) {
      sockaddr_in6 a{};
      std::memcpy(&a, ai->ai_addr, sizeof a);
      out.emplace_back(reinterpret_cast<const char*>(&a.sin6_addr), sizeof a.sin6_addr);
    }
  }
  ::freeaddrinfo(list);
  return out;
}

/** The peer of `fd` as (raw address, port) when it is a connected TCP socket. */
bool tcp_peer(int fd, std::string& address, int& port) {
  int type = 0;
  socklen_t length = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) != 0 || type != SOCK_STREAM) return false;
  sockaddr_storage peer{};
  socklen_t peer_length = sizeof peer;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_length) != 0) return false;
  if (peer.ss_family == AF_INET) {
    sockaddr_in a{};
    std::memcpy(&a, &peer, sizeof a);
    address.assign(reinterpret_cast<const char*>(&a.sin_addr), sizeof a.sin_addr);
    port = ntohs(a.sin_port);
    return true;
  }
  if (peer.ss_family == AF_INET6) {
    sockaddr_in6 a{};
    std::memcpy(&a, &peer, sizeof a);
    if (IN6_IS_ADDR_V4MAPPED(&a.sin6_addr))
      address.assign(reinterpret_cast<const char*>(&a.sin6_addr) + 12, 4);
    else
      address.assign(reinterpret_cast<const char*>(&a.sin6_addr), sizeof a.sin6_addr);
    port = ntohs(a.sin6_port);
    return true;
  }
  return false;
}

/** Calls `visit(fd)` for every socket of this process connected to host:port. */
void for_each_broker_socket(const std::string& host, int port, const std::function<void(int)>& visit) {
  const auto addresses = resolve(host);
  if (addresses.empty()) return;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    try {
      fd = std::stoi(entry.path().filename().string());
    } catch (...) {
      continue;
    }
    std::string address;
    int peer_port = 0;
    if (!tcp_peer(fd, address, peer_port) || peer_port != port) continue;
    for (const auto& wanted : addresses)
      if (wanted == address) {
        visit(fd);
        break;
      }
  }
}

}  // namespace

int set_tcp_nodelay_to(const std::string& host, int port) {
  int count = 0;
  for_each_broker_socket(host, port, [&](int fd) {
    const int on = 1;
    if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0) ++count;
  });
  return count;
}

NoDelayCount count_tcp_nodelay_to(const std::string& host, int port) {
  NoDelayCount count;
  for_each_broker_socket(host, port, [&](int fd) {
    int on = 0;
    socklen_t length = sizeof on;
    ++count.total;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &length) == 0 && on != 0) ++count.with_nodelay;
  });
  return count;
}

}  // namespace stillroom::room
