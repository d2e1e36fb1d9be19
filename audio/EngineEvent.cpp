#include "audio/EngineEvent.hpp"

namespace stillroom::audio {

const char* to_string(EngineEvent::Kind kind) noexcept {
  switch (kind) {
    case EngineEvent::Kind::TrackStarted: return "track-started";
    case EngineEvent::Kind::TrackEnded: return "track-ended";
    case EngineEvent::Kind::FileFailed: return "file-failed";
    case EngineEvent::Kind::Underrun: return "underrun";
    case EngineEvent::Kind::DeviceLost: return "device-lost";
    case EngineEvent::Kind::DeviceBack: return "device-back";
  }
  return "unknown";
}

}  // namespace stillroom::audio
