// The commands that give doses: start (the first dose, T0 of the room's dose
// clock), dose (a group member's first dose, on their own clock) and booster.
// Each records only what a clinician entered or confirmed.
#include "session/Apply.hpp"
#include "session/ClientSchedule.hpp"
#include "session/Decide.hpp"

#include "playlists/PhaseTimeline.hpp"

#include <algorithm>

namespace stillroom::session {
namespace {

using namespace std::chrono_literals;

/** A dose given "now" may carry a time this far ahead of the room's clock (a tablet's clock runs fast);
 *  further ahead is a typo or a wrong clock, never a dose to record. */
constexpr Millis kFutureTolerance{1min};

Millis since(Instant at, Instant then) { return std::chrono::floor<Millis>(at - then); }

std::string in_the_future(const char* field, Instant at, Millis ahead) {
  return std::string(field) + " " + config::format_instant(at) + " is " + config::format_duration(ahead) +
         " ahead of this room's clock: a dose cannot be recorded before it is given (check the tablet's clock)";
}

std::string not_entered(const std::string& client) {
  return "no dose is entered for " + client + ": enter the amount (mg) on the tablet first";
}

}  // namespace

Decision decide_start(const SessionState& state, const Command& c, const DecideContext& context) {
  switch (state.status) {
    case SessionStatus::Ready: break;
    case SessionStatus::Idle: return Decision::refuse("nothing is preloaded: preload a client first");
    case SessionStatus::Running:
    case SessionStatus::Paused: return Decision::refuse("the session is already running");
    case SessionStatus::Ended:
    case SessionStatus::Aborted: return Decision::refuse("the session has ended: clear it, then preload the next");
  }
  if (state.protocol == nullptr || state.playlist == nullptr)
    return Decision::refuse("the session's protocol or playlist is no longer configured: preload again");
  const Instant wall = context.now.reading.wall;
  const Instant dose_at = c.given_at.value_or(wall);
  const Millis ahead = since(dose_at, wall);
  if (ahead > kFutureTolerance) return Decision::refuse(in_the_future("dose_at", dose_at, ahead));
  if (-ahead > state.protocol->monitoring_end)
    return Decision::refuse("dose_at " + config::format_instant(dose_at) + " is " + config::format_duration(-ahead) +
                            " ago, after the end of monitoring (" + config::format_duration(state.protocol->monitoring_end) + ")");

  std::vector<std::string> dosed = c.clients;
  if (dosed.empty())
    for (const auto& client : state.clients) dosed.push_back(client.id);
  const std::string& lead = state.clients.front().id;
  if (std::find(dosed.begin(), dosed.end(), lead) == dosed.end())
    return Decision::refuse("the music follows " + lead + "'s dose: start with " + lead + " among the clients dosed");
  for (const auto& id : dosed) {
    const auto* client = state.find_client(id);
    if (client == nullptr) return Decision::refuse("client '" + id + "' is not in this session");
    if (!client->entered) return Decision::refuse(not_entered(id));
  }
  // The dose clock is the wall clock: on a clock nobody synchronised, a person vouches for it before it counts.
  const bool synced = context.now.reading.synced;
  if (!synced && !c.clock_confirmed)
    return Decision::refuse("this room's clock is not synchronised (it reads " + config::format_instant(wall) +
                                "): check it against your device and confirm the time to start",
                            "clock_unsynced");
  if (!synced && !c.sent_at)
    return Decision::refuse("confirming the room's clock needs your device's time: send sent_at with clock_confirmed",
                            "clock_unsynced");

  Decision d;
  SessionStarted started;
  if (!synced) {
    started.clock_confirmed_by = c.device;
    started.confirmed_device_time = c.sent_at;
  }
  started.dose_at = dose_at;
  started.clients = dosed;
  started.protocol = state.protocol_id;
  started.route = state.route;
  started.playlist = state.playlist_id;
  // A dose given earlier starts the music where its clock is now; one given later leaves time to settle.
  started.start_at = DoseClock(dose_at, context.now.reading, context.now.boot_id).at(context.now.reading, context.now.boot_id);
  d.events.emplace_back(started);
  for (const auto& id : dosed) {
    const auto& entered = *state.find_client(id)->entered;
    d.events.emplace_back(DoseGiven{id, state.medication, state.route, entered.amount, entered.unit, entered.lot, dose_at,
                                    Millis{0}, false, entered.entered_by});
  }
  d.what = "the start";
  return d;
}

Decision decide_dose(const SessionState& state, const Command& c, const DecideContext& context) {
  if (!state.live()) return Decision::refuse("a dose is given in a running session (" + in_state(state) + "): start it first");
  std::string error;
  const ClientState* client = client_of(state, c, "dose", error);
  if (client == nullptr) return Decision::refuse(error);
  if (client->dosed_at()) return Decision::refuse(client->id + " has had their dose: a further dose is a booster");
  std::optional<EnteredDose> entry = client->entered;
  if (c.amount_mg) {
    if (auto why = dose_range_refusal(*c.amount_mg, state.protocol->dose, state.protocol->id, "dose"); !why.empty())
      return Decision::refuse(why);
    entry = EnteredDose{*c.amount_mg, "mg", c.lot, c.device, context.now.reading.wall};
  }
  if (!entry) return Decision::refuse(not_entered(client->id));
  if (c.lot) entry->lot = c.lot;

  const Instant wall = context.now.reading.wall;
  const Instant given_at = c.given_at.value_or(wall);
  if (since(given_at, wall) > kFutureTolerance)
    return Decision::refuse(in_the_future("given_at", given_at, since(given_at, wall)));
  const Millis at = *dose_now(state, context.now) - since(wall, given_at);
  if (at < Millis{0})
    return Decision::refuse("given_at " + config::format_instant(given_at) + " is before the session's first dose: " +
                            "a dose given with the first belongs in the start");
  Decision d;
  d.events.emplace_back(DoseGiven{client->id, state.medication, state.route, entry->amount, entry->unit, entry->lot,
                                  given_at, at, false, entry->entered_by});
  d.what = "the dose";
  return d;
}

Decision decide_booster(const SessionState& state, const Command& c, const DecideContext& context) {
  if (!state.live()) return Decision::refuse("a booster needs a running session (" + in_state(state) + ")");
  std::string error;
  const ClientState* client = client_of(state, c, "a booster", error);
  if (client == nullptr) return Decision::refuse(error);
  const auto dosed = client->dosed_at();
  if (!dosed) return Decision::refuse(client->id + " has not had their first dose");
  const auto& protocol = *state.protocol;
  if (auto why = dose_range_refusal(*c.amount_mg, protocol.booster_dose(), protocol.id, "booster"); !why.empty())
    return Decision::refuse(why);

  const Instant wall = context.now.reading.wall;
  const Instant given_at = c.given_at.value_or(wall);
  if (since(given_at, wall) > kFutureTolerance)
    return Decision::refuse(in_the_future("given_at", given_at, since(given_at, wall)));
  const Millis at = *dose_now(state, context.now) - std::max(since(wall, given_at), Millis{0});
  const auto schedule = client_schedule(state, *client, context.library.room);
  const auto why = plan::booster_refusal(protocol, at - *dosed, schedule.boosters, schedule.session_end - *dosed,
                                         plan::final_fade(protocol, context.library.room));
  if (!why.empty()) return Decision::refuse(why);

  Decision d;
  const DoseGiven dose{client->id, state.medication, state.route, *c.amount_mg, "mg", c.lot, given_at, at, true, c.device};
  d.events.emplace_back(dose);
  // What the booster does to the timeline, as it will be once applied.
  SessionState after = state;
  Happened given{dose, state.id, {c.device, c.role}, context.now, c.id};
  apply(after, given, context.library);
  const auto moved = client_schedule(after, *after.find_client(client->id), context.library.room);
  const char* rules[] = {"none", "record", "extend", "reanchor"};
  d.events.emplace_back(BoosterGiven{client->id, at, rules[static_cast<int>(protocol.booster.kind)],
                                     client == state.lead(), moved.session_end, moved.monitoring_end});
  d.what = "the booster";
  return d;
}

}  // namespace stillroom::session
