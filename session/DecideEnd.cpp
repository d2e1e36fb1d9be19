// The commands that end things: stop, emergency (accepted in every state: full
// light at once, the session ends) and clear (back to an idle room).
#include "session/Decide.hpp"

namespace stillroom::session {

Decision decide_stop(const SessionState& state, const Command&, const DecideContext& context) {
  if (!state.live()) return Decision::refuse("no session is running (" + in_state(state) + ")");
  Decision d;
  d.events.emplace_back(SessionEnded{"stop", *dose_now(state, context.now)});
  d.what = "the stop";
  return d;
}

Decision decide_emergency(const SessionState& state, const Command&, const DecideContext& context) {
  const auto now = dose_now(state, context.now);
  Decision d;
  d.events.emplace_back(EmergencyRaised{now});
  if (state.live()) d.events.emplace_back(SessionEnded{"emergency", *now});
  d.what = "the emergency";
  return d;
}

Decision decide_clear(const SessionState& state, const Command&, const DecideContext&) {
  if (state.status == SessionStatus::Idle) return Decision::refuse("nothing to clear");
  if (state.live()) return Decision::refuse("the session is running: stop it first");
  Decision d;
  d.events.emplace_back(Cleared{});
  d.what = "the clear";
  return d;
}

}  // namespace stillroom::session
