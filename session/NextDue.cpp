#include "session/NextDue.hpp"

#include "session/ClientSchedule.hpp"

namespace stillroom::session {

std::optional<Millis> next_due(const SessionState& s, Millis now, const config::Room& room) {
  if (!s.dose_clock) return std::nullopt;
  std::optional<Millis> soonest;
  const auto consider = [&](Millis at) {
    if (at > now && (!soonest || at < *soonest)) soonest = at;
  };
  if (s.live()) {
    for (const auto& p : s.plan.phases)
      if (p.index > s.phase_index && p.end > s.start_at) consider(p.start);
    for (const auto& n : s.plan.notices) consider(n.at);
    consider(s.plan.session_end);
  }
  if (s.status == SessionStatus::Running) {
    // The track in force changes where a segment starts, and where one ends inside another it overlapped.
    for (const auto& seg : s.plan.segments) {
      if (seg.silence) continue;
      consider(seg.start);
      consider(seg.end);
    }
  }
  if (s.status != SessionStatus::Ready) {
    for (const auto& cue : s.plan.lights)
      if (cue.at > now) {
        consider(cue.at);
        break;  // by time
      }
  }
  for (const auto& client : s.clients) {
    if (!client.dosed_at() || client.monitoring_over) continue;
    const auto schedule = client_schedule(s, client, room);
    for (const auto& cue : schedule.reminders) {
      if (client.acked.count(cue.id) > 0) continue;
      if (client.announced.count(cue.id) == 0) {
        consider(cue.due);
      } else if (cue.repeat && *cue.repeat > Millis{0}) {
        // Repeats fall at due + k·repeat, k ≥ 1: the first one after now.
        const auto k = now < cue.due ? 0 : (now - cue.due) / *cue.repeat;
        consider(cue.due + (k + 1) * *cue.repeat);
      }
    }
    consider(schedule.monitoring_end);
  }
  return soonest;
}

}  // namespace stillroom::session
