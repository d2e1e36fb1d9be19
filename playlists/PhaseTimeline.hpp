// PhaseTimeline: where the protocol's phases, the session end and the end of
// monitoring fall on the dose clock once boosters have been applied. Pure.
//
// Only a booster moves a boundary, and only boundaries after the booster's time:
//  - record:   nothing moves;
//  - extend:   every boundary after B moves later by the rule's extend_by;
//  - reanchor: the phase containing B runs its full length again from B, so
//              every boundary after B moves later by (B - that phase's start).
// A booster outside the rule's window, beyond its maximum count, in a protocol
// without boosters, or once the music's final fade has begun changes nothing
// (the caller flags it): the final fade is never undone.
#pragma once

#include "config/Protocol.hpp"
#include "playlists/Plan.hpp"

#include <vector>

namespace stillroom::plan {

struct PhaseTimeline {
  std::vector<PhaseSpan> phases;
  Millis session_end{0};
  Millis monitoring_end{0};
  /** Boosters that moved or were recorded, by dose time. */
  std::vector<Millis> accepted_boosters;
  /** Boosters refused with the reason, by dose time. */
  std::vector<std::pair<Millis, std::string>> refused_boosters;
};

/**
 * Why a booster at `at` is not accepted after `accepted` earlier ones, while the
 * session (as moved by them) ends at `session_end` with a final fade of
 * `final_fade`; "" when it is accepted.
 */
[[nodiscard]] std::string booster_refusal(const config::Protocol& protocol, Millis at, int accepted,
                                          Millis session_end, Millis final_fade);

/** The length of the music's final fade in a room: the protocol's, at least the volume ramp. */
[[nodiscard]] Millis final_fade(const config::Protocol& protocol, const config::Room& room);

/**
 * Each of the protocol's reminders on a timeline that ends at `session_end`, with
 * monitoring ending at `monitoring_end`, by due time; a reminder whose time passed
 * before `start_at` (the session started late) is due at `start_at`.
 */
[[nodiscard]] std::vector<ReminderCue> reminder_cues(const config::Protocol& protocol, Millis session_end,
                                                     Millis monitoring_end, Millis start_at);

/** The timeline after applying `boosters` (dose times, ascending) under the protocol's rule. */
[[nodiscard]] PhaseTimeline phase_timeline(const config::Protocol& protocol, const std::vector<Millis>& boosters,
                                           Millis final_fade);

}  // namespace stillroom::plan
