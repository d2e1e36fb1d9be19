// Projection: what the room tells whom, computed from the session as it is now
// — the public `state` and `plan`, and the clinicians' `clinical/session`
// summary. Nothing here is remembered between calls, so nothing can lag the
// session (a booster's new phase end shows at once). Pure.
#pragma once

#include "config/Library.hpp"
#include "session/FaultBoard.hpp"
#include "session/RoomState.hpp"
#include "session/SessionState.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace stillroom::session {

/** Every reminder of every dosed client still being monitored, due ones first, then by time. */
[[nodiscard]] std::vector<ReminderInfo> reminders_of(const SessionState& state, Millis now, const config::Room& room);

/** The public state at dose time `now` (nullopt before the dose clock runs). */
[[nodiscard]] RoomState room_state(const SessionState& state, std::optional<Millis> now, const config::Room& room);

/** The `plan` topic: phases, each client's reminders and dose offset, on the room's dose clock; {} without a session. */
[[nodiscard]] nlohmann::json plan_json(const SessionState& state, const config::Room& room);

/** The `clinical/session` topic: doses entered and given, vitals, per client; {} without a session. */
[[nodiscard]] nlohmann::json clinical_session_json(const SessionState& state);

}  // namespace stillroom::session
