// RoomState: what the room publishes, retained, on `<prefix>/<room>/state` —
// computed from the session as it is now (session/Projection), serialised
// here. Every field the contract names is always present; what is unknown is
// null. No clinical values: doses appear as entered/given, never as amounts.
// Pure data and pure functions.
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

/** A reminder as the therapist sees it. */
struct ReminderInfo {
  std::string id;
  /** The client it is for. */
  std::string client;
  /** Dose-clock time the reminder is (or was) due, seconds after the room's T0. */
  double at_s = 0.0;
  std::string text;
  /** Due now and not acknowledged. */
  bool due = false;
};

/** One client's dose, without the amount. */
struct DoseInfo {
  std::string client;
  bool entered = false;
  std::optional<std::chrono::system_clock::time_point> given_at;
  std::optional<double> since_dose_s;
  int boosters = 0;
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

/** A preload whose music is being checked. */
struct CheckingInfo {
  std::vector<std::string> clients;
  std::string protocol;
  std::string playlist;
};

struct RoomState {
  SessionStatus state = SessionStatus::Idle;
  /** The room's wall clock when this state was computed. */
  std::chrono::system_clock::time_point published_at{};
  /** The controller process's epoch (events are numbered within it). */
  std::string epoch;
  /** Whether the room's wall clock is synchronised. */
  bool clock_synced = false;
  std::optional<std::string> session;
  std::optional<CheckingInfo> checking;
  /** Pseudonymous id; in a group session the first of `clients`. */
  std::optional<std::string> client;
  /** Group sessions: every client id (empty for an individual session: published as null). */
  std::vector<std::string> clients;
  std::optional<std::string> protocol;
  std::optional<std::string> playlist;
  std::optional<std::chrono::system_clock::time_point> dose_at;
  std::optional<double> since_dose_s;
  std::vector<DoseInfo> doses;
  std::optional<std::string> phase;
  std::optional<double> phase_ends_in_s;
  std::optional<TrackInfo> track;
  std::optional<double> volume_db;
  bool talk = false;
  /** Name of the light scene in force (or being faded to). */
  std::optional<std::string> lights;
  bool emergency = false;
  std::optional<ReminderInfo> next_reminder;
  /** Due and not acknowledged, oldest first. */
  std::vector<ReminderInfo> reminders_due;
  std::vector<FaultInfo> faults;
};

[[nodiscard]] nlohmann::json to_json(const FaultInfo& fault);
[[nodiscard]] nlohmann::json to_json(const RoomState& state);

}  // namespace stillroom::session
