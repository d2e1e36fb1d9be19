#include "session/Apply.hpp"

#include "session/ClientSchedule.hpp"

#include <algorithm>

namespace stillroom::session {
namespace {

using Kind = plan::SessionEvent::Kind;

/** Adds what a person did to the plan's inputs, in time order, and recomputes the plan. */
void add_plan_event(SessionState& s, const config::Library& library, Kind kind, Millis at, double volume_db = 0.0) {
  s.plan_events.push_back({kind, std::max(at, s.start_at), volume_db});
  std::stable_sort(s.plan_events.begin(), s.plan_events.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  replan(s, library);
}

/** An idle room, keeping what belongs to the room rather than the session. */
void reset(SessionState& s, const config::Library& library) {
  s = SessionState{};
  s.volume_db = library.room.audio.default_volume_db;
}

struct Applier {
  SessionState& s;
  const Happened& h;
  const config::Library& library;

  void operator()(const SessionPreloaded& e) {
    reset(s, library);
    s.status = SessionStatus::Ready;
    s.id = h.session;
    s.protocol_id = e.protocol;
    s.playlist_id = e.playlist;
    s.route = e.route;
    s.medication = e.medication;
    s.protocol = library.protocol(e.protocol);
    s.playlist = library.playlist(e.playlist);
    s.client_file = e.clients.empty() ? nullptr : library.client(e.clients.front());
    s.session_number = e.session_number;
    s.shuffle_seed = static_cast<std::uint64_t>(e.shuffle_seed);
    for (const auto& [file, ms] : e.durations_ms) s.durations[file] = Millis{ms};
    for (const auto& id : e.clients) {
      ClientState c;
      c.id = id;
      s.clients.push_back(std::move(c));
    }
    s.volume_db = e.volume_db;
    if (s.protocol != nullptr && !s.protocol->phases.empty()) s.start_at = s.protocol->phases.front().start;
    replan(s, library);
  }

  void operator()(const DoseEntered& e) {
    if (auto* c = s.find_client(e.client)) c->entered = EnteredDose{e.amount, e.unit, e.lot, h.actor.device, h.at.reading.wall};
  }

  void operator()(const SessionStarted& e) {
    s.status = SessionStatus::Running;
    s.dose_clock = DoseClock(e.dose_at, h.at.reading, h.at.boot_id);
    s.start_at = e.start_at;
    s.plan_events.clear();
    // The volume chosen while ready holds from the first sample of music.
    if (s.volume_db != library.room.audio.default_volume_db) s.plan_events.push_back({Kind::Volume, s.start_at, s.volume_db});
    s.phase_index = -1;
    s.track = 0;
    replan(s, library);
  }

  void operator()(const DoseGiven& e) {
    auto* c = s.find_client(e.client);
    if (c == nullptr) return;
    c->doses.push_back({e.amount, e.unit, e.lot, e.given_at, e.at_dose, e.booster, e.entered_by, h.actor.device});
    if (!e.booster) c->entered.reset();
  }

  void operator()(const BoosterGiven& e) {
    if (e.moves_music) add_plan_event(s, library, Kind::Booster, e.at_dose);
    // A reminder that the booster moved into the future is due again at its new time.
    if (auto* c = s.find_client(e.client)) {
      const auto schedule = client_schedule(s, *c, library.room);
      for (const auto& cue : schedule.reminders)
        if (cue.due > e.at_dose && c->acked.count(cue.id) == 0) c->announced.erase(cue.id);
    }
  }

  void operator()(const PhaseChanged& e) { s.phase_index = std::max(s.phase_index, static_cast<int>(e.index)); }
  void operator()(const TrackChanged& e) { s.track = static_cast<std::uint64_t>(e.segment); }

  void operator()(const Paused& e) {
    s.status = SessionStatus::Paused;
    add_plan_event(s, library, Kind::Pause, e.at_dose);
  }
  void operator()(const Resumed& e) {
    s.status = SessionStatus::Running;
    add_plan_event(s, library, Kind::Resume, e.at_dose);
  }
  void operator()(const TalkChanged& e) {
    s.talk = e.on;
    add_plan_event(s, library, e.on ? Kind::TalkOn : Kind::TalkOff, e.at_dose);
  }
  void operator()(const VolumeChanged& e) {
    s.volume_db = e.db;
    if (e.at_dose && s.dose_clock) add_plan_event(s, library, Kind::Volume, *e.at_dose, e.db);
  }
  void operator()(const Skipped& e) { add_plan_event(s, library, Kind::Skip, e.at_dose); }
  void operator()(const Alternated& e) { add_plan_event(s, library, Kind::Alternate, e.at_dose); }

  void operator()(const ReminderDue& e) {
    if (auto* c = s.find_client(e.client)) c->announced.insert(e.reminder);
  }
  void operator()(const ReminderAcked& e) {
    if (auto* c = s.find_client(e.client)) c->acked[e.reminder] = e.after;
  }
  void operator()(const VitalsTaken& e) {
    if (auto* c = s.find_client(e.client))
      c->vitals.push_back({h.at.reading.wall, e.at_dose, e.bp_sys, e.bp_dia, e.hr, e.spo2, h.actor.device});
  }

  void operator()(const Observed& e) {
    if (auto* c = s.find_client(e.client))
      c->observations.push_back({h.at.reading.wall, e.at_dose, e.moaa_s, e.dissociation, e.dissociation_features, e.cadss,
                                 e.respiratory, e.by, h.actor.device});
  }
  void operator()(const ReadyToLeave& e) {
    if (auto* c = s.find_client(e.client)) c->ready_to_leave = CareMark{e.at, e.at_dose, e.by, h.actor.device};
  }
  void operator()(const Discharged& e) {
    if (auto* c = s.find_client(e.client)) {
      c->discharged = CareMark{e.at, e.at_dose, e.by, h.actor.device};
      c->monitoring_over = true;
    }
  }
  void operator()(const Signed& e) {
    s.signature = SignatureEntry{e.meaning, e.by, h.actor.device, e.content_hash, e.at, e.covers_seq};
  }
  void operator()(const Addendum& e) {
    s.addenda.push_back({e.text, e.section, e.by, h.actor.device, e.client, h.at.reading.wall});
  }

  void operator()(const EmergencyRaised& e) {
    s.emergency = true;
    s.checking.reset();
    if (s.live() && e.at_dose) add_plan_event(s, library, Kind::Emergency, *e.at_dose);
    s.status = SessionStatus::Aborted;
  }

  void operator()(const SessionEnded& e) {
    if (e.reason == "stop") add_plan_event(s, library, Kind::Stop, e.at_dose);
    s.status = e.reason == "emergency" ? SessionStatus::Aborted : SessionStatus::Ended;
  }

  void operator()(const MonitoringEnded& e) {
    if (auto* c = s.find_client(e.client)) c->monitoring_over = true;
  }

  void operator()(const Cleared&) { reset(s, library); }

  void operator()(const PreloadChecking& e) { s.checking = e; }
  void operator()(const PreloadDropped& e) {
    if (s.checking && s.checking->command_id == e.command_id) s.checking.reset();
  }

  // Room-level or the record's own: nothing in the session changes.
  void operator()(const FaultRaised&) {}
  void operator()(const FaultCleared&) {}
  void operator()(const CommandRefused&) {}
  void operator()(const Recovered&) {}
  void operator()(const CheckpointTaken&) {}
  void operator()(const ClockStepped&) {}
  void operator()(const RecordReplaced&) {}
};

}  // namespace

void replan(SessionState& s, const config::Library& library) {
  ++s.plan_version;
  if (s.protocol == nullptr || s.playlist == nullptr) {
    s.plan = {};
    return;
  }
  s.plan = plan::make_plan(
      {&library.room, s.protocol, s.playlist, s.client_file, s.start_at, s.plan_events, s.shuffle_seed, s.durations});
}

void apply(SessionState& state, const Happened& happened, const config::Library& library) {
  std::visit(Applier{state, happened, library}, happened.event);
}

SessionState replay(const std::vector<Happened>& events, const config::Library& library) {
  SessionState state;
  reset(state, library);
  for (const auto& e : events) apply(state, e, library);
  return state;
}

SessionState replay_past(const std::vector<Happened>& events, const config::Library& library) {
  SessionState state;
  reset(state, library);
  for (const auto& e : events)
    if (!std::holds_alternative<Cleared>(e.event)) apply(state, e, library);
  return state;
}

}  // namespace stillroom::session
