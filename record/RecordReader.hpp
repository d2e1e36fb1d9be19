// RecordReader: a read-only view of a record file for the command line and the
// exports. Opens the file read-only (it never creates, repairs or moves
// anything), so it can be pointed at a live record, a copy, or a file that was
// moved aside as damaged. Used by one thread.
#pragma once

#include "record/RecordDatabase.hpp"
#include "record/RecordEvent.hpp"
#include "record/RecordQueries.hpp"
#include "record/RecordVerifier.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace stillroom::record {

class RecordReader {
 public:
  /** Throws RecordError: NotFound (no file), NotARecord (another database), or the open failure. */
  explicit RecordReader(const std::filesystem::path& path, int busy_timeout_ms = 5000);

  [[nodiscard]] std::vector<SessionSummary> sessions() { return query_sessions(db_); }
  [[nodiscard]] std::vector<RecordEvent> session_events(const std::string& session) {
    return query_session_events(db_, session);
  }
  [[nodiscard]] std::vector<RecordEvent> events_after(std::int64_t seq, std::size_t limit) {
    return query_events_after(db_, seq, limit);
  }
  [[nodiscard]] std::optional<Checkpoint> checkpoint();
  [[nodiscard]] std::int64_t acknowledged() { return query_acknowledged(db_); }
  [[nodiscard]] VerifyResult verify(const VerifyOptions& options = {}) { return verify_chain(db_, options); }

 private:
  /** The read-only connection. */
  RecordDatabase db_;
};

}  // namespace stillroom::record
