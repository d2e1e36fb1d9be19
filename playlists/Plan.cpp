#include "playlists/Plan.hpp"

#include "playlists/Planner.hpp"

namespace stillroom::plan {

const char* to_string(SessionEvent::Kind kind) noexcept {
  switch (kind) {
    case SessionEvent::Kind::Pause: return "pause";
    case SessionEvent::Kind::Resume: return "resume";
    case SessionEvent::Kind::TalkOn: return "talk on";
    case SessionEvent::Kind::TalkOff: return "talk off";
    case SessionEvent::Kind::Volume: return "volume";
    case SessionEvent::Kind::Skip: return "skip";
    case SessionEvent::Kind::Alternate: return "alternate";
    case SessionEvent::Kind::Booster: return "booster";
    case SessionEvent::Kind::Stop: return "stop";
    case SessionEvent::Kind::Emergency: return "emergency";
  }
  return "?";
}

Plan make_plan(const PlanInput& input) {
  if (input.room == nullptr || input.protocol == nullptr) return {};
  return Planner(input).run();
}

const PhaseSpan* Plan::phase_at(Millis t) const noexcept {
  for (const auto& p : phases)
    if (p.start <= t && t < p.end) return &p;
  return nullptr;
}

const Segment* Plan::segment_at(Millis t) const noexcept {
  const Segment* newest = nullptr;
  for (const auto& s : segments)
    if (s.start <= t && t < s.end && (newest == nullptr || s.start >= newest->start)) newest = &s;
  return newest;
}

const MasterCue* Plan::master_at(Millis t) const noexcept {
  const MasterCue* found = nullptr;
  for (const auto& c : master) {
    if (c.at > t) break;
    found = &c;
  }
  return found;
}

}  // namespace stillroom::plan
