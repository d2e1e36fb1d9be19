#include "session/Session.hpp"

#include "session/Apply.hpp"
#include "session/DueEvents.hpp"
#include "session/NextDue.hpp"
#include "session/Notices.hpp"
#include "session/Projection.hpp"

#include <algorithm>

namespace stillroom::session {

using config::Millis;

Session::Session(const config::Library& library, Clock& clock, SessionOutput& out, std::string device)
    : library_(library), clock_(clock), out_(out), device_(std::move(device)) {
  state_ = replay({}, library_);
}

// ---- applying ----------------------------------------------------------------

Happened Session::happen(Event event, const std::string& session, const Actor& actor, const std::string& command_id) {
  Happened h{std::move(event), session, actor, clock_.stamp(), command_id};
  const auto version = state_.plan_version;
  apply(state_, h, library_);
  act(h, version);
  if (is_recorded(h.event)) out_.signal(h);
  return h;
}

void Session::act(const Happened& h, std::uint64_t plan_version_before) {
  const auto now = dose_now();
  if (std::holds_alternative<SessionStarted>(h.event)) {
    lights_applied_.clear();
    last_tick_ = state_.start_at;
  }
  if (std::holds_alternative<Cleared>(h.event)) {
    out_.play({}, Millis{0});
    if (light_scene_ != library_.room.lights.normal_scene) {
      plan::LightCue cue = scene_cue(plan::LightCue::Reason::End, library_.room.lights.normal_scene);
      cue.fade = library_.room.lights.return_fade;
      set_lights(cue);
    }
    lights_applied_.clear();
    last_tick_.reset();
    return;
  }
  if (std::holds_alternative<EmergencyRaised>(h.event) && state_.plan_version == plan_version_before) {
    // No music runs (or it was already ending): the light must still come up at once.
    if (!now) out_.play({}, Millis{0});
    set_lights(scene_cue(plan::LightCue::Reason::Emergency, library_.room.lights.emergency_scene));
    return;
  }
  if (state_.plan_version != plan_version_before && now && state_.status != SessionStatus::Ready)
    out_.play(state_.plan, *now);
  if (now) apply_lights(*now, false);
}

Outcome Session::run(Decision decision, const Command* command) {
  Outcome out;
  out.preflight = std::move(decision.preflight);
  out.what = decision.what;
  const Actor actor = command ? Actor{command->device, command->role} : system();
  const std::string command_id = command ? command->id : std::string();
  for (auto& event : decision.events) {
    const std::string session =
        std::holds_alternative<SessionPreloaded>(event) ? decision.new_session : state_.id;
    auto h = happen(std::move(event), session, actor, command_id);
    if (is_recorded(h.event)) out.events.push_back(std::move(h));
  }
  if (command != nullptr && decision.refusal) {
    out.events.push_back(refusal_event(*command, *decision.refusal, state_.id));
    out.reply = decision.refusal;
  } else if (command != nullptr && !out.preflight) {
    out.reply = Reply::success();
  }
  return out;
}

Happened Session::refusal_event(const Command& c, const Reply& refusal, const std::string& session) {
  CommandRefused e;
  e.cmd = to_string(c.kind);
  e.id = c.id;
  e.reason = refusal.reason.empty() ? "refused" : refusal.reason;
  e.error = refusal.error;
  e.sent_at = c.sent_at;
  e.received_at = clock_.now().wall;
  e.state = to_string(state_.status);
  return happen(e, session, {c.device, c.role}, c.id);
}

// ---- inputs --------------------------------------------------------------------

Outcome Session::handle(const Command& command, const SignedContent* content) {
  auto out = run(decide(state_, command, context(content)), &command);
  // What the command made due (a start reaches its first phase at once) follows it.
  auto later = tick();
  for (auto& e : later.events) out.events.push_back(std::move(e));
  return out;
}

Outcome Session::handle_past(SessionState& past, const Command& command, const SignedContent* content) {
  Outcome out;
  auto decision = decide(past, command, context(content));
  out.what = decision.what;
  const Actor actor{command.device, command.role};
  for (auto& event : decision.events) {
    Happened h{std::move(event), past.id, actor, clock_.stamp(), command.id};
    apply(past, h, library_);
    out_.signal(h);
    out.events.push_back(std::move(h));
  }
  if (decision.refusal) {
    out.events.push_back(refusal_event(command, *decision.refusal, past.id));
    out.reply = decision.refusal;
  } else {
    out.reply = Reply::success();
  }
  return out;
}

Outcome Session::finish_preload(const Command& command, const PreflightResult& result) {
  return run(session::finish_preload(state_, command, result, context()), &command);
}

Outcome Session::refuse(const Command& command, const Reply& refusal) {
  Outcome out;
  out.events.push_back(refusal_event(command, refusal, state_.id));
  out.reply = refusal;
  return out;
}

Outcome Session::refused_by_link(const std::string& device, const std::string& role, const std::string& cmd,
                                 const std::string& id, const std::string& reason, const std::string& error) {
  CommandRefused e;
  e.cmd = cmd.empty() ? "?" : cmd;
  if (!id.empty()) e.id = id;
  e.reason = reason;
  e.error = error;
  e.received_at = clock_.now().wall;
  e.state = to_string(state_.status);
  Outcome out;
  out.events.push_back(happen(e, state_.id, {device.empty() ? "unknown" : device, role.empty() ? "none" : role}, id));
  return out;
}

Outcome Session::tick() {
  Outcome out;
  const auto now = dose_now();
  if (!now) return out;
  Decision due;
  due.events = due_events(state_, *now, library_.room);
  out = run(std::move(due), nullptr);
  apply_lights(*now, false);
  if (last_tick_) {
    for (auto notice : notices_between(state_, *last_tick_, *now, library_.room)) {
      notice["session"] = state_.id;
      out_.notice(notice);
    }
  }
  last_tick_ = now;
  return out;
}

Outcome Session::fault(const std::string& code, const std::string& subject, const std::string& message, bool active) {
  Outcome out;
  const auto wall = clock_.now().wall;
  if (active) {
    if (faults_.raise(code, subject, message, wall)) out.events.push_back(happen(FaultRaised{code, subject, message}, state_.id, system(), {}));
  } else if (faults_.clear(code, subject)) {
    out.events.push_back(happen(FaultCleared{code, subject}, state_.id, system(), {}));
  }
  return out;
}

Outcome Session::audio_file_failed(std::uint64_t segment, const std::string& file, const std::string& error,
                                   Millis audio_until) {
  auto out = fault("audio_file", file, error, true);
  auto skip = run(file_failed(state_, segment, error, audio_until, context()), nullptr);
  for (auto& e : skip.events) out.events.push_back(std::move(e));
  return out;
}

// ---- restart ------------------------------------------------------------------

Outcome Session::restore(const std::vector<Happened>& recorded, std::optional<std::chrono::nanoseconds> outage,
                         const std::string& clock_source) {
  state_ = replay(recorded, library_);
  lights_applied_.clear();
  last_tick_.reset();
  Outcome out;
  if (state_.status == SessionStatus::Idle) return out;
  if (state_.protocol == nullptr || state_.playlist == nullptr) {
    out = fault("restore", state_.id, "the session's protocol or playlist is no longer in the configuration", true);
    if (state_.status == SessionStatus::Ready) {
      auto cleared = run(Decision{{Cleared{"its protocol or playlist is no longer configured"}}, {}, {}, {}, {}}, nullptr);
      for (auto& e : cleared.events) out.events.push_back(std::move(e));
    }
    return out;
  }
  const auto stamp = clock_.stamp();
  // The same dose time, now read from this boot's clocks.
  if (state_.dose_clock) state_.dose_clock->anchor(stamp.reading, stamp.boot_id);
  const auto now = dose_now();
  // Lights: only where the room should be now, not through every fade they missed.
  if (now) apply_lights(*now, true, !state_.emergency);
  if (state_.emergency) set_lights(scene_cue(plan::LightCue::Reason::Emergency, library_.room.lights.emergency_scene));
  if (now && state_.status != SessionStatus::Ready) out_.play(state_.plan, *now);
  last_tick_ = now;
  Recovered r;
  r.outage_ms = outage ? std::chrono::duration_cast<Millis>(*outage).count() : -1;
  r.position_ms = now ? now->count() : 0;
  r.state = to_string(state_.status);
  r.clock_source = clock_source;
  out.events.push_back(happen(r, state_.id, system(), {}));
  auto caught_up = tick();
  for (auto& e : caught_up.events) out.events.push_back(std::move(e));
  return out;
}

// ---- lights ---------------------------------------------------------------------

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

void Session::set_lights(const plan::LightCue& cue) {
  out_.lights(cue);
  light_scene_ = cue.scene;
}

void Session::apply_lights(Millis now, bool only_latest, bool act) {
  if (!state_.dose_clock || state_.status == SessionStatus::Ready) return;
  std::vector<const plan::LightCue*> due;
  for (const auto& cue : state_.plan.lights) {
    if (cue.at > now) break;
    if (lights_applied_.emplace(cue.at.count(), static_cast<int>(cue.reason), cue.scene).second) due.push_back(&cue);
  }
  if (due.empty() || !act) return;
  if (only_latest) due.erase(due.begin(), due.end() - 1);
  for (const auto* cue : due) set_lights(*cue);
}

// ---- state ----------------------------------------------------------------------

std::optional<Millis> Session::dose_now() const { return session::dose_now(state_, clock_.stamp()); }

std::optional<Millis> Session::next_due_in() const {
  const auto now = dose_now();
  if (!now) return std::nullopt;
  const auto at = next_due(state_, *now, library_.room);
  if (!at) return std::nullopt;
  return *at - *now;
}

RoomState Session::room_state() const {
  RoomState s = session::room_state(state_, dose_now(), library_.room);
  if (!light_scene_.empty()) s.lights = light_scene_;
  s.faults = faults_.list();
  return s;
}

}  // namespace stillroom::session
