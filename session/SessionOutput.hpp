// SessionOutput: everything the session asks of the world — the record, the
// music, the lights, the therapist's events — so that the session itself stays
// a deterministic core. The daemon implements it with the real parts (SQLite,
// the audio engine, MQTT); `simulate` with the offline renderer; tests with
// recorders. Called on the controller thread only.
#pragma once

#include "record/RecordEvent.hpp"
#include "playlists/Plan.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace stillroom::session {

using record::EventDraft;
using record::RecordEvent;

class SessionOutput {
 public:
  virtual ~SessionOutput() = default;

  /** Appends to the clinical record; returns the stored event, throws RecordError when nothing was recorded. */
  virtual RecordEvent record(const EventDraft& draft) = 0;
  /** The music to follow from now on (dose time `dose_now`); an empty plan means silence. */
  virtual void play(const plan::Plan& plan, config::Millis dose_now) = 0;
  /** Take the lights to a cue's scene (its fade counts from now). */
  virtual void lights(const plan::LightCue& cue) = 0;
  /** An event for the therapist (MQTT `events`): {"type": ..., ...}. */
  virtual void signal(const nlohmann::json& event) = 0;
  /** Sessions already on record for this client (the next one is number n + 1 in its series). */
  virtual int previous_sessions(const std::string& client) = 0;
};

}  // namespace stillroom::session
