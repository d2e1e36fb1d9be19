// BrokerProbe: whether a TCP connection to the broker can be opened now — a
// non-blocking connect with a short limit. The link asks before each reconnect
// attempt: Paho reports a refused connection only on its next internal poll
// (up to a second later), which would keep the room offline long after a
// local broker is back. Called on the link thread.
#pragma once

#include <chrono>
#include <string>

namespace stillroom::room {

/** True when `host`:`port` accepts a TCP connection within `limit` (the connection is closed at once). */
[[nodiscard]] bool broker_accepts(const std::string& host, int port, std::chrono::milliseconds limit);

}  // namespace stillroom::room
