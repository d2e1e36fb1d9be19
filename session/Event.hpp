// Event: the one typed definition of everything that can happen to a room —
// each event type as a struct, its fields and who may read each field. The
// session applies these (session/Apply), the record stores them
// (record/RecordVocabulary checks a draft by decoding it), replay decodes them,
// and the timeline, CSV and FHIR exports read them. A type's name and fields are
// spelled here once; `describe` walks the fields for every codec
// (session/EventCodec). Plain data; any thread.
#pragma once

#include "config/Duration.hpp"

#include <array>
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

/** The fixed vocabularies of the after-care entries (the parser and the codec both check against these). */
namespace vocabulary {
/** MOAA/S, the Modified Observer's Assessment of Alertness/Sedation: 5 responds readily to name in a normal tone,
 *  4 lethargic response to name, 3 responds only after name is called loudly or repeatedly, 2 responds only after
 *  mild prodding or shaking, 1 responds only after a painful trapezius squeeze, 0 no response. */
inline constexpr std::int64_t kMoaasMin = 0, kMoaasMax = 5;
/** The Clinician-Administered Dissociative States Scale's total (23 subject-rated items scored 0-4). */
inline constexpr std::int64_t kCadssMax = 92;
inline constexpr std::array<std::string_view, 2> kDissociation = {"absent", "present"};
/** The CADSS subscales, as features seen. */
inline constexpr std::array<std::string_view, 3> kDissociationFeatures = {"depersonalization", "derealization", "amnesia"};
inline constexpr std::array<std::string_view, 5> kRespiratory = {"none", "snoring", "desaturation", "apnoea",
                                                                  "airway_support"};
/** What a signature means (21 CFR 11.50(a)(3)). */
inline constexpr std::array<std::string_view, 3> kSignatureMeanings = {"authored", "reviewed", "reviewed and approved"};
/** The part of the summary an addendum corrects. */
inline constexpr std::array<std::string_view, 7> kAddendumSections = {"dose", "vitals", "observation", "ready_to_leave",
                                                                       "discharge", "reminders", "other"};

template <std::size_t N>
[[nodiscard]] constexpr bool contains(const std::array<std::string_view, N>& words, std::string_view word) {
  for (const auto w : words)
    if (w == word) return true;
  return false;
}
/** "a, b or c" */
template <std::size_t N>
[[nodiscard]] std::string listed(const std::array<std::string_view, N>& words) {
  std::string out;
  for (std::size_t i = 0; i < N; ++i) {
    if (i > 0) out += i + 1 == N ? " or " : ", ";
    out += words[i];
  }
  return out;
}
}  // namespace vocabulary

/** A clinician observed one client: sedation (MOAA/S), dissociation, breathing — at least one of them. */
struct Observed {
  static constexpr std::string_view kType = "observation";
  static constexpr bool kInSession = true, kRecorded = true;
  std::string client;
  std::optional<Millis> at_dose;
  /** MOAA/S 0..5 (vocabulary::kMoaasMin..kMoaasMax). */
  std::optional<std::int64_t> moaa_s;
  /** absent | present */
  std::optional<std::string> dissociation;
  /** The CADSS subscales seen (present only). */
  std::optional<std::vector<std::string>> dissociation_features;
  /** The CADSS total, when it was scored. */
  std::optional<std::int64_t> cadss;
  /** none | snoring | desaturation | apnoea | airway_support */
  std::optional<std::string> respiratory;
  /** The staff member who observed it (the device is the event's actor). */
  std::string by;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("client", e.client);
    v("at_dose_ms", e.at_dose);
    v("moaa_s", e.moaa_s, Visibility::Clinical);
    v("dissociation", e.dissociation, Visibility::Clinical);
    v("dissociation_features", e.dissociation_features, Visibility::Clinical);
    v("cadss", e.cadss, Visibility::Clinical);
    v("respiratory", e.respiratory, Visibility::Clinical);
    v("by", e.by, Visibility::Clinical);
  }
  static std::string check(const Observed& e) {
    using namespace vocabulary;
    if (!e.moaa_s && !e.dissociation && !e.respiratory)
      return "an observation needs at least one of 'moaa_s', 'dissociation', 'respiratory'";
    if (e.moaa_s && (*e.moaa_s < kMoaasMin || *e.moaa_s > kMoaasMax)) return "payload field 'moaa_s' must be 0-5";
    if (e.dissociation && !contains(kDissociation, *e.dissociation))
      return "payload field 'dissociation' must be " + listed(kDissociation);
    if ((e.dissociation_features || e.cadss) && e.dissociation != "present")
      return "dissociation features and the CADSS score belong to a dissociation that is present";
    if (e.dissociation_features)
      for (const auto& f : *e.dissociation_features)
        if (!contains(kDissociationFeatures, f))
          return "payload field 'dissociation_features' may list " + listed(kDissociationFeatures);
    if (e.cadss && (*e.cadss < 0 || *e.cadss > kCadssMax)) return "payload field 'cadss' must be 0-92";
    if (e.respiratory && !contains(kRespiratory, *e.respiratory))
      return "payload field 'respiratory' must be " + listed(kRespiratory);
    return e.by.empty() ? "payload field 'by' must name who observed it" : std::string();
  }
};

/** When a client could have left (the monitoring form's "ready to leave", as a clinician judged it). */
struct ReadyToLeave {
  static constexpr std::string_view kType = "ready_to_leave";
  static constexpr bool kInSession = true, kRecorded = true;
  std::string client;
  /** The time the clinician gave (now unless they said otherwise). */
  Instant at{};
  std::optional<Millis> at_dose;
  std::string by;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("client", e.client);
    v("ready_at", e.at);
    v("at_dose_ms", e.at_dose);
    v("by", e.by, Visibility::Clinical);
  }
  static std::string check(const ReadyToLeave& e) { return e.by.empty() ? "payload field 'by' must name who judged it" : ""; }
};

/** The client left the room's care; their monitoring is over. */
struct Discharged {
  static constexpr std::string_view kType = "discharged";
  static constexpr bool kInSession = true, kRecorded = true;
  std::string client;
  Instant at{};
  std::optional<Millis> at_dose;
  std::string by;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("client", e.client);
    v("discharged_at", e.at);
    v("at_dose_ms", e.at_dose);
    v("by", e.by, Visibility::Clinical);
  }
  static std::string check(const Discharged& e) { return e.by.empty() ? "payload field 'by' must name who discharged" : ""; }
};

/**
 * A clinician signed the session's summary: the SHA-256 of the summary's canonical JSON (report/), which covers
 * the session's recorded events up to `covers_seq` (whose hash is `covers_hash`). A signed session is never edited.
 */
struct Signed {
  static constexpr std::string_view kType = "signed";
  static constexpr bool kInSession = true, kRecorded = true;
  /** authored | reviewed | reviewed and approved */
  std::string meaning;
  std::string by;
  Instant at{};
  std::string content_hash;
  std::int64_t covers_seq = 0;
  std::string covers_hash;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("meaning", e.meaning);
    v("by", e.by, Visibility::Clinical);
    v("signed_at", e.at);
    v("content_hash", e.content_hash);
    v("covers_seq", e.covers_seq);
    v("covers_hash", e.covers_hash);
  }
  static std::string check(const Signed& e) {
    if (!vocabulary::contains(vocabulary::kSignatureMeanings, e.meaning))
      return "payload field 'meaning' must be " + vocabulary::listed(vocabulary::kSignatureMeanings);
    if (e.by.empty()) return "payload field 'by' must name the signer";
    return e.content_hash.size() == 64 ? std::string() : "payload field 'content_hash' must be a hex SHA-256";
  }
};

/** A correction or addition to a signed session, shown as such on the next summary. */
struct Addendum {
  static constexpr std::string_view kType = "addendum";
  static constexpr bool kInSession = true, kRecorded = true;
  std::string text;
  /** Which part of the summary it corrects (vocabulary::kAddendumSections). */
  std::string section;
  std::optional<std::string> client;
  std::string by;
  template <class E, class V>
  static void describe(E& e, V& v) {
    v("text", e.text, Visibility::Clinical);
    v("section", e.section);
    v("client", e.client);
    v("by", e.by, Visibility::Clinical);
  }
  static std::string check(const Addendum& e) {
    if (e.text.empty()) return "payload field 'text' must not be empty";
    if (!vocabulary::contains(vocabulary::kAddendumSections, e.section))
      return "payload field 'section' must be " + vocabulary::listed(vocabulary::kAddendumSections);
    return e.by.empty() ? "payload field 'by' must name who wrote it" : std::string();
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
                           ReminderDue, ReminderAcked, VitalsTaken, Observed, ReadyToLeave, Discharged, Signed,
                           Addendum, EmergencyRaised, SessionEnded, MonitoringEnded,
                           Cleared, FaultRaised, FaultCleared, CommandRefused, Recovered, CheckpointTaken,
                           ClockStepped, RecordReplaced, PreloadChecking, PreloadDropped>;

/** The record's name of the event's type. */
[[nodiscard]] std::string_view type_name(const Event& event) noexcept;
/** Whether the event is stored (false: applied live only). */
[[nodiscard]] bool is_recorded(const Event& event) noexcept;
/** Whether the event must belong to a session. */
[[nodiscard]] bool needs_session(const Event& event) noexcept;

}  // namespace stillroom::session
