// The after-care commands: observations of a client (sedation, dissociation,
// breathing), when a client could have left, their discharge, and the
// clinician's signature over the session's summary and any addendum after it.
// They are decided on the session as it is now, or on a past session as its
// record replays it (the daemon chooses which).
#include "session/ClientSchedule.hpp"
#include "session/Decide.hpp"

namespace stillroom::session {
namespace {

using namespace std::chrono_literals;

/** A time a clinician gives ("ready at 10:40") may run this far ahead of the room's clock (a tablet's clock). */
constexpr Millis kFutureTolerance{1min};

std::string when(Instant at) { return config::format_instant(at); }

/** The first dose a client was given, or null. */
const GivenDose* first_dose(const ClientState& client) {
  for (const auto& d : client.doses)
    if (!d.booster) return &d;
  return nullptr;
}

/** "" when `at` (the time a clinician gave for `what`) can be: after the client's dose and not ahead of the room's clock. */
std::string time_refusal(const ClientState& client, Instant at, const Stamp& now, const char* what) {
  if (at - now.reading.wall > kFutureTolerance)
    return std::string(what) + " at " + when(at) + " is ahead of this room's clock (" + when(now.reading.wall) +
           "): it cannot be recorded before it happens";
  const auto* dose = first_dose(client);
  if (dose != nullptr && at < dose->given_at)
    return std::string(what) + " at " + when(at) + " is before " + client.id + "'s dose (" + when(dose->given_at) + ")";
  return {};
}

/** The dose time of `at`, when the session's dose clock runs. */
std::optional<Millis> dose_time(const SessionState& state, Instant at, const Stamp& now) {
  const auto dose_now_ms = dose_now(state, now);
  if (!dose_now_ms) return std::nullopt;
  return *dose_now_ms - std::chrono::floor<Millis>(now.reading.wall - at);
}

std::string session_words(const SessionState& state) { return "session " + state.id; }

}  // namespace

std::string signed_refusal(const SessionState& state) {
  if (!state.signature) return {};
  const auto& s = *state.signature;
  return session_words(state) + " is signed (" + s.meaning + " by " + s.by + " at " + when(s.at) +
         "): a signed session is not edited; a correction is an addendum";
}

Decision decide_observe(const SessionState& state, const Command& c, const DecideContext& context) {
  if (state.id.empty()) return Decision::refuse("no session: observations are recorded for a preloaded or later session");
  std::string error;
  const ClientState* client = client_of(state, c, "observe", error);
  if (client == nullptr) return Decision::refuse(error);
  if (client->discharged)
    return Decision::refuse(client->id + " was discharged at " + when(client->discharged->at) + ": observations end there");
  const auto& o = c.observation;
  Observed e;
  e.client = client->id;
  e.at_dose = dose_now(state, context.now);
  if (o.moaa_s) e.moaa_s = *o.moaa_s;
  e.dissociation = o.dissociation;
  e.dissociation_features = o.dissociation_features;
  if (o.cadss) e.cadss = *o.cadss;
  e.respiratory = o.respiratory;
  e.by = c.by;
  if (auto problem = Observed::check(e); !problem.empty()) return Decision::refuse(problem);
  Decision d;
  d.events.emplace_back(std::move(e));
  d.what = "the observation";
  return d;
}

Decision decide_ready_to_leave(const SessionState& state, const Command& c, const DecideContext& context) {
  if (state.id.empty()) return Decision::refuse("no session: ready to leave belongs to a session");
  std::string error;
  const ClientState* client = client_of(state, c, "ready_to_leave", error);
  if (client == nullptr) return Decision::refuse(error);
  if (!client->dosed_at()) return Decision::refuse(client->id + " has not had their dose: ready to leave is judged after it");
  if (client->ready_to_leave)
    return Decision::refuse("ready to leave is already recorded for " + client->id + " (" + when(client->ready_to_leave->at) +
                            ", by " + client->ready_to_leave->by + ")");
  const Instant at = c.at.value_or(context.now.reading.wall);
  if (auto problem = time_refusal(*client, at, context.now, "ready to leave"); !problem.empty())
    return Decision::refuse(problem);
  Decision d;
  d.events.emplace_back(ReadyToLeave{client->id, at, dose_time(state, at, context.now), c.by});
  d.what = "ready to leave";
  return d;
}

Decision decide_discharge(const SessionState& state, const Command& c, const DecideContext& context) {
  if (state.id.empty()) return Decision::refuse("no session: a discharge belongs to a session");
  std::string error;
  const ClientState* client = client_of(state, c, "discharge", error);
  if (client == nullptr) return Decision::refuse(error);
  if (!client->dosed_at()) return Decision::refuse(client->id + " has not had their dose: there is nothing to discharge them from");
  if (client->discharged)
    return Decision::refuse(client->id + " is already discharged (" + when(client->discharged->at) + ", by " +
                            client->discharged->by + ")");
  // The protocol's monitoring is the minimum (REMS: two hours); after an emergency care may be handed over at once.
  if (!client->monitoring_over && state.status != SessionStatus::Aborted) {
    const auto schedule = client_schedule(state, *client, context.library.room);
    const auto now = dose_now(state, context.now);
    return Decision::refuse(client->id + " is monitored until " + config::format_clock(schedule.monitoring_end) +
                            " on the dose clock (now " + (now ? config::format_clock(*now) : std::string("-")) +
                            "): discharge once monitoring is over (ready to leave can be recorded now)");
  }
  const Instant at = c.at.value_or(context.now.reading.wall);
  if (auto problem = time_refusal(*client, at, context.now, "discharge"); !problem.empty()) return Decision::refuse(problem);
  Decision d;
  d.events.emplace_back(Discharged{client->id, at, dose_time(state, at, context.now), c.by});
  d.what = "the discharge";
  return d;
}

std::string unfinished_refusal(const SessionState& state, const config::Room& room) {
  if (state.status != SessionStatus::Ended && state.status != SessionStatus::Aborted)
    return session_words(state) + " has not finished (" + in_state(state) +
           "): it is signed once it has ended and every client's monitoring is over or they are discharged";
  for (const auto& client : state.clients) {
    if (!client.dosed_at() || client.monitoring_over) continue;
    const auto schedule = client_schedule(state, client, room);
    return client.id + " is still monitored (until " + config::format_clock(schedule.monitoring_end) +
           " on the dose clock) and not discharged: sign once their monitoring is over or they are discharged";
  }
  if (state.status != SessionStatus::Aborted)
    for (const auto& client : state.clients)
      if (client.dosed_at() && !client.ready_to_leave)
        return "the monitoring form needs " + client.id + "'s ready-to-leave time before it is signed";
  return {};
}

Decision decide_sign(const SessionState& state, const Command& c, const DecideContext& context) {
  if (state.id.empty()) return Decision::refuse("no session to sign");
  if (state.signature) {
    const auto& s = *state.signature;
    return Decision::refuse(session_words(state) + " is already signed (" + s.meaning + " by " + s.by + " at " +
                            when(s.at) + "): a session is signed once; a correction is an addendum");
  }
  if (auto problem = unfinished_refusal(state, context.library.room); !problem.empty()) return Decision::refuse(problem);
  if (context.content == nullptr) return Decision::refuse("the session's summary could not be read from the record: not signed");
  Decision d;
  d.events.emplace_back(Signed{c.meaning, c.by, context.now.reading.wall, context.content->content_hash,
                               context.content->covers_seq, context.content->covers_hash});
  d.what = "the signature";
  return d;
}

Decision decide_addendum(const SessionState& state, const Command& c, const DecideContext&) {
  if (state.id.empty()) return Decision::refuse("no session: an addendum belongs to a signed session");
  if (!state.signature)
    return Decision::refuse(session_words(state) +
                            " is not signed: enter the change itself (observe, vitals, ready_to_leave, ...); an addendum "
                            "corrects a signed session");
  if (!c.client.empty() && state.find_client(c.client) == nullptr) {
    std::string error;
    (void)client_of(state, c, "addendum", error);
    return Decision::refuse(error);
  }
  Decision d;
  d.events.emplace_back(Addendum{c.text, c.section, c.client.empty() ? std::nullopt : std::optional(c.client), c.by});
  d.what = "the addendum";
  return d;
}

}  // namespace stillroom::session
