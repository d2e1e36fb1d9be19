// next_due: the earliest dose time after `now` at which the session's tick has
// something to do — a phase or track beginning, a light cue, a reminder or its
// repeat, a "minutes left" notice, the end of the music or of a client's
// monitoring. What due_events, notices_between and the light cues would bring,
// read ahead: the main loop sleeps until then (or its idle tick) rather than
// waking four times a second to find nothing. Pure.
#pragma once

#include "config/Library.hpp"
#include "session/SessionState.hpp"

#include <optional>

namespace stillroom::session {

/** None when the session has no dose clock or nothing more is scheduled. */
[[nodiscard]] std::optional<Millis> next_due(const SessionState& state, Millis now, const config::Room& room);

}  // namespace stillroom::session
