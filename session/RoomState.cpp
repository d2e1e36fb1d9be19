#include "session/RoomState.hpp"

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

json instant_or_null(const std::optional<std::chrono::system_clock::time_point>& at) {
  return at ? json(config::format_instant(*at)) : json(nullptr);
}

json seconds_or_null(const std::optional<double>& s) { return s ? json(seconds(*s)) : json(nullptr); }

json to_json(const ReminderInfo& r) {
  return {{"id", r.id}, {"client", r.client}, {"at_s", seconds(r.at_s)}, {"text", r.text}, {"due", r.due}};
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
  out["published_at"] = config::format_instant(s.published_at);
  out["epoch"] = s.epoch;
  out["clock"] = {{"synced", s.clock_synced}};
  out["session"] = or_null(s.session);
  if (s.checking)
    out["checking"] = {{"clients", s.checking->clients}, {"protocol", s.checking->protocol}, {"playlist", s.checking->playlist}};
  else
    out["checking"] = nullptr;
  out["client"] = or_null(s.client);
  out["clients"] = s.clients.empty() ? json(nullptr) : json(s.clients);
  out["protocol"] = or_null(s.protocol);
  out["playlist"] = or_null(s.playlist);
  out["dose_at"] = instant_or_null(s.dose_at);
  out["since_dose_s"] = seconds_or_null(s.since_dose_s);
  out["doses"] = json::array();
  for (const auto& d : s.doses)
    out["doses"].push_back({{"client", d.client},
                            {"entered", d.entered},
                            {"given_at", instant_or_null(d.given_at)},
                            {"since_dose_s", seconds_or_null(d.since_dose_s)},
                            {"boosters", d.boosters}});
  out["phase"] = or_null(s.phase);
  out["phase_ends_in_s"] = seconds_or_null(s.phase_ends_in_s);
  if (s.track) {
    out["track"] = {{"title", s.track->title},
                    {"artist", s.track->artist.empty() ? json(nullptr) : json(s.track->artist)},
                    {"position_s", seconds(s.track->position_s)},
                    {"duration_s", seconds(s.track->duration_s)}};
  } else {
    out["track"] = nullptr;
  }
  out["volume_db"] = seconds_or_null(s.volume_db);
  out["talk"] = s.talk;
  out["lights"] = or_null(s.lights);
  out["emergency"] = s.emergency;
  out["next_reminder"] = s.next_reminder ? to_json(*s.next_reminder) : json(nullptr);
  out["reminders_due"] = json::array();
  for (const auto& r : s.reminders_due) out["reminders_due"].push_back(to_json(r));
  out["faults"] = json::array();
  for (const auto& fault : s.faults) out["faults"].push_back(to_json(fault));
  return out;
}

}  // namespace stillroom::session
