// SessionOutput: what the session does to the world as soon as it decides —
// the music, the lights, the therapist's events — so that the session itself
// stays a deterministic core. The record is not here: the session returns the
// events it applied and the caller records them after acting (act first, then
// record). The daemon implements it with the audio engine and MQTT; `simulate`
// with the offline renderer; tests with recorders. Called on the controller
// thread only.
#pragma once

#include "playlists/Plan.hpp"
#include "session/Happened.hpp"

#include <nlohmann/json.hpp>

namespace stillroom::session {

class SessionOutput {
 public:
  virtual ~SessionOutput() = default;

  /** The music to follow from now on (dose time `dose_now`); an empty plan means silence. */
  virtual void play(const plan::Plan& plan, config::Millis dose_now) = 0;
  /** Take the lights to a cue's scene (its fade counts from now). */
  virtual void lights(const plan::LightCue& cue) = 0;
  /** An event happened (the daemon publishes it on `events` and `clinical/events`). */
  virtual void signal(const Happened& event) = 0;
  /** A signal that is not an event of the record: {"type": "minutes_left" | "reminder_repeat", ...}. */
  virtual void notice(const nlohmann::json& notice) = 0;
};

}  // namespace stillroom::session
