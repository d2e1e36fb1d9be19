#include "session/ClientSchedule.hpp"

#include "playlists/PhaseTimeline.hpp"

#include <algorithm>

namespace stillroom::session {

ClientSchedule client_schedule(const SessionState& state, const ClientState& client, const config::Room& room) {
  ClientSchedule out;
  const auto dosed = client.dosed_at();
  if (!dosed || state.protocol == nullptr) return out;
  const Millis offset = *dosed;
  const auto timeline = plan::phase_timeline(*state.protocol, client.own_boosters(), plan::final_fade(*state.protocol, room));
  // The lead's music may have started before (settle) or after its dose; everyone else starts at their dose.
  const Millis start = &client == state.lead() ? state.start_at - offset : Millis{0};
  out.reminders = plan::reminder_cues(*state.protocol, timeline.session_end, timeline.monitoring_end, start);
  for (auto& cue : out.reminders) cue.due += offset;
  out.session_end = timeline.session_end + offset;
  out.monitoring_end = timeline.monitoring_end + offset;
  out.boosters = static_cast<int>(timeline.accepted_boosters.size());
  return out;
}

const plan::ReminderCue* find_reminder(const ClientSchedule& schedule, const std::string& id) {
  const auto it = std::find_if(schedule.reminders.begin(), schedule.reminders.end(),
                               [&](const plan::ReminderCue& c) { return c.id == id; });
  return it == schedule.reminders.end() ? nullptr : &*it;
}

}  // namespace stillroom::session
