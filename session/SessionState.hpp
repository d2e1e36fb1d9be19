// SessionState: everything the room knows about the session in progress, as
// plain data. It changes only through apply() (session/Apply), live and when a
// record is replayed, so a restart rebuilds exactly the session that wrote the
// record. The plan is kept here as the pure function of the state's inputs it
// is (recomputed by apply when they change). Controller thread only.
#pragma once

#include "config/Library.hpp"
#include "playlists/Plan.hpp"
#include "session/DoseClock.hpp"
#include "session/Event.hpp"
#include "session/RoomState.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace stillroom::session {

/** The dose a clinician entered for a client, not yet given. */
struct EnteredDose {
  double amount = 0.0;
  std::string unit = "mg";
  std::optional<std::string> lot;
  std::string entered_by;
  Instant at{};
  friend bool operator==(const EnteredDose&, const EnteredDose&) = default;
};

/** A dose given, as recorded. */
struct GivenDose {
  double amount = 0.0;
  std::string unit = "mg";
  std::optional<std::string> lot;
  Instant given_at{};
  /** On the room's dose clock. */
  Millis at_dose{0};
  bool booster = false;
  std::string entered_by;
  /** Who confirmed it was given. */
  std::string by;
  friend bool operator==(const GivenDose&, const GivenDose&) = default;
};

struct VitalsEntry {
  Instant at{};
  std::optional<Millis> at_dose;
  std::int64_t bp_sys = 0, bp_dia = 0;
  std::optional<std::int64_t> hr, spo2;
  std::string by;
  friend bool operator==(const VitalsEntry&, const VitalsEntry&) = default;
};

/** An observation as recorded: what was seen, when, by whom on which device. */
struct ObservedEntry {
  Instant at{};
  std::optional<Millis> at_dose;
  std::optional<std::int64_t> moaa_s;
  std::optional<std::string> dissociation;
  std::optional<std::vector<std::string>> dissociation_features;
  std::optional<std::int64_t> cadss;
  std::optional<std::string> respiratory;
  std::string by;
  std::string device;
  friend bool operator==(const ObservedEntry&, const ObservedEntry&) = default;
};

/** A moment a clinician recorded for a client (ready to leave, discharged): when, and who said so. */
struct CareMark {
  Instant at{};
  std::optional<Millis> at_dose;
  std::string by;
  std::string device;
  friend bool operator==(const CareMark&, const CareMark&) = default;
};

/** The session's signature. */
struct SignatureEntry {
  std::string meaning, by, device, content_hash;
  Instant at{};
  std::int64_t covers_seq = 0;
  friend bool operator==(const SignatureEntry&, const SignatureEntry&) = default;
};

struct AddendumEntry {
  std::string text, section, by, device;
  std::optional<std::string> client;
  Instant at{};
  friend bool operator==(const AddendumEntry&, const AddendumEntry&) = default;
};

/** One client of the session: their doses on their own clock, their reminders, their vitals. */
struct ClientState {
  std::string id;
  std::optional<EnteredDose> entered;
  /** In the order given; the first non-booster one starts the client's clock. */
  std::vector<GivenDose> doses;
  std::vector<VitalsEntry> vitals;
  /** Reminder ids recorded as due. */
  std::set<std::string> announced;
  /** Reminder id -> how long after it fell due it was acknowledged. */
  std::map<std::string, Millis> acked;
  bool monitoring_over = false;
  std::vector<ObservedEntry> observations;
  std::optional<CareMark> ready_to_leave;
  /** Discharged: the client left the room's care (their monitoring is over too). */
  std::optional<CareMark> discharged;

  /** When the client's first dose was given, on the room's dose clock. */
  [[nodiscard]] std::optional<Millis> dosed_at() const noexcept;
  /** The client's boosters on their own clock (dose time after their first dose). */
  [[nodiscard]] std::vector<Millis> own_boosters() const;
  friend bool operator==(const ClientState&, const ClientState&) = default;
};

struct SessionState {
  SessionStatus status = SessionStatus::Idle;
  /** A preload whose music is being checked (live only: a restart forgets it). */
  std::optional<PreloadChecking> checking;

  std::string id;
  std::string protocol_id, playlist_id, route, medication;
  /** Resolved in the library by id; null when the configuration no longer has them. */
  const config::Protocol* protocol = nullptr;
  const config::Playlist* playlist = nullptr;
  /** The first client's file: caps the music and the lights. */
  const config::Client* client_file = nullptr;
  std::optional<std::int64_t> session_number;
  std::uint64_t shuffle_seed = 0;
  std::map<std::string, Millis> durations;
  /** The preload's order; the music follows the first client's dose clock. */
  std::vector<ClientState> clients;

  /** The therapist's master volume, dB. */
  double volume_db = 0.0;
  bool talk = false;
  /** From an emergency until clear. */
  bool emergency = false;

  /** T0 and how to read it, once the session started. */
  std::optional<DoseClock> dose_clock;
  /** Dose time at which the music began. */
  Millis start_at{0};
  /** What people did, on the dose clock, for the plan (time order). */
  std::vector<plan::SessionEvent> plan_events;
  plan::Plan plan;
  /** Bumped whenever `plan` is recomputed (the music follows each new plan). */
  std::uint64_t plan_version = 0;
  /** Highest phase recorded as reached. */
  int phase_index = -1;
  /** Segment of the last track recorded as started. */
  std::uint64_t track = 0;
  /** Once signed, the session is never edited: corrections are addenda. */
  std::optional<SignatureEntry> signature;
  std::vector<AddendumEntry> addenda;

  [[nodiscard]] bool live() const noexcept { return status == SessionStatus::Running || status == SessionStatus::Paused; }
  [[nodiscard]] ClientState* find_client(const std::string& client) noexcept;
  [[nodiscard]] const ClientState* find_client(const std::string& client) const noexcept;
  /** The client whose dose clock the music follows (the preload's first), or null. */
  [[nodiscard]] const ClientState* lead() const noexcept { return clients.empty() ? nullptr : &clients.front(); }
  [[nodiscard]] bool group() const noexcept { return clients.size() > 1; }
};

/**
 * The parts of two states that must agree after a replay: everything but what
 * is live only (a preload being checked) and the plan's recomputation count.
 * Empty when they agree, else the first field that differs (for tests).
 */
[[nodiscard]] std::string first_difference(const SessionState& a, const SessionState& b);

}  // namespace stillroom::session
