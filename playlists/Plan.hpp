// Plan: what should sound and shine at each moment of a session, on the dose
// clock (T0 = administration). A pure, deterministic function of the protocol,
// the playlist, the client, the room's limits, what happened so far and the
// tracks' durations. No audio, no MQTT, no clock, no I/O.
//
// The plan is prefix-stable: adding an event at time t never changes anything
// the plan says about times before t, and segments that started before t keep
// their id. Players and light controllers can therefore follow a recomputed
// plan by matching segment ids.
#pragma once

#include "config/Client.hpp"
#include "config/Duration.hpp"
#include "config/Playlist.hpp"
#include "config/Protocol.hpp"
#include "config/Room.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace stillroom::plan {

using config::Millis;

/** Something a person did during the session, placed on the dose clock. */
struct SessionEvent {
  enum class Kind { Pause, Resume, TalkOn, TalkOff, Volume, Skip, Alternate, Booster, Stop, Emergency };
  Kind kind = Kind::Pause;
  Millis at{0};
  /** Volume: the new master volume, dB. */
  double volume_db = 0.0;

  friend bool operator==(const SessionEvent&, const SessionEvent&) = default;
};

[[nodiscard]] const char* to_string(SessionEvent::Kind kind) noexcept;

struct PlanInput {
  const config::Room* room = nullptr;
  const config::Protocol* protocol = nullptr;
  const config::Playlist* playlist = nullptr;
  /** Optional: caps volume and brightness, sets colour temperature. */
  const config::Client* client = nullptr;
  /** Dose time at which music begins (the session's start); may be negative (settle). */
  Millis start_at{0};
  /** In time order, none before start_at. */
  std::vector<SessionEvent> events;
  /** Seed for phases that shuffle without a fixed seed (drawn and recorded per session). */
  std::uint64_t shuffle_seed = 0;
  /** Full length of each audio file (before trims), by absolute path. */
  std::map<std::string, Millis> durations;
};

enum class FadeShape {
  EqualPower,  ///< sin/cos quarter wave: constant power across a crossfade of unrelated tracks
  Smooth,      ///< raised-cosine S curve in amplitude: pauses, stops, resumes
};

/** A fade to silence: the gain goes from 1 to 0 between `at` and `at + length`. */
struct Fade {
  Millis at{0};
  Millis length{0};
  FadeShape shape = FadeShape::EqualPower;

  friend bool operator==(const Fade&, const Fade&) = default;
};

/** One uninterrupted stretch of one entry's audio (or planned silence). */
struct Segment {
  /** Stable identity across recomputed plans (entry, phase, start, offset). */
  std::uint64_t id = 0;
  int phase_index = 0;
  std::string phase;
  enum class Role { Main, Alternate, Repeat };
  /** Repeat: the list ran out and started again (fill rule). */
  Role role = Role::Main;
  /** Index in the phase's entries (Main, Repeat) or alternates (Alternate). */
  int entry_index = 0;
  bool silence = false;
  std::string file;
  std::string title;
  std::string artist;
  bool lyrics = false;
  /** Dose time the segment becomes audible. */
  Millis start{0};
  /** Dose time it is over: its natural end or the end of its earliest fade-out. */
  Millis end{0};
  /** File position played at `start` (includes the entry's trim_start). */
  Millis source_offset{0};
  /** Fade in from silence over this long from `start` (0 = at full gain at once). */
  Millis fade_in{0};
  FadeShape fade_in_shape = FadeShape::EqualPower;
  /**
   * Fades to silence, in the order they were decided. The segment's gain is the
   * product of the fade-in curve and every fade-out curve, so a later, shorter
   * fade (an emergency during a long crossfade) takes over without a step and
   * without rewriting what the plan said about earlier times.
   */
  std::vector<Fade> fade_outs;
  /** Id of the segment this one follows without a gap (sample-exact join), 0 = starts at `start`. */
  std::uint64_t joins = 0;
  /** Ends where the (trimmed) track ends rather than by a fade. */
  bool natural_end = false;
  /** Phase music level, dB (before master volume and the cap). */
  double level_db = 0.0;
  /** The entry's own gain correction, dB (on top of loudness normalisation). */
  double gain_db = 0.0;

  friend bool operator==(const Segment&, const Segment&) = default;
};

/**
 * Master volume: the therapist's volume and the talk duck. From `at`, the master
 * level moves from the level in force at `at` (wherever an earlier ramp had got
 * to) to `target_db` over `ramp`, along a raised-cosine curve in dB.
 */
struct MasterCue {
  Millis at{0};
  /** Master volume the therapist set, dB (already within the cap). */
  double volume_db = 0.0;
  bool talk = false;
  /** volume_db plus the talk duck when talk is on. */
  double target_db = 0.0;
  Millis ramp{0};

  friend bool operator==(const MasterCue&, const MasterCue&) = default;
};

struct LightCue {
  enum class Reason { Phase, Start, End, Stop, Emergency };
  Millis at{0};
  Reason reason = Reason::Phase;
  std::string scene;
  /** After the client's brightness cap. */
  double brightness_pct = 100.0;
  /** After the client's preference. */
  std::optional<int> color_temp_k;
  /** Time to reach the scene from `at`; 0 = at once. */
  Millis fade{0};

  friend bool operator==(const LightCue&, const LightCue&) = default;
};

struct ReminderCue {
  std::string id;
  std::string text;
  Millis due{0};
  std::optional<Millis> repeat;

  friend bool operator==(const ReminderCue&, const ReminderCue&) = default;
};

/** "N minutes left" before the end of the last phase. */
struct NoticeCue {
  Millis at{0};
  Millis remaining{0};

  friend bool operator==(const NoticeCue&, const NoticeCue&) = default;
};

struct PhaseSpan {
  int index = 0;
  std::string name;
  /** After boosters. */
  Millis start{0};
  Millis end{0};
  double volume_db = 0.0;
  std::string light_scene;
  bool lyrics_allowed = false;

  friend bool operator==(const PhaseSpan&, const PhaseSpan&) = default;
};

/** Something a clinic should know about the plan (check prints these). */
struct Flag {
  enum class Kind { LyricsInPhase, ShortPhase, NoMusic, MissingDuration, EventIgnored };
  Kind kind = Kind::ShortPhase;
  Millis at{0};
  std::string message;
  config::SourceMark where;
  /** The phase concerned, when there is one. */
  std::string phase;

  friend bool operator==(const Flag&, const Flag&) = default;
};

struct Plan {
  std::vector<PhaseSpan> phases;
  /** By start time; crossfades overlap, nothing else does. */
  std::vector<Segment> segments;
  /** By time; the first is at start_at. */
  std::vector<MasterCue> master;
  /** By time. */
  std::vector<LightCue> lights;
  /** By due time. */
  std::vector<ReminderCue> reminders;
  std::vector<NoticeCue> notices;
  /** The music level may never exceed this (room cap, lowered by the client's), dB. */
  double cap_db = 0.0;
  Millis start_at{0};
  /** End of the last phase after boosters. */
  Millis session_end{0};
  Millis monitoring_end{0};
  /** When the last sound is over (session end, or a stop/emergency fade). */
  Millis music_end{0};
  /** Dose time of the stop or emergency, if any. */
  std::optional<Millis> stopped_at;
  std::vector<Flag> flags;

  /** The phase containing t (start <= t < end), or nullptr. */
  [[nodiscard]] const PhaseSpan* phase_at(Millis t) const noexcept;
  /** The most recently started segment audible at t, or nullptr. */
  [[nodiscard]] const Segment* segment_at(Millis t) const noexcept;
  /** The master cue in force at t (the last at or before t), or nullptr. */
  [[nodiscard]] const MasterCue* master_at(Millis t) const noexcept;

  friend bool operator==(const Plan&, const Plan&) = default;
};

[[nodiscard]] Plan make_plan(const PlanInput& input);

}  // namespace stillroom::plan
