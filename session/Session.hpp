// Session: the room's session as the controller runs it. Every input — a
// command, the preflight's result, a tick of the dose clock, a fault, a failed
// audio file — is decided (session/Decide, session/DueEvents) into events, and
// each event is stamped, applied (session/Apply: the one transition) and acted
// on at once through SessionOutput: music, lights, the therapist's events. The
// events are returned for the caller to record, after acting. After a restart,
// restore() applies the recorded events through the same apply and carries on.
//
// Runs on the controller thread only. A two-hour session runs in milliseconds
// in a test with a ManualClock.
#pragma once

#include "config/Library.hpp"
#include "session/Clock.hpp"
#include "session/Command.hpp"
#include "session/Decide.hpp"
#include "session/FaultBoard.hpp"
#include "session/Happened.hpp"
#include "session/Preflight.hpp"
#include "session/RoomState.hpp"
#include "session/SessionOutput.hpp"
#include "session/SessionState.hpp"

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace stillroom::session {

/** What one input did. */
struct Outcome {
  /** The events applied, in order, that the record stores. */
  std::vector<Happened> events;
  /** For a command: the answer once `events` are durable. */
  std::optional<Reply> reply;
  /** A preload: run these checks, then call finish_preload. */
  std::optional<PreflightJob> preflight;
  /** What took effect ("the pause"), for an answer that must say it is not recorded yet. */
  std::string what;
};

class Session {
 public:
  /** `device` is the room box's own actor id for what the room does by itself. */
  Session(const config::Library& library, Clock& clock, SessionOutput& out, std::string device);

  /** A command that passed the link's checks (and is not stale); `content`: what a `sign` signs. */
  Outcome handle(const Command& command, const SignedContent* content = nullptr);
  /**
   * An after-care command for a past session (not the one in the room): decided on `past` (the session as its
   * record replays it, session::replay_past), its events stamped, applied to `past` and signalled, never to
   * the room's own session.
   */
  Outcome handle_past(SessionState& past, const Command& command, const SignedContent* content = nullptr);
  /** The preflight of the pending preload finished: the preload's answer. */
  Outcome finish_preload(const Command& command, const PreflightResult& result);
  /** Refuses a command before deciding on it (stale, clock skew): recorded as refused with both times. */
  Outcome refuse(const Command& command, const Reply& refusal);
  /** A command the link refused (role, shape): recorded for the audit trail. */
  Outcome refused_by_link(const std::string& device, const std::string& role, const std::string& cmd,
                          const std::string& id, const std::string& reason, const std::string& error);

  /** Advances the dose clock: phases, tracks, reminders, lights, the music's and each client's monitoring's end. */
  Outcome tick();
  /** How long until tick() next has something to do (none: nothing is scheduled). The dose clock runs at the pace of time. */
  [[nodiscard]] std::optional<config::Millis> next_due_in() const;
  /** A fault from the engine, the link, the lights or the record appears (active) or clears. */
  Outcome fault(const std::string& code, const std::string& subject, const std::string& message, bool active);
  /** The audio engine could not play `segment` from dose time `audio_until` on: skip past it. */
  Outcome audio_file_failed(std::uint64_t segment, const std::string& file, const std::string& error,
                            config::Millis audio_until);

  /**
   * After a restart: applies the recorded events of the last session (the same
   * apply as live), re-anchors the dose clock on this boot, puts the lights where
   * the room should be now and records `recovered` with the outage and what the
   * dose clock was restored from.
   */
  Outcome restore(const std::vector<Happened>& recorded, std::optional<std::chrono::nanoseconds> outage,
                  const std::string& clock_source);

  [[nodiscard]] const SessionState& state() const noexcept { return state_; }
  /** The public state now, with the lights and the faults. */
  [[nodiscard]] RoomState room_state() const;
  [[nodiscard]] SessionStatus status() const noexcept { return state_.status; }
  [[nodiscard]] const std::string& session_id() const noexcept { return state_.id; }
  [[nodiscard]] const plan::Plan& plan() const noexcept { return state_.plan; }
  /** The dose time now, when a session has started. */
  [[nodiscard]] std::optional<config::Millis> dose_now() const;
  [[nodiscard]] const FaultBoard& faults() const noexcept { return faults_; }
  /** The light scene in force (or being faded to). */
  [[nodiscard]] const std::string& light_scene() const noexcept { return light_scene_; }

 private:
  /** Stamps, applies and acts on a decision's events; the refusal, if any, is recorded after them. */
  Outcome run(Decision decision, const Command* command);
  /** Applies one event and acts on it; returns it stamped. */
  Happened happen(Event event, const std::string& session, const Actor& actor, const std::string& command_id);
  /** The music and lights an event changes. */
  void act(const Happened& happened, std::uint64_t plan_version_before);
  /** Applies the plan's light cues that are due and not yet applied (all, or the latest; `act` false: only notes them). */
  void apply_lights(config::Millis now, bool only_latest, bool act = true);
  void set_lights(const plan::LightCue& cue);
  [[nodiscard]] plan::LightCue scene_cue(plan::LightCue::Reason reason, const std::string& scene) const;
  [[nodiscard]] Actor system() const { return {device_, "system"}; }
  [[nodiscard]] DecideContext context(const SignedContent* content = nullptr) const {
    return DecideContext{library_, clock_.stamp(), content};
  }
  Happened refusal_event(const Command& command, const Reply& refusal, const std::string& session);

  const config::Library& library_;
  Clock& clock_;
  SessionOutput& out_;
  std::string device_;

  SessionState state_;
  /** Room-level: the faults of this process (never restored from the record: they are found again). */
  FaultBoard faults_;

  // What the room did to its lights and its therapist's screen (effects, not session state).
  std::set<std::tuple<long long, int, std::string>> lights_applied_;
  std::string light_scene_;
  std::optional<config::Millis> last_tick_;
};

}  // namespace stillroom::session
