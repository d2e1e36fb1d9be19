#include "session/RoomState.hpp"

#include <algorithm>
#include <cmath>

namespace stillroom::session {
namespace {

using nlohmann::json;

/** Seconds with millisecond resolution: the wire stays short and stable. */
double seconds(double s) { return std::round(s * 1000.0) / 1000.0; }

template <typename T>
json or_null(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

const char* to_string(SessionStatus status) noexcept {
  switch (status) {
    case SessionStatus::Idle: return "idle";
    case SessionStatus::Ready: return "ready";
    case SessionStatus::Running: return "running";
    case SessionStatus::Paused: return "paused";
    case SessionStatus::Ended: return "ended";
    case SessionStatus::Aborted: return "aborted";
  }
  return "?";
}

json to_json(const FaultInfo& fault) {
  return {{"code", fault.code},
          {"subject", fault.subject.empty() ? json(nullptr) : json(fault.subject)},
          {"message", fault.message},
          {"since", config::format_instant(fault.since)}};
}

json to_json(const RoomState& s) {
  json out;
  out["state"] = to_string(s.state);
  out["session"] = or_null(s.session);
  out["client"] = or_null(s.client);
  out["clients"] = s.clients.empty() ? json(nullptr) : json(s.clients);
  out["protocol"] = or_null(s.protocol);
  out["playlist"] = or_null(s.playlist);
  out["dose_at"] = s.dose_at ? json(config::format_instant(*s.dose_at)) : json(nullptr);
  out["since_dose_s"] = s.since_dose_s ? json(seconds(*s.since_dose_s)) : json(nullptr);
  out["phase"] = or_null(s.phase);
  out["phase_ends_in_s"] = s.phase_ends_in_s ? json(seconds(*s.phase_ends_in_s)) : json(nullptr);
  if (s.track) {
    out["track"] = {{"title", s.track->title},
                    {"artist", s.track->artist.empty() ? json(nullptr) : json(s.track->artist)},
                    {"position_s", seconds(s.track->position_s)},
                    {"duration_s", seconds(s.track->duration_s)}};
  } else {
    out["track"] = nullptr;
  }
  out["volume_db"] = s.volume_db ? json(seconds(*s.volume_db)) : json(nullptr);
  out["talk"] = s.talk;
  out["lights"] = or_null(s.lights);
  if (s.next_reminder) {
    out["next_reminder"] = {{"id", s.next_reminder->id},
                            {"at_s", seconds(s.next_reminder->at_s)},
                            {"text", s.next_reminder->text}};
  } else {
    out["next_reminder"] = nullptr;
  }
  out["faults"] = json::array();
  for (const auto& fault : s.faults) out["faults"].push_back(to_json(fault));
  return out;
}

RoomState advanced(RoomState state, config::Millis elapsed) {
  const double dt = std::chrono::duration<double>(elapsed).count();
  if (dt <= 0.0 || !state.session_active()) return state;
  if (state.since_dose_s) *state.since_dose_s += dt;
  if (state.phase_ends_in_s) *state.phase_ends_in_s = std::max(0.0, *state.phase_ends_in_s - dt);
  if (state.track && state.state == SessionStatus::Running) {
    state.track->position_s += dt;
    if (state.track->duration_s > 0.0) state.track->position_s = std::min(state.track->duration_s, state.track->position_s);
  }
  return state;
}

}  // namespace stillroom::session
