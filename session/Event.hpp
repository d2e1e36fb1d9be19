// Event: the one typed definition of everything that can happen to a room —
// each event type as a struct, its fields and who may read each field. The
// session applies these (session/Apply), the record stores them
// (record/RecordVocabulary checks a draft by decoding it), replay decodes them,
// and the timeline, CSV and FHIR exports read them. A type's name and fields are
// spelled here once; `describe` walks the fields for every codec
// (session/EventCodec). Plain data; any thread.
#pragma once

#include "config/Duration.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace stillroom::session {

using config::Millis;
using Instant = std::chrono::system_clock::time_point;

/** Who may read a field once it leaves the record. */
enum class Visibility {
  Public,    ///< every device on the room's network (topic `events`)
  Clinical,  ///< clinicians and the record archive only (topic `clinical/events`, `record`)
  Internal,  ///< the record only: what replay needs, nobody reads (track lengths)
};

// Each struct: kType (the record's type name), kInSession (must name its
// session), kRecorded (false: applied live, never stored), and
// describe(event, visitor) naming every field with its visibility; some add
// check(event), the rules beyond the fields' types ("" when it holds).

struct SessionPreloaded {
  static constexpr std::string_view kType = "session_preloaded";
  static constexpr bool kInSession = true, kRecorded = true;
  std::vector<std::string> clients;
  std::string protocol, route, medication, playlist;
  /** The client's place in their course, as the clinic entered it (never counted here). */
  std::optional<std::int64_t> session_number;
  std::int64_t shuffle_seed = 0;
  /** The master volume the session starts at (the room's default). */
  double volume_db = 0.0;
  /** Full length of every track of the playlist, ms by absolute path: the plan replays from these. */
  std::map<std::string, std::int64_t> durations_ms;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("clients", e.clients);
    v("protocol", e.protocol);
    v("route", e.route);
    v("medication", e.medication);
    v("playlist", e.playlist);
    v("session_number", e.session_number);
    v("shuffle_seed", e.shuffle_seed);
    v("volume_db", e.volume_db);
    v("durations_ms", e.durations_ms, Visibility::Internal);
  }
};

/** A clinician entered (or changed) the dose a client is to receive. */
struct DoseEntered {
  static constexpr std::string_view kType = "dose_entered";
  static constexpr bool kInSession = true, kRecorded = true;
  std::string client, medication, route;
  double amount = 0.0;
  std::string unit = "mg";
  std::optional<std::string> lot;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("client", e.client);
    v("medication", e.medication);
    v("route", e.route);
    v("amount", e.amount, Visibility::Clinical);
    v("unit", e.unit, Visibility::Clinical);
    v("lot", e.lot, Visibility::Clinical);
  }
  static std::string check(const DoseEntered& e) {
    if (!(e.amount > 0)) return "payload field 'amount' must be greater than 0";
    return e.unit == "mg" ? std::string() : "payload field 'unit' must be mg";
  }
};

struct SessionStarted {
  static constexpr std::string_view kType = "session_started";
  static constexpr bool kInSession = true, kRecorded = true;
  /** The room's T0: when the first dose was given (wall clock, as entered or now). */
  Instant dose_at{};
  /** The clients dosed at dose_at. */
  std::vector<std::string> clients;
  std::string protocol, route, playlist;
  /** Dose time at which the music began (the start: 0, or later for a dose given earlier). */
  Millis start_at{0};
  /** The room's clock was not synchronised: who confirmed it, and their device's time when they did. */
  std::optional<std::string> clock_confirmed_by{};
  std::optional<Instant> confirmed_device_time{};
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("dose_at", e.dose_at);
    v("clients", e.clients);
    v("protocol", e.protocol);
    v("route", e.route);
    v("playlist", e.playlist);
    v("start_at_dose_ms", e.start_at);
    v("clock_confirmed_by", e.clock_confirmed_by);
    v("confirmed_device_time", e.confirmed_device_time);
  }
};

/** A dose was given: as entered by `entered_by`, confirmed by the event's actor. */
struct DoseGiven {
  static constexpr std::string_view kType = "dose";
  static constexpr bool kInSession = true, kRecorded = true;
  std::string client, medication, route;
  double amount = 0.0;
  std::string unit = "mg";
  std::optional<std::string> lot;
  Instant given_at{};
  /** When it was given on the room's dose clock. */
  Millis at_dose{0};
  bool booster = false;
  /** The device that entered the amount. */
  std::string entered_by;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("client", e.client);
    v("medication", e.medication);
    v("route", e.route);
    v("amount", e.amount, Visibility::Clinical);
    v("unit", e.unit, Visibility::Clinical);
    v("lot", e.lot, Visibility::Clinical);
    v("given_at", e.given_at);
    v("at_dose_ms", e.at_dose);
    v("booster", e.booster);
    v("entered_by", e.entered_by);
  }
  static std::string check(const DoseGiven& e) {
    if (!(e.amount > 0)) return "payload field 'amount' must be greater than 0";
    return e.unit == "mg" ? std::string() : "payload field 'unit' must be mg";
  }
};

/** What a booster did to the timeline (the dose itself is a DoseGiven with booster true). */
struct BoosterGiven {
  static constexpr std::string_view kType = "booster";
  static constexpr bool kInSession = true, kRecorded = true;
  std::string client;
  Millis at_dose{0};
  std::string rule;
  /** False when the booster was for a client whose clock the music does not follow (a group). */
  bool moves_music = true;
  Millis session_end{0}, monitoring_end{0};
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("client", e.client);
    v("at_dose_ms", e.at_dose);
    v("rule", e.rule);
    v("moves_music", e.moves_music);
    v("session_end_dose_ms", e.session_end);
    v("monitoring_end_dose_ms", e.monitoring_end);
  }
};

struct PhaseChanged {
  static constexpr std::string_view kType = "phase_changed";
  static constexpr bool kInSession = true, kRecorded = true;
  std::string phase;
  std::int64_t index = 0;
  Millis at_dose{0}, ends_at_dose{0};
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("phase", e.phase);
    v("index", e.index);
    v("at_dose_ms", e.at_dose);
    v("ends_at_dose_ms", e.ends_at_dose);
  }
};

struct TrackChanged {
  static constexpr std::string_view kType = "track_changed";
  static constexpr bool kInSession = true, kRecorded = true;
  std::string title, artist, file, phase;
  /** The plan's segment: what the music follows. */
  std::int64_t segment = 0;
  Millis at_dose{0};
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("title", e.title);
    v("artist", e.artist);
    v("file", e.file);
    v("phase", e.phase);
    v("segment", e.segment);
    v("at_dose_ms", e.at_dose);
  }
};

struct Paused {
  static constexpr std::string_view kType = "paused";
  static constexpr bool kInSession = true, kRecorded = true;
  Millis at_dose{0};
  template <class E, class V>
  static void describe(E& e, V& v) { v("at_dose_ms", e.at_dose); }
};

struct Resumed {
  static constexpr std::string_view kType = "resumed";
  static constexpr bool kInSession = true, kRecorded = true;
  Millis at_dose{0};
  template <class E, class V>
  static void describe(E& e, V& v) { v("at_dose_ms", e.at_dose); }
};

struct TalkChanged {
  static constexpr std::string_view kType = "talk";
  static constexpr bool kInSession = true, kRecorded = true;
  bool on = false;
  Millis at_dose{0};
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("on", e.on);
    v("at_dose_ms", e.at_dose);
  }
};

struct VolumeChanged {
  static constexpr std::string_view kType = "volume";
  static constexpr bool kInSession = true, kRecorded = true;
  double db = 0.0;
  /** Absent while ready (before the dose clock runs). */
  std::optional<Millis> at_dose;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("db", e.db);
    v("at_dose_ms", e.at_dose);
  }
};

struct Skipped {
  static constexpr std::string_view kType = "skip";
  static constexpr bool kInSession = true, kRecorded = true;
  std::optional<std::string> from, to;
  Millis at_dose{0};
  /** Why the room skipped by itself (a file failed); absent for a therapist's skip. */
  std::optional<std::string> reason;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("from", e.from);
    v("to", e.to);
    v("at_dose_ms", e.at_dose);
    v("reason", e.reason);
  }
};

struct Alternated {
  static constexpr std::string_view kType = "alternate";
  static constexpr bool kInSession = true, kRecorded = true;
  std::optional<std::string> from, to;
  Millis at_dose{0};
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("from", e.from);
    v("to", e.to);
    v("at_dose_ms", e.at_dose);
  }
};

struct ReminderDue {
  static constexpr std::string_view kType = "reminder_due";
  static constexpr bool kInSession = true, kRecorded = true;
  std::string reminder, client, text;
  Millis due{0};
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("reminder", e.reminder);
    v("client", e.client);
    v("text", e.text);
    v("due_dose_ms", e.due);
  }
};

struct ReminderAcked {
  static constexpr std::string_view kType = "reminder_acked";
  static constexpr bool kInSession = true, kRecorded = true;
  std::string reminder, client;
  /** How long after it fell due. */
  Millis after{0};
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("reminder", e.reminder);
    v("client", e.client);
    v("after_ms", e.after);
  }
};

struct VitalsTaken {
  static constexpr std::string_view kType = "vitals";
  static constexpr bool kInSession = true, kRecorded = true;
  std::string client;
  std::optional<Millis> at_dose;
  std::int64_t bp_sys = 0, bp_dia = 0;
  std::optional<std::int64_t> hr, spo2;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("client", e.client);
    v("at_dose_ms", e.at_dose);
    v("bp_sys", e.bp_sys, Visibility::Clinical);
    v("bp_dia", e.bp_dia, Visibility::Clinical);
    v("hr", e.hr, Visibility::Clinical);
    v("spo2", e.spo2, Visibility::Clinical);
  }
};

struct EmergencyRaised {
  static constexpr std::string_view kType = "emergency";
  static constexpr bool kInSession = false, kRecorded = true;
  std::optional<Millis> at_dose;
  template <class E, class V>
  static void describe(E& e, V& v) { v("at_dose_ms", e.at_dose); }
};

struct SessionEnded {
  static constexpr std::string_view kType = "session_ended";
  static constexpr bool kInSession = true, kRecorded = true;
  /** stop | protocol_end | emergency */
  std::string reason;
  Millis at_dose{0};
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("reason", e.reason);
    v("at_dose_ms", e.at_dose);
  }
  static std::string check(const SessionEnded& e) {
    return e.reason == "stop" || e.reason == "protocol_end" || e.reason == "emergency"
               ? std::string()
               : "payload field 'reason' must be one of stop, protocol_end, emergency";
  }
};

struct MonitoringEnded {
  static constexpr std::string_view kType = "monitoring_ended";
  static constexpr bool kInSession = true, kRecorded = true;
  std::string client;
  Millis at_dose{0};
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("client", e.client);
    v("at_dose_ms", e.at_dose);
  }
};

struct Cleared {
  static constexpr std::string_view kType = "cleared";
  static constexpr bool kInSession = false, kRecorded = true;
  std::optional<std::string> reason;
  template <class E, class V>
  static void describe(E& e, V& v) { v("reason", e.reason); }
};

struct FaultRaised {
  static constexpr std::string_view kType = "fault";
  static constexpr bool kInSession = false, kRecorded = true;
  std::string code, subject, message;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("code", e.code);
    v("subject", e.subject);
    v("message", e.message);
  }
};

struct FaultCleared {
  static constexpr std::string_view kType = "fault_cleared";
  static constexpr bool kInSession = false, kRecorded = true;
  std::string code, subject;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("code", e.code);
    v("subject", e.subject);
  }
};

struct CommandRefused {
  static constexpr std::string_view kType = "command_refused";
  static constexpr bool kInSession = false, kRecorded = true;
  std::string cmd;
  std::optional<std::string> id;
  /** refused | stale | clock_skew | a parser reason (docs/mqtt.md) */
  std::string reason;
  /** In words; may quote a value the sender gave (a dose), so clinical. */
  std::string error;
  std::optional<Instant> sent_at, received_at;
  std::optional<std::string> state;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("cmd", e.cmd);
    v("id", e.id);
    v("reason", e.reason);
    v("error", e.error, Visibility::Clinical);
    v("sent_at", e.sent_at);
    v("received_at", e.received_at);
    v("state", e.state);
  }
};

struct Recovered {
  static constexpr std::string_view kType = "recovered";
  static constexpr bool kInSession = false, kRecorded = true;
  /** How long the room was down (-1: unknown). */
  std::int64_t outage_ms = -1;
  std::int64_t position_ms = 0;
  std::string state;
  /** What the dose clock was restored from: monotonic (same boot), wall_synced, wall_unsynced. */
  std::string clock_source;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("outage_ms", e.outage_ms);
    v("position_ms", e.position_ms);
    v("state", e.state);
    v("clock_source", e.clock_source);
  }
};

struct CheckpointTaken {
  static constexpr std::string_view kType = "checkpoint";
  static constexpr bool kInSession = false, kRecorded = true;
  std::int64_t seq = 0;
  std::string hash;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("seq", e.seq);
    v("hash", e.hash);
  }
};

/** Written by the record itself when the wall clock stepped between two events. */
struct ClockStepped {
  static constexpr std::string_view kType = "clock_stepped";
  static constexpr bool kInSession = false, kRecorded = true;
  std::int64_t step_ms = 0, previous_seq = 0, elapsed_ms = 0;
  std::string old_utc, new_utc, previous_utc;
  bool synced = false;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("step_ms", e.step_ms);
    v("old_utc", e.old_utc);
    v("new_utc", e.new_utc);
    v("previous_seq", e.previous_seq);
    v("previous_utc", e.previous_utc);
    v("elapsed_ms", e.elapsed_ms);
    v("synced", e.synced);
  }
};

/** Written by the record itself as the first event of a file that replaced a damaged one. */
struct RecordReplaced {
  static constexpr std::string_view kType = "record_replaced";
  static constexpr bool kInSession = false, kRecorded = true;
  std::string old_file, reason, last_good_hash;
  std::int64_t last_good_seq = 0;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("old_file", e.old_file);
    v("reason", e.reason);
    v("last_good_seq", e.last_good_seq);
    v("last_good_hash", e.last_good_hash);
  }
};

/** A preload's music is being checked (applied live, never recorded: a restart forgets it). */
struct PreloadChecking {
  static constexpr std::string_view kType = "preload_checking";
  static constexpr bool kInSession = false, kRecorded = false;
  std::string command_id;
  /** The id the session will have. */
  std::string session;
  std::vector<std::string> clients;
  std::string protocol, playlist;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("command_id", e.command_id);
    v("session", e.session);
    v("clients", e.clients);
    v("protocol", e.protocol);
    v("playlist", e.playlist);
  }
};

/** The checked preload will not become a session (its checks failed, or an emergency came first). */
struct PreloadDropped {
  static constexpr std::string_view kType = "preload_dropped";
  static constexpr bool kInSession = false, kRecorded = false;
  std::string command_id;
  template <class E, class V>
  static void describe(E& e, V& v) { v("command_id", e.command_id); }
};

using Event = std::variant<SessionPreloaded, DoseEntered, SessionStarted, DoseGiven, BoosterGiven, PhaseChanged,
                           TrackChanged, Paused, Resumed, TalkChanged, VolumeChanged, Skipped, Alternated,
                           ReminderDue, ReminderAcked, VitalsTaken, EmergencyRaised, SessionEnded, MonitoringEnded,
                           Cleared, FaultRaised, FaultCleared, CommandRefused, Recovered, CheckpointTaken,
                           ClockStepped, RecordReplaced, PreloadChecking, PreloadDropped>;

/** The record's name of the event's type. */
[[nodiscard]] std::string_view type_name(const Event& event) noexcept;
/** Whether the event is stored (false: applied live only). */
[[nodiscard]] bool is_recorded(const Event& event) noexcept;
/** Whether the event must belong to a session. */
[[nodiscard]] bool needs_session(const Event& event) noexcept;

}  // namespace stillroom::session
