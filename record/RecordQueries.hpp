// RecordQueries: what the record's readers ask of the database — events after
// a seq, a session's events, the newest event, the list of sessions with their
// state at the end. Shared by the writer (Record) and the read-only reader
// (RecordReader). Called by the thread that owns the connection.
#pragma once

#include "record/RecordDatabase.hpp"
#include "record/RecordEvent.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stillroom::record {

/** One session as `stillroom record list` shows it. */
struct SessionSummary {
  std::string session;
  /** Pseudonymous client ids: every client session_preloaded and session_started name, in that order. */
  std::vector<std::string> clients;
  std::string protocol;
  /** utc of the session's first and last event (by seq). */
  std::string first_utc;
  std::string last_utc;
  std::int64_t first_seq = 0;
  std::int64_t last_seq = 0;
  std::int64_t events = 0;
  /** preloaded | running | paused | emergency | ended:<reason> | monitoring_ended | cleared | unknown */
  std::string state;
};

/** The event in the current row of a statement selecting kEventColumns. */
[[nodiscard]] RecordEvent read_event(const RecordStatement& row);

/** The event with the highest seq, nullopt for an empty record. */
[[nodiscard]] std::optional<RecordEvent> query_newest(RecordDatabase& db);

/** The event at `seq`, nullopt when there is none. */
[[nodiscard]] std::optional<RecordEvent> query_event(RecordDatabase& db, std::int64_t seq);

/** Up to `limit` events with seq > `after`, in seq order. */
[[nodiscard]] std::vector<RecordEvent> query_events_after(RecordDatabase& db, std::int64_t after, std::size_t limit);

/** Every event of `session`, in seq order. */
[[nodiscard]] std::vector<RecordEvent> query_session_events(RecordDatabase& db, const std::string& session);

/** Every session ("" excluded), in the order they began. */
[[nodiscard]] std::vector<SessionSummary> query_sessions(RecordDatabase& db);

/** Highest seq the consumer acknowledged (0: none). */
[[nodiscard]] std::int64_t query_acknowledged(RecordDatabase& db);

/** Highest seq ever issued (sqlite_sequence), even if rows after it were removed. */
[[nodiscard]] std::int64_t query_issued(RecordDatabase& db);

}  // namespace stillroom::record
