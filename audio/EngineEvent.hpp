// EngineEvent: what the engine tells the controller: a track started or ended,
// a file failed (with the last dose time it has valid audio for), the output
// ran dry, the device went away or came back. Delivered on the player thread
// (real time) or the render thread (offline); a listener must not block.
#pragma once

#include "config/Duration.hpp"

#include <cstdint>
#include <string>

namespace stillroom::audio {

struct EngineEvent {
  enum class Kind { TrackStarted, TrackEnded, FileFailed, Underrun, DeviceLost, DeviceBack };
  Kind kind = Kind::TrackStarted;
  /** Plan segment id (0 for engine-wide events). */
  std::uint64_t segment = 0;
  /** Dose time the event concerns (a start, an end, the moment of a failure). */
  config::Millis at{0};
  std::string file;
  std::string detail;
  /** FileFailed: last dose time for which valid audio of the segment exists. */
  config::Millis audio_until{0};
  /** Underrun: underruns so far; DeviceLost: attempts so far. */
  std::uint64_t count = 0;
};

[[nodiscard]] const char* to_string(EngineEvent::Kind kind) noexcept;

class EngineListener {
 public:
  virtual ~EngineListener() = default;
  /** Called on the player or render thread; must not block. */
  virtual void on_engine_event(const EngineEvent& event) = 0;
};

}  // namespace stillroom::audio
