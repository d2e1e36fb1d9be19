#include "session/Notices.hpp"

#include "session/ClientSchedule.hpp"

namespace stillroom::session {

std::vector<nlohmann::json> notices_between(const SessionState& s, Millis from, Millis to, const config::Room& room) {
  std::vector<nlohmann::json> out;
  if (!s.dose_clock || to <= from) return out;
  for (const auto& client : s.clients) {
    if (!client.dosed_at() || client.monitoring_over) continue;
    for (const auto& cue : client_schedule(s, client, room).reminders) {
      if (!cue.repeat || *cue.repeat <= Millis{0} || client.acked.count(cue.id) > 0 || client.announced.count(cue.id) == 0)
        continue;
      // Repeats fall at due + k·repeat (k ≥ 1); announce the latest one crossed, once.
      if (to <= cue.due) continue;
      const auto k = (to - cue.due) / *cue.repeat;
      const Millis at = cue.due + k * *cue.repeat;
      if (k >= 1 && at > from)
        out.push_back({{"type", "reminder_repeat"}, {"reminder", cue.id}, {"client", client.id}, {"text", cue.text},
                       {"due_dose_ms", cue.due.count()}, {"count", k + 1}});
    }
  }
  if (s.live()) {
    const nlohmann::json* latest = nullptr;
    nlohmann::json notice;
    for (const auto& n : s.plan.notices)
      if (n.at > from && n.at <= to) {
        notice = {{"type", "minutes_left"}, {"remaining_s", (s.plan.session_end - to).count() / 1000}};
        latest = &notice;
      }
    if (latest != nullptr) out.push_back(*latest);
  }
  return out;
}

}  // namespace stillroom::session
