// Session: the treatment session as a deterministic state machine — idle ->
// ready (preload + preflight) -> running <-> paused -> ended, or aborted by an
// emergency, back to idle by clear — driven only by commands, engine and link
// events, and ticks, each carrying the time from an injected Clock. It owns the
// plan (recomputed on every event), the reminders and the faults; it records
// every step in the clinical record through SessionOutput before a command is
// answered ok, and it never lets a record failure stop the music or the lights.
//
// Runs on the controller thread only. A two-hour session runs in milliseconds
// in a test with a ManualClock.
#pragma once

#include "config/Library.hpp"
#include "session/Clock.hpp"
#include "session/DoseClock.hpp"
#include "session/Preflight.hpp"
#include "record/RecordEvent.hpp"
#include "session/SessionChoice.hpp"
#include "session/SessionOutput.hpp"
#include "playlists/Plan.hpp"
#include "session/Command.hpp"
#include "session/FaultBoard.hpp"
#include "session/ReminderTracker.hpp"
#include "session/RoomState.hpp"

#include <deque>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace stillroom::session {

using record::EventDraft;
using record::RecordActor;
using record::RecordEvent;

/** What handle() decided: a reply now, or a preflight to run first. */
struct Handled {
  std::optional<session::Reply> reply;
  std::optional<PreflightJob> preflight;
};

class Session {
 public:
  /** `device` is the room box's own actor id for the events it records itself. */
  Session(const config::Library& library, Clock& clock, SessionOutput& out, std::string device);

  /** A command that passed the link's checks. */
  Handled handle(const session::Command& command);
  /** The preflight of the pending preload finished: the preload's reply. */
  session::Reply finish_preload(const session::Command& command, const PreflightResult& result);
  /** A command the link refused (role, shape): recorded for the audit trail. */
  void refused_by_link(const std::string& device, const std::string& role, const std::string& cmd,
                       const std::string& id, const std::string& error);

  /** Advances the dose clock: phases, lights, reminders, the session's and monitoring's ends, record retries. */
  void tick();

  /** The audio engine could not play a file from dose time `audio_until` on: skip past it. */
  void audio_file_failed(std::uint64_t segment, const std::string& file, const std::string& error,
                         config::Millis audio_until);
  /** A fault from the engine, the link or the lights appears (active) or clears. */
  void fault(const std::string& code, const std::string& subject, const std::string& message, bool active);

  /**
   * Rebuilds a session from its recorded events after a restart; music resumes
   * where the dose clock is, with `durations` the lengths of the playlist's tracks.
   */
  void restore(const std::vector<RecordEvent>& events, std::optional<std::chrono::nanoseconds> outage,
               const std::map<std::string, config::Millis>& durations);

  [[nodiscard]] session::RoomState state() const;
  [[nodiscard]] session::SessionStatus status() const noexcept { return status_; }
  [[nodiscard]] const std::string& session_id() const noexcept { return id_; }
  /** The plan in force (empty when no session runs). */
  [[nodiscard]] const plan::Plan& plan() const noexcept { return plan_; }
  /** The dose time now, when a session has started. */
  [[nodiscard]] std::optional<config::Millis> dose_now() const;
  /** Events not yet in the record (it failed); they are retried in order. */
  [[nodiscard]] std::size_t unrecorded() const noexcept { return backlog_.size(); }
  /** True while a preload's preflight runs. */
  [[nodiscard]] bool preloading() const noexcept { return preloading_; }

 private:
  Handled handle_command(const session::Command& command);
  /** The room's scene `scene` at once (no fade), as a light cue outside the plan. */
  [[nodiscard]] plan::LightCue scene_cue(plan::LightCue::Reason reason, const std::string& scene) const;
  struct ClientDose {
    std::string client;
    std::optional<double> dose_mg;
  };
  /** A preload whose preflight is running. */
  struct Pending {
    std::string id;
    std::vector<std::string> clients;
    SessionChoice choice;
    int number = 0;
    std::optional<double> dose_mg;
    std::uint64_t seed = 0;
  };

  session::Reply refuse(const session::Command& command, const std::string& error);
  session::Reply answer(const session::Command& command, bool recorded, const std::string& what);
  /** Records one event (queued behind earlier unrecorded ones); true when it is in the record now. */
  bool record(const std::string& type, const RecordActor& actor, nlohmann::json payload, bool in_session = true);
  void flush_backlog();
  [[nodiscard]] RecordActor actor(const session::Command& command) const;
  [[nodiscard]] RecordActor system() const;

  Handled preload(const session::Command& command);
  session::Reply start(const session::Command& command);
  session::Reply music_event(const session::Command& command, plan::SessionEvent::Kind kind);
  session::Reply booster(const session::Command& command);
  session::Reply ack(const session::Command& command);
  session::Reply vitals(const session::Command& command);
  session::Reply stop(const session::Command& command);
  session::Reply emergency(const session::Command& command);
  session::Reply clear(const session::Command& command);

  /** Recomputes the plan with `events_` and hands it to the music. */
  void replan(config::Millis now);
  /** Applies light cues that are due and not yet applied. */
  void apply_lights(config::Millis now, bool only_latest);
  void end_session(const std::string& reason, config::Millis at);
  void reset();
  [[nodiscard]] nlohmann::json dose_payload(const ClientDose& dose, std::chrono::system_clock::time_point at,
                                            bool booster) const;
  [[nodiscard]] std::string medication() const;
  [[nodiscard]] double cap_db() const;

  const config::Library& library_;
  Clock& clock_;
  SessionOutput& out_;
  std::string device_;
  /** The id of the command being handled: every event it records carries it, linking reply and record. */
  std::string command_id_;

  session::SessionStatus status_ = session::SessionStatus::Idle;
  bool preloading_ = false;
  std::optional<Pending> pending_;
  std::string id_;
  std::vector<ClientDose> clients_;
  const config::Protocol* protocol_ = nullptr;
  const config::Playlist* playlist_ = nullptr;
  const config::Client* client_ = nullptr;
  int session_number_ = 0;
  std::uint64_t shuffle_seed_ = 0;
  std::map<std::string, config::Millis> durations_;

  std::optional<DoseClock> dose_clock_;
  config::Millis start_at_{0};
  std::vector<plan::SessionEvent> events_;
  plan::Plan plan_;
  double volume_db_ = 0.0;
  bool talk_ = false;
  int boosters_ = 0;

  session::ReminderTracker reminders_;
  bool monitoring_over_ = false;
  int phase_index_ = -1;
  std::uint64_t track_ = 0;
  std::set<std::tuple<long long, int, std::string>> lights_applied_;
  std::string light_scene_;

  session::FaultBoard faults_;
  /** Drafts the record refused, in order, with the time they happened. */
  std::deque<EventDraft> backlog_;
};

}  // namespace stillroom::session
