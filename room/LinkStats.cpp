#include "room/LinkStats.hpp"

namespace stillroom::room {

std::uint64_t LinkStats::rejected_total() const noexcept {
  std::uint64_t total = 0;
  for (const auto n : rejected) total += n;
  return total;
}

nlohmann::json LinkStats::to_json() const {
  nlohmann::json by_reason = nlohmann::json::object();
  for (int i = 0; i < reject_reason_count; ++i)
    by_reason[to_string(static_cast<RejectReason>(i))] = rejected[static_cast<std::size_t>(i)];
  return {{"commands",
           {{"accepted", commands_accepted},
            {"ok", replies_ok},
            {"refused", replies_refused},
            {"rejected", rejected_total()},
            {"rejected_by_reason", by_reason}}},
          {"link",
           {{"connects", connects},
            {"connection_losses", connection_losses},
            {"events", events_published},
            {"dropped_offline", dropped_offline},
            {"buffer_full", buffer_full},
            {"publish_errors", publish_errors},
            {"tcp_nodelay_sockets", tcp_nodelay_sockets}}}};
}

}  // namespace stillroom::room
