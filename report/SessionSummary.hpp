// SessionSummary: the session summary a clinician signs, read from the
// record's events of one session — the monitoring form's content (doses,
// vitals at each reminder point, observations, reminders, pauses, talk,
// boosters, emergency, faults, monitored minutes, ready to leave, discharge),
// the picture's phases and marks on the dose clock, and the signature and
// addenda. The content hash a signature covers is the SHA-256 of the content's
// canonical JSON, so the same events always give the same hash. Pure; any thread.
#pragma once

#include "record/RecordEvent.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stillroom::report {

struct DoseLine {
  std::string medication, route, unit = "mg", utc, entered_by, confirmed_by;
  double amount = 0;
  std::optional<std::string> lot;
  std::int64_t at_dose_ms = 0;
  bool booster = false;
};

struct VitalsLine {
  /** baseline, a reminder's id, "before discharge", or "+MM min" on the client's clock. */
  std::string point, utc, device;
  std::optional<std::int64_t> at_dose_ms;
  std::int64_t bp_sys = 0, bp_dia = 0;
  std::optional<std::int64_t> hr, spo2;
};

struct ObservationLine {
  std::string utc, by, device;
  std::optional<std::int64_t> at_dose_ms, moaa_s, cadss;
  std::optional<std::string> dissociation, respiratory;
  std::vector<std::string> dissociation_features;
};

struct ReminderLine {
  std::string reminder, text, due_utc;
  std::int64_t due_ms = 0;
  std::optional<std::string> acked_utc;
  std::optional<std::int64_t> acked_after_ms;
};

struct CareLine {
  std::string utc, by, device;
  std::optional<std::int64_t> at_dose_ms;
};

struct ClientSummary {
  std::string id;
  std::vector<DoseLine> doses;
  std::vector<VitalsLine> vitals;
  std::vector<ObservationLine> observations;
  std::vector<ReminderLine> reminders;
  std::optional<CareLine> ready_to_leave, discharged;
  /** The client's first dose to their discharge (else the end of their monitoring), whole minutes. */
  std::optional<std::int64_t> monitored_minutes;
  std::optional<std::int64_t> monitoring_ended_ms;
};

/** A phase as the room played it, on the room's dose clock. */
struct PhaseBand {
  std::string name;
  std::int64_t index = 0, from_ms = 0, to_ms = 0;
};

/** Something that happened at one moment: pause, resume, talk, booster, emergency, fault, end. */
struct Mark {
  std::string kind, text, utc;
  std::optional<std::int64_t> at_dose_ms;
  std::optional<std::string> client;
};

struct Signature {
  std::string meaning, by, device, utc, content_hash, covers_hash;
  std::int64_t covers_seq = 0, seq = 0;
  /** The content recomputed from the events up to covers_seq has this hash (false: it does not match). */
  bool matches = false;
};

struct AddendumLine {
  std::string text, section, by, device, utc;
  std::optional<std::string> client;
  std::int64_t seq = 0;
};

struct Summary {
  std::string session, room_device, protocol, route, medication, playlist, status = "preloaded";
  std::optional<std::string> started_utc, dose_utc, ended_utc, end_reason;
  std::vector<ClientSummary> clients;
  std::vector<PhaseBand> phases;
  std::vector<Mark> marks;
  std::optional<std::int64_t> session_end_ms;
  std::optional<Signature> signature;
  std::vector<AddendumLine> addenda;
  /** The newest event the summary covers. */
  std::int64_t last_seq = 0;
  std::string last_hash;
  /** The record's verification, as `stillroom record verify` says it. */
  bool verified = false;
  std::string verification;

  [[nodiscard]] const ClientSummary* find_client(const std::string& id) const;
};

/**
 * The rows a summary reads: every event from the session's first to its last (faults outside any session in that
 * span belong to it). `Source` is a record::Record or a record::RecordReader. Empty when the session is unknown.
 */
template <class Source>
[[nodiscard]] std::vector<record::RecordEvent> session_span(Source& source, const std::string& session) {
  const auto own = source.session_events(session);
  if (own.empty()) return own;
  return source.events_after(own.front().seq - 1, static_cast<std::size_t>(own.back().seq - own.front().seq + 1));
}

/**
 * The summary of `session` from `rows`: the record's events in seq order from the session's first to its last (rows
 * of other sessions are left out; faults outside any session within that span are kept).
 */
[[nodiscard]] Summary summarise(const std::string& session, const std::vector<record::RecordEvent>& rows);

/** The clinical content (everything but signature, addenda and the record footer), keys sorted. */
[[nodiscard]] nlohmann::json content_json(const Summary& summary);
/** Hex SHA-256 of content_json(summary).dump(): what a signature covers. */
[[nodiscard]] std::string content_hash(const Summary& summary);
/** The whole summary for the EHR: content, signature, addenda, record footer. */
[[nodiscard]] nlohmann::json summary_json(const Summary& summary);

}  // namespace stillroom::report
