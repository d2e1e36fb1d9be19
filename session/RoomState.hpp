// RoomState: what the room publishes, retained, on `<prefix>/<room>/state` —
// filled by the controller, serialised here. Every field the contract names is
// always present; what is unknown is null. Pure data and pure functions.
#pragma once

#include "config/Duration.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace stillroom::session {

enum class SessionStatus { Idle, Ready, Running, Paused, Ended, Aborted };

[[nodiscard]] const char* to_string(SessionStatus status) noexcept;

struct TrackInfo {
  std::string title;
  std::string artist;
  double position_s = 0.0;
  double duration_s = 0.0;
};

struct NextReminder {
  std::string id;
  /** Dose-clock time the reminder is (or was) due, seconds after T0. */
  double at_s = 0.0;
  std::string text;
};

/** One active fault as the therapist sees it. */
struct FaultInfo {
  /** Stable kind: audio_underrun, device_lost, light_not_following, broker, record, ... */
  std::string code;
  /** What it concerns (a light id, an output), empty when the room as a whole. */
  std::string subject;
  std::string message;
  std::chrono::system_clock::time_point since{};
};

struct RoomState {
  SessionStatus state = SessionStatus::Idle;
  std::optional<std::string> session;
  /** Pseudonymous client id; in a group session the first of `clients`. */
  std::optional<std::string> client;
  /** Group sessions: every client id (empty for an individual session: published as null). */
  std::vector<std::string> clients;
  std::optional<std::string> protocol;
  std::optional<std::string> playlist;
  std::optional<std::chrono::system_clock::time_point> dose_at;
  std::optional<double> since_dose_s;
  std::optional<std::string> phase;
  std::optional<double> phase_ends_in_s;
  std::optional<TrackInfo> track;
  std::optional<double> volume_db;
  bool talk = false;
  /** Name of the light scene in force (or being faded to). */
  std::optional<std::string> lights;
  std::optional<NextReminder> next_reminder;
  std::vector<FaultInfo> faults;

  /** A session is under way: the state is republished every few seconds. */
  [[nodiscard]] bool session_active() const noexcept {
    return state == SessionStatus::Running || state == SessionStatus::Paused;
  }
};

[[nodiscard]] nlohmann::json to_json(const FaultInfo& fault);
[[nodiscard]] nlohmann::json to_json(const RoomState& state);

/**
 * The same state `elapsed` later, for the periodic republish between the
 * controller's updates: time since dose and phase countdown move with the dose
 * clock; the track position moves only while running; nothing passes its bounds.
 */
[[nodiscard]] RoomState advanced(RoomState state, config::Millis elapsed);

}  // namespace stillroom::session
