// The clinical commands during a session: acknowledging a reminder and
// entering vitals, each for one client (the only one, or the one named).
#include "session/ClientSchedule.hpp"
#include "session/Decide.hpp"

namespace stillroom::session {

Decision decide_ack(const SessionState& state, const Command& c, const DecideContext& context) {
  const auto now = dose_now(state, context.now);
  if (!now) return Decision::refuse("no session has started (" + in_state(state) + ")");
  std::string error;
  const ClientState* client = client_of(state, c, "ack", error);
  if (client == nullptr) return Decision::refuse(error);
  const auto& protocol = *state.protocol;
  bool known = false;
  std::string ids;
  for (const auto& r : protocol.reminders) {
    known = known || r.id == c.reminder;
    ids += (ids.empty() ? "" : ", ") + r.id;
  }
  if (!known)
    return Decision::refuse("protocol '" + protocol.id + "' has no reminder '" + c.reminder + "' (reminders: " +
                            (ids.empty() ? std::string("none") : ids) + ")");
  if (!client->dosed_at()) return Decision::refuse(client->id + " has not had their dose: no reminder of theirs is due");
  if (client->acked.count(c.reminder) > 0)
    return Decision::refuse("reminder '" + c.reminder + "' is already acknowledged" +
                            (state.group() ? " for " + client->id : std::string()));
  const auto schedule = client_schedule(state, *client, context.library.room);
  const auto* cue = find_reminder(schedule, c.reminder);
  if (cue == nullptr || cue->due > *now)
    return Decision::refuse("reminder '" + c.reminder + "' is not due until " +
                            (cue ? config::format_clock(cue->due) : std::string("later")));
  Decision d;
  d.events.emplace_back(ReminderAcked{c.reminder, client->id, *now - cue->due});
  d.what = "the acknowledgement";
  return d;
}

Decision decide_vitals(const SessionState& state, const Command& c, const DecideContext& context) {
  if (state.id.empty()) return Decision::refuse("no session: vitals are recorded for a preloaded or running session");
  std::string error;
  const ClientState* client = client_of(state, c, "vitals", error);
  if (client == nullptr) return Decision::refuse(error);
  VitalsTaken v;
  v.client = client->id;
  v.at_dose = dose_now(state, context.now);
  v.bp_sys = c.vitals.bp_sys;
  v.bp_dia = c.vitals.bp_dia;
  if (c.vitals.hr) v.hr = *c.vitals.hr;
  if (c.vitals.spo2) v.spo2 = *c.vitals.spo2;
  Decision d;
  d.events.emplace_back(v);
  d.what = "the vitals";
  return d;
}

}  // namespace stillroom::session
