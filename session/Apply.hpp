// apply: the one transition of a session — state' = apply(state, event). The
// live session applies the events its decisions produce; a restart applies the
// record's events in order, through this same function, and so arrives at the
// state that wrote them. Pure: no clock, no I/O (times come with the events).
#pragma once

#include "config/Library.hpp"
#include "session/Happened.hpp"
#include "session/SessionState.hpp"

namespace stillroom::session {

/** Applies one event. Events that do not concern the session (faults, refusals, the record's own) change nothing. */
void apply(SessionState& state, const Happened& happened, const config::Library& library);

/** The state after `events`, from an idle room. */
[[nodiscard]] SessionState replay(const std::vector<Happened>& events, const config::Library& library);

/**
 * A session as it stood when the room was cleared for the next one, with what was entered for it afterwards:
 * its events applied in order, the `cleared` left out. The after-care of a past session is decided on this.
 */
[[nodiscard]] SessionState replay_past(const std::vector<Happened>& events, const config::Library& library);

/** Recomputes the plan from the state's inputs (apply does this when they change). */
void replan(SessionState& state, const config::Library& library);

}  // namespace stillroom::session
