#include "session/Session.hpp"

#include "record/RecordError.hpp"
#include "session/SessionChoice.hpp"
#include "playlists/PhaseTimeline.hpp"
#include "playlists/PlayOrder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace stillroom::session {
namespace {

using config::format_clock;
using config::format_instant;
using config::Millis;
using session::CommandKind;
using session::SessionStatus;
using Kind = plan::SessionEvent::Kind;

constexpr double kLowestVolumeDb = -60.0;
/** A dose time more than this before now, or a dose planned further ahead, is a typo. */
constexpr Millis kLatestFutureDose{2 * 3'600'000};

std::string db_text(double db) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f dB", db);
  return buf;
}

std::string segment_label(const plan::Segment* s) {
  if (s == nullptr) return {};
  if (s->silence) return "silence";
  if (!s->title.empty()) return s->title;
  const auto slash = s->file.find_last_of('/');
  return slash == std::string::npos ? s->file : s->file.substr(slash + 1);
}

nlohmann::json label_or_null(const plan::Segment* s) { return s ? nlohmann::json(segment_label(s)) : nlohmann::json(nullptr); }

const char* state_name(SessionStatus s) { return to_string(s); }

}  // namespace

Session::Session(const config::Library& library, Clock& clock, SessionOutput& out, std::string device)
    : library_(library), clock_(clock), out_(out), device_(std::move(device)) {}

// ---- recording --------------------------------------------------------------

RecordActor Session::actor(const session::Command& command) const { return {command.device, command.role}; }
RecordActor Session::system() const { return {device_, "system"}; }

bool Session::record(const std::string& type, const RecordActor& who, nlohmann::json payload, bool in_session) {
  const auto reading = clock_.now();
  // The time it happened travels with the event, so an event the record could
  // only take later still says when it happened.
  if (!payload.contains("at")) payload["at"] = format_instant(reading.wall);
  if (!command_id_.empty() && !payload.contains("command_id")) payload["command_id"] = command_id_;
  EventDraft draft{in_session ? id_ : std::string(), type, who, payload};

  nlohmann::json signal = payload;
  signal["type"] = type;
  if (!draft.session.empty()) signal["session"] = draft.session;
  signal["actor"] = who.device;
  out_.signal(signal);

  backlog_.push_back(std::move(draft));
  flush_backlog();
  return backlog_.empty();
}

void Session::flush_backlog() {
  const bool was_failing = faults_.active("record");
  while (!backlog_.empty()) {
    try {
      (void)out_.record(backlog_.front());
      backlog_.pop_front();
    } catch (const record::RecordError& error) {
      if (error.kind() == record::RecordError::Kind::InvalidEvent) {
        // A malformed event is a defect here, not a storage problem: it would block every later one.
        faults_.raise("record_event", backlog_.front().type, error.what(), clock_.now().wall);
        backlog_.pop_front();
        continue;
      }
      if (faults_.raise("record", "", error.what(), clock_.now().wall))
        out_.signal({{"type", "fault"}, {"code", "record"}, {"message", error.what()}, {"session", id_}});
      return;
    }
  }
  if (was_failing && faults_.clear("record")) {
    out_.signal({{"type", "fault_cleared"}, {"code", "record"}, {"session", id_}});
    // The outage itself goes into the record once the record works again.
    backlog_.push_back({std::string(), "fault_cleared", system(), {{"code", "record"}, {"at", format_instant(clock_.now().wall)}}});
    flush_backlog();
  }
}

session::Reply Session::refuse(const session::Command& command, const std::string& error) {
  record("command_refused", actor(command),
         {{"cmd", to_string(command.kind)}, {"id", command.id}, {"error", error}, {"state", state_name(status_)}},
         !id_.empty());
  return session::Reply::failure(error);
}

session::Reply Session::answer(const session::Command& command, bool recorded, const std::string& what) {
  (void)command;
  if (recorded) return session::Reply::success();
  // The room acted (music and lights are never the record's hostages) but the
  // therapist must not believe it is on file.
  return session::Reply::failure("not recorded (" + std::string(faults_.active("record") ? faults_.list().front().message : "record unavailable") +
                              "): " + what + " took effect and will be recorded when the record is back");
}

void Session::refused_by_link(const std::string& device, const std::string& role, const std::string& cmd,
                              const std::string& id, const std::string& error) {
  record("command_refused", {device.empty() ? std::string("unknown") : device, role.empty() ? std::string("none") : role},
         {{"cmd", cmd.empty() ? std::string("?") : cmd}, {"id", id.empty() ? nlohmann::json(nullptr) : nlohmann::json(id)},
          {"error", error}, {"by", "link"}},
         !id_.empty());
}

// ---- commands ---------------------------------------------------------------

Handled Session::handle(const session::Command& c) {
  command_id_ = c.id;
  Handled handled = handle_command(c);
  command_id_.clear();
  return handled;
}

Handled Session::handle_command(const session::Command& c) {
  if (preloading_ && c.kind != CommandKind::Emergency && c.kind != CommandKind::Vitals)
    return {refuse(c, "a preload is still checking the music: try again in a moment"), std::nullopt};
  switch (c.kind) {
    case CommandKind::Preload: return preload(c);
    case CommandKind::Start: return {start(c), std::nullopt};
    case CommandKind::Pause: return {music_event(c, Kind::Pause), std::nullopt};
    case CommandKind::Resume: return {music_event(c, Kind::Resume), std::nullopt};
    case CommandKind::Talk: return {music_event(c, c.on ? Kind::TalkOn : Kind::TalkOff), std::nullopt};
    case CommandKind::Volume: return {music_event(c, Kind::Volume), std::nullopt};
    case CommandKind::Skip: return {music_event(c, Kind::Skip), std::nullopt};
    case CommandKind::Alternate: return {music_event(c, Kind::Alternate), std::nullopt};
    case CommandKind::Booster: return {booster(c), std::nullopt};
    case CommandKind::Ack: return {ack(c), std::nullopt};
    case CommandKind::Vitals: return {vitals(c), std::nullopt};
    case CommandKind::Stop: return {stop(c), std::nullopt};
    case CommandKind::Emergency: return {emergency(c), std::nullopt};
    case CommandKind::Clear: return {clear(c), std::nullopt};
  }
  return {refuse(c, "unknown command"), std::nullopt};
}

Handled Session::preload(const session::Command& c) {
  if (status_ == SessionStatus::Running || status_ == SessionStatus::Paused)
    return {refuse(c, "a session is running: stop it before preloading another"), std::nullopt};
  if (status_ == SessionStatus::Ended || status_ == SessionStatus::Aborted)
    return {refuse(c, "the last session is not cleared yet: send clear first"), std::nullopt};

  std::vector<std::string> ids = c.clients;
  if (!c.client.empty() && std::find(ids.begin(), ids.end(), c.client) == ids.end()) ids.insert(ids.begin(), c.client);
  if (ids.empty()) return {refuse(c, "preload needs a client"), std::nullopt};
  for (const auto& id : ids)
    if (library_.client(id) == nullptr)
      return {refuse(c, "unknown client '" + id + "' (known: " + known_names(library_.clients) + ")"), std::nullopt};

  std::string error;
  const int number = out_.previous_sessions(ids.front()) + 1;
  const auto choice = choose_session(library_, ids.front(), c.protocol.value_or(""), c.playlist.value_or(""), number, error);
  if (!choice) return {refuse(c, error), std::nullopt};

  pending_ = Pending{};
  pending_->clients = ids;
  pending_->choice = *choice;
  pending_->number = number;
  pending_->dose_mg = c.dose_mg ? c.dose_mg : choice->dose_mg;
  const auto wall = clock_.now().wall;
  pending_->id = library_.room.id + "-" + format_instant(wall).substr(0, 19);
  std::replace(pending_->id.begin(), pending_->id.end(), ':', '-');
  // 63 bits: the record stores integers as signed.
  pending_->seed = plan::stable_hash(pending_->id) & 0x7fffffffffffffffULL;
  preloading_ = true;
  return {std::nullopt, PreflightJob{&library_, choice->protocol, choice->playlist, choice->client, pending_->seed}};
}

session::Reply Session::finish_preload(const session::Command& c, const PreflightResult& result) {
  preloading_ = false;
  if (!pending_) return refuse(c, "no preload was pending");
  const Pending p = *pending_;
  pending_.reset();
  if (!result.problems.empty()) {
    std::string list;
    for (const auto& problem : result.problems) list += (list.empty() ? "" : "; ") + problem;
    if (status_ == SessionStatus::Ready) {
      record("cleared", actor(c), {{"reason", "a new preload failed its checks"}});
      reset();
    }
    return refuse(c, "not ready: " + list);
  }
  if (status_ == SessionStatus::Ready) {
    record("cleared", actor(c), {{"reason", "replaced by a new preload"}});
    reset();
  }
  id_ = p.id;
  clients_.clear();
  for (const auto& id : p.clients) clients_.push_back({id, p.dose_mg});
  protocol_ = p.choice.protocol;
  playlist_ = p.choice.playlist;
  client_ = p.choice.client;
  session_number_ = p.number;
  shuffle_seed_ = p.seed;
  durations_ = result.durations;
  volume_db_ = std::min(library_.room.audio.default_volume_db, cap_db());
  status_ = SessionStatus::Ready;
  start_at_ = protocol_->phases.front().start;
  events_.clear();
  plan_ = plan::make_plan({&library_.room, protocol_, playlist_, client_, start_at_, {}, shuffle_seed_, durations_});

  nlohmann::json payload = {{"clients", p.clients},   {"protocol", protocol_->id},
                            {"route", protocol_->route}, {"playlist", playlist_->id},
                            {"session_number", p.number}, {"shuffle_seed", static_cast<std::int64_t>(p.seed)}};
  if (p.dose_mg) payload["dose_mg"] = *p.dose_mg;
  return answer(c, record("session_preloaded", actor(c), payload), "the preload");
}

session::Reply Session::start(const session::Command& c) {
  switch (status_) {
    case SessionStatus::Ready: break;
    case SessionStatus::Idle: return refuse(c, "nothing is preloaded: preload a client first");
    case SessionStatus::Running:
    case SessionStatus::Paused: return refuse(c, "the session is already running");
    case SessionStatus::Ended:
    case SessionStatus::Aborted: return refuse(c, "the session has ended: clear it, then preload the next");
  }
  const auto reading = clock_.now();
  const auto dose_at = c.dose_at.value_or(reading.wall);
  const auto ahead = std::chrono::duration_cast<Millis>(dose_at - reading.wall);
  if (ahead > kLatestFutureDose)
    return refuse(c, "dose_at " + format_instant(dose_at) + " is more than 2h ahead: check the clock or the time");
  if (-ahead > protocol_->monitoring_end)
    return refuse(c, "dose_at " + format_instant(dose_at) + " is " + config::format_duration(-ahead) +
                         " ago, after the end of monitoring (" + config::format_duration(protocol_->monitoring_end) + ")");

  dose_clock_ = DoseClock(dose_at, reading, clock_.boot_id());
  start_at_ = dose_clock_->at(reading, clock_.boot_id());
  events_.clear();
  if (volume_db_ != std::min(library_.room.audio.default_volume_db, cap_db()))
    events_.push_back({Kind::Volume, start_at_, volume_db_});
  status_ = SessionStatus::Running;
  phase_index_ = -1;
  track_ = 0;
  lights_applied_.clear();
  monitoring_over_ = false;
  boosters_ = 0;
  replan(start_at_);
  reminders_ = session::ReminderTracker(plan_.reminders, plan_.notices);

  std::vector<std::string> ids;
  for (const auto& d : clients_) ids.push_back(d.client);
  bool recorded = record("session_started", actor(c),
                         {{"dose_at", format_instant(dose_at)},
                          {"clients", ids},
                          {"protocol", protocol_->id},
                          {"route", protocol_->route},
                          {"playlist", playlist_->id},
                          {"start_at_dose_ms", start_at_.count()}});
  for (const auto& d : clients_) recorded = record("dose", actor(c), dose_payload(d, dose_at, false)) && recorded;
  tick();
  return answer(c, recorded, "the start");
}

session::Reply Session::music_event(const session::Command& c, Kind kind) {
  const bool running = status_ == SessionStatus::Running;
  const bool paused = status_ == SessionStatus::Paused;
  const char* name = to_string(c.kind);
  switch (kind) {
    case Kind::Pause:
      if (!running) return refuse(c, paused ? "already paused" : std::string("no music is running (state ") + state_name(status_) + ")");
      break;
    case Kind::Resume:
      if (!paused) return refuse(c, running ? "not paused" : std::string("no session to resume (state ") + state_name(status_) + ")");
      break;
    case Kind::Skip:
    case Kind::Alternate:
      if (!running) return refuse(c, std::string(name) + " needs running music (state " + state_name(status_) + ")");
      break;
    case Kind::TalkOn:
    case Kind::TalkOff:
      if (!running && !paused) return refuse(c, std::string("talk needs a running session (state ") + state_name(status_) + ")");
      if ((kind == Kind::TalkOn) == talk_) return refuse(c, std::string("talk is already ") + (talk_ ? "on" : "off"));
      break;
    case Kind::Volume:
      if (!running && !paused && status_ != SessionStatus::Ready)
        return refuse(c, std::string("volume needs a preloaded or running session (state ") + state_name(status_) + ")");
      if (c.db > cap_db())
        return refuse(c, "volume " + db_text(c.db) + " is above this room's maximum of " + db_text(cap_db()));
      if (c.db < kLowestVolumeDb) return refuse(c, "volume " + db_text(c.db) + " is below " + db_text(kLowestVolumeDb));
      if (status_ == SessionStatus::Ready) {
        volume_db_ = c.db;
        return answer(c, record("volume", actor(c), {{"db", c.db}}), "the volume");
      }
      break;
    default: break;
  }

  const Millis now = *dose_now();
  auto events = events_;
  events.push_back({kind, now, c.db});
  auto next = plan::make_plan({&library_.room, protocol_, playlist_, client_, start_at_, events, shuffle_seed_, durations_});
  // The plan knows whether the music can do it (nothing playing, no alternates...).
  for (const auto& flag : next.flags) {
    if (flag.kind != plan::Flag::Kind::EventIgnored || flag.at != now) continue;
    const bool old = std::any_of(plan_.flags.begin(), plan_.flags.end(),
                                 [&](const plan::Flag& f) { return f.message == flag.message; });
    if (!old) return refuse(c, flag.message);
  }
  const auto* before = plan_.segment_at(now);
  const std::string from = segment_label(before);
  const bool had_before = before != nullptr;
  events_ = std::move(events);
  plan_ = std::move(next);
  out_.play(plan_, now);
  const auto* after = plan_.segment_at(now);

  nlohmann::json payload = {{"at_dose_ms", now.count()}};
  std::string type;
  switch (kind) {
    case Kind::Pause: status_ = SessionStatus::Paused; type = "paused"; break;
    case Kind::Resume: status_ = SessionStatus::Running; type = "resumed"; break;
    case Kind::TalkOn:
    case Kind::TalkOff:
      talk_ = kind == Kind::TalkOn;
      type = "talk";
      payload["on"] = talk_;
      break;
    case Kind::Volume:
      volume_db_ = c.db;
      type = "volume";
      payload["db"] = c.db;
      break;
    case Kind::Skip:
    case Kind::Alternate:
      type = kind == Kind::Skip ? "skip" : "alternate";
      payload["from"] = had_before ? nlohmann::json(from) : nlohmann::json(nullptr);
      payload["to"] = label_or_null(after);
      break;
    default: break;
  }
  return answer(c, record(type, actor(c), payload), std::string("the ") + name);
}

session::Reply Session::booster(const session::Command& c) {
  if (status_ != SessionStatus::Running && status_ != SessionStatus::Paused)
    return refuse(c, std::string("a booster needs a running session (state ") + state_name(status_) + ")");
  const Millis now = *dose_now();
  const auto why = plan::booster_refusal(*protocol_, now, boosters_, plan_.session_end,
                                         plan::final_fade(*protocol_, library_.room));
  if (!why.empty()) return refuse(c, why);
  events_.push_back({Kind::Booster, now, 0.0});
  ++boosters_;
  replan(now);
  reminders_.replan(plan_.reminders, plan_.notices, now);

  const char* rules[] = {"none", "record", "extend", "reanchor"};
  nlohmann::json payload = {{"at_dose_ms", now.count()}, {"rule", rules[static_cast<int>(protocol_->booster.kind)]},
                            {"session_end_dose_ms", plan_.session_end.count()},
                            {"monitoring_end_dose_ms", plan_.monitoring_end.count()}};
  if (c.dose_mg) payload["dose_mg"] = *c.dose_mg;
  bool recorded = record("booster", actor(c), payload);
  const auto wall = clock_.now().wall;
  for (const auto& d : clients_) recorded = record("dose", actor(c), dose_payload({d.client, c.dose_mg}, wall, true)) && recorded;
  return answer(c, recorded, "the booster");
}

session::Reply Session::ack(const session::Command& c) {
  if (!dose_clock_) return refuse(c, std::string("no session has started (state ") + state_name(status_) + ")");
  const Millis now = *dose_now();
  const auto result = reminders_.ack(c.reminder, now);
  switch (result) {
    case session::AckResult::Acked: break;
    case session::AckResult::AlreadyAcked: return refuse(c, "reminder '" + c.reminder + "' is already acknowledged");
    case session::AckResult::NotYetDue: {
      std::string due;
      for (const auto& r : plan_.reminders)
        if (r.id == c.reminder) due = format_clock(r.due);
      return refuse(c, "reminder '" + c.reminder + "' is not due until " + due);
    }
    case session::AckResult::Unknown: {
      std::string ids;
      for (const auto& r : protocol_->reminders) ids += (ids.empty() ? "" : ", ") + r.id;
      return refuse(c, "protocol '" + protocol_->id + "' has no reminder '" + c.reminder + "' (reminders: " +
                           (ids.empty() ? std::string("none") : ids) + ")");
    }
  }
  Millis due = now;
  for (const auto& r : plan_.reminders)
    if (r.id == c.reminder) due = r.due;
  return answer(c, record("reminder_acked", actor(c), {{"reminder", c.reminder}, {"after_ms", (now - due).count()}}),
                "the acknowledgement");
}

session::Reply Session::vitals(const session::Command& c) {
  if (id_.empty()) return refuse(c, "no session: vitals are recorded for a preloaded or running session");
  nlohmann::json payload = {{"bp_sys", c.vitals.bp_sys}, {"bp_dia", c.vitals.bp_dia}};
  if (c.vitals.hr) payload["hr"] = *c.vitals.hr;
  if (c.vitals.spo2) payload["spo2"] = *c.vitals.spo2;
  if (clients_.size() == 1) payload["client"] = clients_.front().client;
  if (const auto now = dose_now()) payload["at_dose_ms"] = now->count();
  return answer(c, record("vitals", actor(c), payload), "the vitals");
}

session::Reply Session::stop(const session::Command& c) {
  if (status_ != SessionStatus::Running && status_ != SessionStatus::Paused)
    return refuse(c, std::string("no session is running (state ") + state_name(status_) + ")");
  const Millis now = *dose_now();
  events_.push_back({Kind::Stop, now, 0.0});
  replan(now);
  apply_lights(now, false);
  status_ = SessionStatus::Ended;
  return answer(c, record("session_ended", actor(c), {{"reason", "stop"}, {"at_dose_ms", now.count()}}), "the stop");
}

session::Reply Session::emergency(const session::Command& c) {
  bool recorded = true;
  if (status_ == SessionStatus::Running || status_ == SessionStatus::Paused) {
    const Millis now = *dose_now();
    events_.push_back({Kind::Emergency, now, 0.0});
    replan(now);
    apply_lights(now, false);
    recorded = record("emergency", actor(c), {{"at_dose_ms", now.count()}}) && recorded;
    recorded = record("session_ended", actor(c), {{"reason", "emergency"}, {"at_dose_ms", now.count()}}) && recorded;
  } else {
    // No music runs: the light must still come up at once.
    const plan::LightCue cue = scene_cue(plan::LightCue::Reason::Emergency, library_.room.lights.emergency_scene);
    out_.lights(cue);
    light_scene_ = cue.scene;
    out_.play({}, Millis{0});
    nlohmann::json payload = nlohmann::json::object();
    if (const auto now = dose_now()) payload["at_dose_ms"] = now->count();
    recorded = record("emergency", actor(c), payload, !id_.empty());
  }
  status_ = SessionStatus::Aborted;
  return answer(c, recorded, "the emergency");
}

plan::LightCue Session::scene_cue(plan::LightCue::Reason reason, const std::string& scene) const {
  plan::LightCue cue;
  cue.reason = reason;
  cue.scene = scene;
  if (const auto it = library_.room.lights.scenes.find(scene); it != library_.room.lights.scenes.end()) {
    cue.brightness_pct = it->second.brightness_pct;
    cue.color_temp_k = it->second.color_temp_k;
  }
  return cue;
}

session::Reply Session::clear(const session::Command& c) {
  switch (status_) {
    case SessionStatus::Idle: return refuse(c, "nothing to clear");
    case SessionStatus::Running:
    case SessionStatus::Paused: return refuse(c, "the session is running: stop it first");
    default: break;
  }
  const bool was_aborted = status_ == SessionStatus::Aborted;
  const bool recorded = record("cleared", actor(c), nlohmann::json::object(), !id_.empty());
  if (was_aborted || light_scene_ != library_.room.lights.normal_scene) {
    plan::LightCue cue = scene_cue(plan::LightCue::Reason::End, library_.room.lights.normal_scene);
    cue.fade = library_.room.lights.return_fade;
    out_.lights(cue);
    light_scene_ = cue.scene;
  }
  out_.play({}, Millis{0});
  reset();
  return answer(c, recorded, "the clear");
}

// ---- time -------------------------------------------------------------------

std::optional<Millis> Session::dose_now() const {
  if (!dose_clock_) return std::nullopt;
  return dose_clock_->at(clock_.now(), clock_.boot_id());
}

void Session::tick() {
  if (!backlog_.empty()) flush_backlog();
  if (!dose_clock_) return;
  const Millis now = *dose_now();
  const bool live = status_ == SessionStatus::Running || status_ == SessionStatus::Paused;

  if (live) {
    const auto* phase = plan_.phase_at(now);
    const int index = phase ? phase->index : -1;
    if (index > phase_index_) {
      // Every boundary crossed since the last tick, each at its own dose time.
      for (int i = std::max(phase_index_ + 1, 0); i <= index; ++i) {
        const auto& p = plan_.phases[static_cast<std::size_t>(i)];
        if (p.end <= start_at_) continue;
        record("phase_changed", system(),
               {{"phase", p.name}, {"index", i}, {"at_dose_ms", std::max(p.start, start_at_).count()},
                {"ends_at_dose_ms", p.end.count()}});
      }
      phase_index_ = index;
    }
  }
  apply_lights(now, false);

  if (status_ == SessionStatus::Running) {
    const auto* seg = plan_.segment_at(now);
    if (seg != nullptr && seg->id != track_ && seg->start <= now) {
      track_ = seg->id;
      if (!seg->silence)
        record("track_changed", system(),
               {{"title", seg->title}, {"artist", seg->artist}, {"file", seg->file}, {"phase", seg->phase},
                {"at_dose_ms", seg->start.count()}});
    }
  }

  if (!monitoring_over_) {
    for (const auto& s : reminders_.tick(now)) {
      if (s.kind == session::ReminderSignal::Kind::Due) {
        record("reminder_due", system(), {{"reminder", s.id}, {"text", s.text}, {"due_dose_ms", s.due.count()}});
      } else if (s.kind == session::ReminderSignal::Kind::Repeat) {
        out_.signal({{"type", "reminder_due"}, {"reminder", s.id}, {"text", s.text}, {"due_dose_ms", s.due.count()},
                     {"count", s.count}, {"session", id_}});
      } else {
        out_.signal({{"type", "minutes_left"}, {"remaining_s", s.remaining.count() / 1000}, {"session", id_}});
      }
    }
  }

  if (live && now >= plan_.session_end) end_session("protocol_end", plan_.session_end);
  if (!monitoring_over_ && status_ != SessionStatus::Ready && now >= plan_.monitoring_end) {
    monitoring_over_ = true;
    record("monitoring_ended", system(), {{"at_dose_ms", plan_.monitoring_end.count()}});
  }
}

void Session::end_session(const std::string& reason, Millis at) {
  status_ = SessionStatus::Ended;
  record("session_ended", system(), {{"reason", reason}, {"at_dose_ms", at.count()}});
}

void Session::replan(Millis now) {
  plan_ = plan::make_plan({&library_.room, protocol_, playlist_, client_, start_at_, events_, shuffle_seed_, durations_});
  out_.play(plan_, now);
}

void Session::apply_lights(Millis now, bool only_latest) {
  std::vector<const plan::LightCue*> due;
  for (const auto& cue : plan_.lights) {
    if (cue.at > now) break;
    if (lights_applied_.emplace(cue.at.count(), static_cast<int>(cue.reason), cue.scene).second) due.push_back(&cue);
  }
  if (due.empty()) return;
  if (only_latest) due.erase(due.begin(), due.end() - 1);
  for (const auto* cue : due) {
    out_.lights(*cue);
    light_scene_ = cue->scene;
  }
}

// ---- faults -----------------------------------------------------------------

void Session::fault(const std::string& code, const std::string& subject, const std::string& message, bool active) {
  const auto wall = clock_.now().wall;
  if (active) {
    if (faults_.raise(code, subject, message, wall))
      record("fault", system(), {{"code", code}, {"subject", subject}, {"message", message}}, !id_.empty());
  } else if (faults_.clear(code, subject)) {
    record("fault_cleared", system(), {{"code", code}, {"subject", subject}}, !id_.empty());
  }
}

void Session::audio_file_failed(std::uint64_t segment, const std::string& file, const std::string& error,
                                Millis audio_until) {
  const auto it = std::find_if(plan_.segments.begin(), plan_.segments.end(),
                               [&](const plan::Segment& s) { return s.id == segment; });
  fault("audio_file", file, error, true);
  if (status_ != SessionStatus::Running || it == plan_.segments.end()) return;
  const Millis now = *dose_now();
  // Cross-fade away while there is still sound to fade; a file that gave
  // nothing at all is replaced at its very start.
  Millis at = audio_until <= it->start ? it->start
                                       : std::max(it->start, audio_until - library_.room.audio.ramps.manual_crossfade);
  at = std::max(at, now);
  const std::string from = segment_label(&*it);
  events_.push_back({Kind::Skip, at, 0.0});
  std::stable_sort(events_.begin(), events_.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  replan(now);
  record("skip", system(),
         {{"from", from}, {"to", label_or_null(plan_.segment_at(at))}, {"at_dose_ms", at.count()},
          {"reason", "audio file failed: " + error}});
}

// ---- restart ----------------------------------------------------------------

void Session::restore(const std::vector<RecordEvent>& events, std::optional<std::chrono::nanoseconds> outage,
                      const std::map<std::string, Millis>& durations) {
  reset();
  std::vector<std::string> acked;
  for (const auto& e : events) {
    nlohmann::json p;
    try {
      p = e.payload_json();
    } catch (const nlohmann::json::exception&) {
      continue;
    }
    const auto at = [&] { return Millis{p.value("at_dose_ms", std::int64_t{0})}; };
    if (e.type == "session_preloaded") {
      id_ = e.session;
      clients_.clear();
      for (const auto& id : p.value("clients", std::vector<std::string>{}))
        clients_.push_back({id, p.contains("dose_mg") ? std::optional<double>(p["dose_mg"].get<double>()) : std::nullopt});
      protocol_ = library_.protocol(p.value("protocol", ""));
      playlist_ = library_.playlist(p.value("playlist", ""));
      client_ = clients_.empty() ? nullptr : library_.client(clients_.front().client);
      session_number_ = p.value("session_number", 0);
      shuffle_seed_ = static_cast<std::uint64_t>(p.value("shuffle_seed", std::int64_t{0}));
      status_ = SessionStatus::Ready;
      if (protocol_ != nullptr && !protocol_->phases.empty()) start_at_ = protocol_->phases.front().start;
    } else if (e.type == "session_started") {
      const auto dose_at = config::parse_instant(p.value("dose_at", ""));
      const auto wall = config::parse_instant(e.utc);
      if (!dose_at || !wall) continue;
      ClockReading then{*wall, std::chrono::nanoseconds{e.monotonic_ns}, e.clock_synced};
      dose_clock_ = DoseClock(*dose_at, then, e.boot_id);
      start_at_ = Millis{p.value("start_at_dose_ms", std::int64_t{0})};
      status_ = SessionStatus::Running;
    } else if (e.type == "paused") {
      events_.push_back({Kind::Pause, at(), 0.0});
      status_ = SessionStatus::Paused;
    } else if (e.type == "resumed") {
      events_.push_back({Kind::Resume, at(), 0.0});
      status_ = SessionStatus::Running;
    } else if (e.type == "talk" && p.contains("at_dose_ms")) {
      talk_ = p.value("on", false);
      events_.push_back({talk_ ? Kind::TalkOn : Kind::TalkOff, at(), 0.0});
    } else if (e.type == "volume") {
      volume_db_ = p.value("db", 0.0);
      if (p.contains("at_dose_ms")) events_.push_back({Kind::Volume, at(), volume_db_});
    } else if ((e.type == "skip" || e.type == "alternate") && p.contains("at_dose_ms")) {
      events_.push_back({e.type == "skip" ? Kind::Skip : Kind::Alternate, at(), 0.0});
    } else if (e.type == "booster") {
      events_.push_back({Kind::Booster, at(), 0.0});
      ++boosters_;
    } else if (e.type == "emergency") {
      if (p.contains("at_dose_ms") && dose_clock_) events_.push_back({Kind::Emergency, at(), 0.0});
      status_ = SessionStatus::Aborted;
    } else if (e.type == "session_ended") {
      if (p.value("reason", "") == "stop") events_.push_back({Kind::Stop, at(), 0.0});
      status_ = p.value("reason", "") == "emergency" ? SessionStatus::Aborted : SessionStatus::Ended;
    } else if (e.type == "reminder_acked") {
      acked.push_back(p.value("reminder", ""));
    } else if (e.type == "phase_changed") {
      phase_index_ = std::max(phase_index_, p.value("index", -1));
    } else if (e.type == "monitoring_ended") {
      monitoring_over_ = true;
    } else if (e.type == "cleared") {
      reset();
      acked.clear();
    }
  }
  if (status_ == SessionStatus::Idle) return;
  if (protocol_ == nullptr || playlist_ == nullptr) {
    fault("restore", id_, "the session's protocol or playlist is no longer in the configuration", true);
    status_ = status_ == SessionStatus::Ready ? SessionStatus::Idle : status_;
    return;
  }
  durations_ = durations;
  std::stable_sort(events_.begin(), events_.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  if (!dose_clock_) {
    plan_ = plan::make_plan({&library_.room, protocol_, playlist_, client_, start_at_, {}, shuffle_seed_, durations_});
    return;
  }
  const auto reading = clock_.now();
  dose_clock_->anchor(reading, clock_.boot_id());
  const Millis now = dose_clock_->at(reading, clock_.boot_id());
  replan(now);
  reminders_ = session::ReminderTracker(plan_.reminders, plan_.notices);
  for (const auto& id : acked) (void)reminders_.ack(id, now);
  // Lights: only where the room should be now, not every fade it missed.
  apply_lights(now, true);
  if (const auto* seg = plan_.segment_at(now)) track_ = seg->id;
  record("recovered", system(),
         {{"outage_ms", outage ? std::chrono::duration_cast<Millis>(*outage).count() : std::int64_t{-1}},
          {"position_ms", now.count()},
          {"state", state_name(status_)}});
  tick();
}

// ---- state ------------------------------------------------------------------

void Session::reset() {
  status_ = SessionStatus::Idle;
  id_.clear();
  clients_.clear();
  protocol_ = nullptr;
  playlist_ = nullptr;
  client_ = nullptr;
  session_number_ = 0;
  durations_.clear();
  dose_clock_.reset();
  events_.clear();
  plan_ = {};
  talk_ = false;
  volume_db_ = library_.room.audio.default_volume_db;
  boosters_ = 0;
  reminders_ = {};
  monitoring_over_ = false;
  phase_index_ = -1;
  track_ = 0;
  lights_applied_.clear();
}

double Session::cap_db() const {
  double cap = library_.room.audio.max_volume_db;
  for (const auto& d : clients_)
    if (const auto* c = library_.client(d.client); c && c->max_volume_db) cap = std::min(cap, *c->max_volume_db);
  return cap;
}

std::string Session::medication() const {
  if (protocol_ == nullptr) return "ketamine";
  if (!protocol_->medication.empty()) return protocol_->medication;
  return protocol_->route == "intranasal" ? "esketamine" : "ketamine";
}

nlohmann::json Session::dose_payload(const ClientDose& dose, std::chrono::system_clock::time_point at,
                                     bool booster) const {
  nlohmann::json p = {{"client", dose.client},
                      {"at", format_instant(at)},
                      {"route", protocol_->route},
                      {"medication", medication()},
                      {"booster", booster}};
  if (dose.dose_mg) p["dose_mg"] = *dose.dose_mg;
  return p;
}

session::RoomState Session::state() const {
  session::RoomState s;
  s.state = status_;
  if (!id_.empty()) s.session = id_;
  for (const auto& d : clients_) s.clients.push_back(d.client);
  if (!s.clients.empty()) s.client = s.clients.front();
  if (s.clients.size() == 1) s.clients.clear();
  if (protocol_) s.protocol = protocol_->id;
  if (playlist_) s.playlist = playlist_->id;
  if (!light_scene_.empty()) s.lights = light_scene_;
  s.talk = talk_;
  if (status_ != SessionStatus::Idle) s.volume_db = volume_db_;
  s.faults = faults_.list();
  if (!dose_clock_) return s;

  const Millis now = *dose_now();
  s.dose_at = dose_clock_->dose_at();
  s.since_dose_s = static_cast<double>(now.count()) / 1000.0;
  if (const auto* p = plan_.phase_at(now); p && status_ != SessionStatus::Ended && status_ != SessionStatus::Aborted) {
    s.phase = p->name;
    s.phase_ends_in_s = static_cast<double>((p->end - now).count()) / 1000.0;
  }
  if (const auto* seg = plan_.segment_at(now); seg && !seg->silence && status_ == SessionStatus::Running) {
    session::TrackInfo t;
    t.title = seg->title;
    t.artist = seg->artist;
    t.position_s = static_cast<double>((seg->source_offset + (now - seg->start)).count()) / 1000.0;
    if (const auto it = durations_.find(seg->file); it != durations_.end())
      t.duration_s = static_cast<double>(it->second.count()) / 1000.0;
    s.track = t;
  }
  if (!monitoring_over_) {
    if (const auto next = reminders_.next(now)) s.next_reminder = session::NextReminder{next->id, static_cast<double>(next->due.count()) / 1000.0, next->text};
  }
  return s;
}

}  // namespace stillroom::session
