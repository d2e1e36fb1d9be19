// RecordEvent: one entry of the clinical record as stored, what a caller asks
// to record (EventDraft), and the canonical serialisation the hash chain is
// computed over. docs/record.md defines the canonical form for auditors; this
// file is its reference implementation. Pure functions; any thread.
#pragma once

#include "session/Clock.hpp"
#include "session/Happened.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stillroom::record {

/** Who did it: the device the command came from and its role ("system" for the controller itself). */
using RecordActor = session::Actor;

/** What the caller asks to record; the record adds sequence, ids, times and hashes. */
struct EventDraft {
  /** Session id, "" for events outside a session. */
  std::string session;
  /** One of the vocabulary's types (RecordVocabulary.hpp). */
  std::string type;
  RecordActor actor;
  /** A JSON object; stored in canonical form (compact, keys sorted). */
  nlohmann::json payload = nlohmann::json::object();
  /** When it happened on this box; absent: when the record writes it. */
  std::optional<session::Stamp> at{};
};

/** One stored event, exactly as in the database. */
struct RecordEvent {
  /** Position in the record: 1, 2, 3, ... without gaps; the order of events (never the wall time). */
  std::int64_t seq = 0;
  /** Random UUID v4. */
  std::string event_id;
  /** Session id, "" outside a session. */
  std::string session;
  /** Wall clock when it happened, ISO 8601 UTC with milliseconds ("2026-01-01T00:00:00.000Z"); may be wrong when unsynced. */
  std::string utc;
  /** Monotonic clock when it happened, ns since boot. */
  std::int64_t monotonic_ns = 0;
  /** Boot the monotonic time belongs to. */
  std::string boot_id;
  /** The wall clock was synchronised (NTP/RTC) when it happened. */
  bool clock_synced = false;
  std::string type;
  std::string actor_device;
  std::string actor_role;
  /** Canonical JSON text of the payload object. */
  std::string payload;
  /** Hash of the previous event (genesis: 64 zeros). */
  std::string prev_hash;
  /** Hex SHA-256 of canonical_form(*this). */
  std::string hash;

  /** The payload parsed; throws nlohmann::json::exception when the stored text is not JSON. */
  [[nodiscard]] nlohmann::json payload_json() const { return nlohmann::json::parse(payload); }
};

/** The newest event's position and hash, published off the box to anchor the chain. */
struct Checkpoint {
  std::int64_t seq = 0;
  std::string hash;

  /** {"seq":N,"hash":"..."} */
  [[nodiscard]] nlohmann::json to_json() const { return {{"seq", seq}, {"hash", hash}}; }
};

/**
 * The bytes the hash covers: compact JSON, keys sorted, of every field except
 * `hash` — integers for seq, monotonic_ns and clock_synced (0/1), the payload as
 * a JSON string holding the stored payload text.
 */
[[nodiscard]] std::string canonical_form(const RecordEvent& event);

/** Well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF): what canonical_form needs. */
[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

/** Every text field of `event` is well-formed UTF-8, so canonical_form can be computed. */
[[nodiscard]] bool has_valid_text(const RecordEvent& event) noexcept;

/** Hex SHA-256 of canonical_form(event). */
[[nodiscard]] std::string compute_hash(const RecordEvent& event);

/** Canonical text of a payload object (compact, keys sorted); throws nlohmann::json::exception on invalid UTF-8. */
[[nodiscard]] std::string canonical_payload(const nlohmann::json& payload);

/**
 * Every field, the payload as a JSON object (what the forwarder publishes and
 * exports contain); a damaged row's payload that is not JSON is given as its text.
 */
[[nodiscard]] nlohmann::json to_json(const RecordEvent& event);

/** The inverse of to_json (payload re-serialised canonically); throws std::invalid_argument on a missing field. */
[[nodiscard]] RecordEvent event_from_json(const nlohmann::json& json);

}  // namespace stillroom::record
