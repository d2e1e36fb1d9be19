#include "session/DueEvents.hpp"

#include "session/ClientSchedule.hpp"

#include <algorithm>

namespace stillroom::session {

std::vector<Event> due_events(const SessionState& s, Millis now, const config::Room& room) {
  std::vector<Event> out;
  if (!s.dose_clock) return out;

  if (s.live()) {
    const auto* phase = s.plan.phase_at(now);
    const int index = phase ? phase->index : -1;
    // Every boundary crossed since the last one recorded, each at its own dose time.
    for (int i = std::max(s.phase_index + 1, 0); i <= index; ++i) {
      const auto& p = s.plan.phases[static_cast<std::size_t>(i)];
      if (p.end <= s.start_at) continue;
      out.emplace_back(PhaseChanged{p.name, i, std::max(p.start, s.start_at), p.end});
    }
  }
  if (s.status == SessionStatus::Running) {
    const auto* seg = s.plan.segment_at(now);
    if (seg != nullptr && !seg->silence && seg->id != s.track && seg->start <= now)
      out.emplace_back(TrackChanged{seg->title, seg->artist, seg->file, seg->phase, static_cast<std::int64_t>(seg->id),
                                    seg->start});
  }
  for (const auto& client : s.clients) {
    if (!client.dosed_at() || client.monitoring_over) continue;
    const auto schedule = client_schedule(s, client, room);
    for (const auto& cue : schedule.reminders)
      if (cue.due <= now && client.announced.count(cue.id) == 0 && client.acked.count(cue.id) == 0)
        out.emplace_back(ReminderDue{cue.id, client.id, cue.text, cue.due});
  }
  if (s.live() && now >= s.plan.session_end) out.emplace_back(SessionEnded{"protocol_end", s.plan.session_end});
  for (const auto& client : s.clients) {
    if (!client.dosed_at() || client.monitoring_over) continue;
    const auto schedule = client_schedule(s, client, room);
    if (now >= schedule.monitoring_end) out.emplace_back(MonitoringEnded{client.id, schedule.monitoring_end});
  }
  return out;
}

}  // namespace stillroom::session
