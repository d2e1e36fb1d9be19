// RecordVerifier: walks the hash chain of a record and names the first seq
// where it is broken — a changed byte (hash mismatch), a deleted row (gap),
// reordered or replaced rows (prev_hash mismatch), a truncated tail (fewer rows
// than seqs issued or acknowledged), or a disagreement with an anchored
// checkpoint. Streams the rows (constant memory). Pure apart from reading the
// database; called by the thread that owns the connection.
#pragma once

#include "record/RecordDatabase.hpp"
#include "record/RecordEvent.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace stillroom::record {

struct VerifyOptions {
  /** A (seq, hash) published off the box earlier: the chain must contain exactly it. */
  std::optional<Checkpoint> checkpoint;
  /** First seq to recompute (the tail check at open); 1 = the whole chain. */
  std::int64_t from_seq = 1;
  /** Also run PRAGMA integrity_check on the file first. */
  bool integrity_check = false;
};

struct VerifyResult {
  enum class Problem {
    None,
    Damaged,             ///< SQLite's integrity check failed (broken_seq 0)
    MalformedRow,        ///< a column has the wrong type or format
    MissingRows,         ///< a gap: rows were deleted
    HashMismatch,        ///< the row's content does not match its hash: a byte was changed
    ChainBroken,         ///< prev_hash is not the previous row's hash: rows reordered or replaced
    TruncatedTail,       ///< rows after the newest were removed (seq issued, or checkpoint beyond it)
    BehindAcknowledged,  ///< the consumer acknowledged seqs the record no longer holds
    CheckpointMismatch,  ///< the row at the checkpoint's seq has another hash
  };

  Problem problem = Problem::None;
  /** The first seq that is wrong or missing (0 when the whole file is damaged). */
  std::int64_t broken_seq = 0;
  /** What exactly is wrong, for people. */
  std::string detail;
  /** Events whose hash was recomputed. */
  std::int64_t checked = 0;
  /** The newest row in the file. */
  std::int64_t last_seq = 0;
  std::string last_hash;
  /** The last row that verified before the first problem (0/"" when none). */
  std::int64_t last_good_seq = 0;
  std::string last_good_hash;

  [[nodiscard]] bool ok() const noexcept { return problem == Problem::None; }
  /** "intact: 12 events, seq 1..12, newest hash …" or "broken at seq 5: …". */
  [[nodiscard]] std::string message() const;
};

/** Stable name of a problem ("hash_mismatch", ...). */
[[nodiscard]] const char* to_string(VerifyResult::Problem problem) noexcept;

/** Verifies the chain; throws RecordError only when the file cannot be read at all. */
[[nodiscard]] VerifyResult verify_chain(RecordDatabase& db, const VerifyOptions& options = {});

}  // namespace stillroom::record
