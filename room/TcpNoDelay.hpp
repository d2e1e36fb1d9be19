// TcpNoDelay: turns Nagle's algorithm off on the process's TCP connections to
// the broker. Paho has no option for it and never sets it, which costs ~88 ms
// per QoS 1 request/reply on loopback (Nagle plus delayed ACK). Called on the
// link thread right after each connect: it walks /proc/self/fd and sets
// TCP_NODELAY on every stream socket whose peer is the broker's address and
// port. That touches only sockets to the broker (all of them MQTT, where
// NODELAY is right), needs no interposed libc symbol, and works the same under
// sanitizers and with TLS (the socket below TLS is still TCP).
#pragma once

#include <string>

namespace stillroom::room {

/**
 * Sets TCP_NODELAY on every TCP socket of this process connected to `host`:`port`
 * (host resolved with getaddrinfo). Returns how many sockets now have it.
 */
int set_tcp_nodelay_to(const std::string& host, int port);

/** How many of this process's TCP sockets connected to `host`:`port` have TCP_NODELAY on / in total. */
struct NoDelayCount {
  int with_nodelay = 0;
  int total = 0;
};
[[nodiscard]] NoDelayCount count_tcp_nodelay_to(const std::string& host, int port);

}  // namespace stillroom::room
