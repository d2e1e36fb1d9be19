#include "session/SessionState.hpp"

#include <algorithm>

namespace stillroom::session {

std::optional<Millis> ClientState::dosed_at() const noexcept {
  for (const auto& d : doses)
    if (!d.booster) return d.at_dose;
  return std::nullopt;
}

std::vector<Millis> ClientState::own_boosters() const {
  std::vector<Millis> out;
  const auto first = dosed_at();
  if (!first) return out;
  for (const auto& d : doses)
    if (d.booster) out.push_back(d.at_dose - *first);
  return out;
}

ClientState* SessionState::find_client(const std::string& client) noexcept {
  const auto it = std::find_if(clients.begin(), clients.end(), [&](const ClientState& c) { return c.id == client; });
  return it == clients.end() ? nullptr : &*it;
}

const ClientState* SessionState::find_client(const std::string& client) const noexcept {
  return const_cast<SessionState*>(this)->find_client(client);
}

std::string first_difference(const SessionState& a, const SessionState& b) {
#define STILLROOM_SAME(field) \
  if (!(a.field == b.field)) return #field;
  STILLROOM_SAME(status)
  STILLROOM_SAME(id)
  STILLROOM_SAME(protocol_id)
  STILLROOM_SAME(playlist_id)
  STILLROOM_SAME(route)
  STILLROOM_SAME(medication)
  STILLROOM_SAME(protocol)
  STILLROOM_SAME(playlist)
  STILLROOM_SAME(client_file)
  STILLROOM_SAME(session_number)
  STILLROOM_SAME(shuffle_seed)
  STILLROOM_SAME(durations)
  STILLROOM_SAME(clients)
  STILLROOM_SAME(volume_db)
  STILLROOM_SAME(talk)
  STILLROOM_SAME(emergency)
  STILLROOM_SAME(dose_clock.has_value())
  if (a.dose_clock && a.dose_clock->dose_at() != b.dose_clock->dose_at()) return "dose_clock.dose_at";
  STILLROOM_SAME(start_at)
  STILLROOM_SAME(plan_events)
  STILLROOM_SAME(plan)
  STILLROOM_SAME(phase_index)
  STILLROOM_SAME(track)
  STILLROOM_SAME(signature)
  STILLROOM_SAME(addenda)
#undef STILLROOM_SAME
  return {};
}

}  // namespace stillroom::session
