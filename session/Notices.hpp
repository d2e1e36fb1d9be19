// notices_between: the therapist's signals that are not events of the record —
// a reminder repeated while nobody acknowledges it, "N minutes left" — for the
// stretch of dose time (from, to]. A function of the session and the two
// times only, so a restart simply carries on from its own first tick. Pure.
#pragma once

#include "config/Library.hpp"
#include "session/SessionState.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace stillroom::session {

/** {"type": "reminder_repeat", ...} and {"type": "minutes_left", ...}, in time order. */
[[nodiscard]] std::vector<nlohmann::json> notices_between(const SessionState& state, Millis from, Millis to,
                                                          const config::Room& room);

}  // namespace stillroom::session
