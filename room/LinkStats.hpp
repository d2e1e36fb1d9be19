// LinkStats: the link's counters — commands accepted, answered and refused by
// reason, messages dropped, connections — published retained on
// `<prefix>/<room>/stats` and readable through RoomLink::stats().
#pragma once

#include "room/CommandParser.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>

namespace stillroom::room {

struct LinkStats {
  /** Passed validation and went to the controller. */
  std::uint64_t commands_accepted = 0;
  /** Answered by the controller with ok / with an error (refused in the current state). */
  std::uint64_t replies_ok = 0;
  std::uint64_t replies_refused = 0;
  /** Refused by the link before reaching the controller, by reason. */
  std::array<std::uint64_t, reject_reason_count> rejected{};
  std::uint64_t events_published = 0;
  /** QoS 0 messages (light steps, state) not sent while the broker was away. */
  std::uint64_t dropped_offline = 0;
  /** Messages refused because the offline buffer was full. */
  std::uint64_t buffer_full = 0;
  /** Other publish failures. */
  std::uint64_t publish_errors = 0;
  std::uint64_t connects = 0;
  std::uint64_t connection_losses = 0;
  /** Sockets to the broker with TCP_NODELAY set at the last connect. */
  int tcp_nodelay_sockets = 0;

  [[nodiscard]] std::uint64_t rejected_total() const noexcept;
  [[nodiscard]] std::uint64_t rejected_for(RejectReason reason) const noexcept {
    return rejected[static_cast<std::size_t>(reason)];
  }
  [[nodiscard]] nlohmann::json to_json() const;
};

}  // namespace stillroom::room
