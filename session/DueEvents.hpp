// due_events: what the dose clock itself brings about at dose time `now` —
// phases reached, tracks started, reminders falling due for each client, the
// end of the music and each client's end of monitoring. Pure: the session
// calls it on every tick and applies (and records) what it returns, so a
// restart that finds time has passed catches up the same way.
#pragma once

#include "config/Library.hpp"
#include "session/Event.hpp"
#include "session/SessionState.hpp"

#include <vector>

namespace stillroom::session {

[[nodiscard]] std::vector<Event> due_events(const SessionState& state, Millis now, const config::Room& room);

}  // namespace stillroom::session
