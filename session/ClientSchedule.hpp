// ClientSchedule: where one client's reminders and end of monitoring fall on
// the room's dose clock. Each client of a group is monitored on their own
// clock — blood pressure 40 minutes after *their* dose — and their own boosters
// move only their own session and monitoring ends; the music follows the
// group's first client. Pure.
#pragma once

#include "session/SessionState.hpp"

#include <vector>

namespace stillroom::session {

struct ClientSchedule {
  /** Due times on the room's dose clock, by due time. */
  std::vector<plan::ReminderCue> reminders;
  /** The client's session and monitoring ends on the room's dose clock. */
  Millis session_end{0};
  Millis monitoring_end{0};
  /** Boosters the protocol accepted for this client. */
  int boosters = 0;
};

/** The schedule of a client who has been dosed (`client.dosed_at()` set) in a session with a protocol. */
[[nodiscard]] ClientSchedule client_schedule(const SessionState& state, const ClientState& client,
                                             const config::Room& room);

/** The reminder `id` in a schedule, or null. */
[[nodiscard]] const plan::ReminderCue* find_reminder(const ClientSchedule& schedule, const std::string& id);

}  // namespace stillroom::session
