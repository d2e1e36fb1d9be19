#include "record/RecordVerifier.hpp"

#include "record/RecordHash.hpp"
#include "record/RecordQueries.hpp"
#include "record/RecordSchema.hpp"

#include <algorithm>

namespace stillroom::record {
namespace {

using Problem = VerifyResult::Problem;

std::string short_hash(const std::string& hash) { return hash.size() > 12 ? hash.substr(0, 12) + "…" : hash; }

/** "" when the row's columns have the types and formats the record writes. */
std::string malformation(const RecordStatement& row, const RecordEvent& e) {
  for (int column : {4, 6})
    if (!row.column_is_integer(column)) return "monotonic_ns and clock_synced must be integers";
  for (int column : {1, 2, 3, 5, 7, 8, 9, 10, 11, 12})
    if (!row.column_is_text(column)) return "text columns must hold text";
  if (row.column_int(6) != 0 && row.column_int(6) != 1) return "clock_synced must be 0 or 1";
  if (!is_hex_sha256(e.hash) || !is_hex_sha256(e.prev_hash)) return "hash and prev_hash must be 64 hex digits";
  if (!has_valid_text(e)) return "text columns must hold UTF-8 text";
  return {};
}

VerifyResult& fail(VerifyResult& r, Problem problem, std::int64_t seq, std::string detail) {
  r.problem = problem;
  r.broken_seq = seq;
  r.detail = std::move(detail);
  return r;
}

}  // namespace

const char* to_string(VerifyResult::Problem problem) noexcept {
  switch (problem) {
    case Problem::None: return "none";
    case Problem::Damaged: return "damaged";
    case Problem::MalformedRow: return "malformed_row";
    case Problem::MissingRows: return "missing_rows";
    case Problem::HashMismatch: return "hash_mismatch";
    case Problem::ChainBroken: return "chain_broken";
    case Problem::TruncatedTail: return "truncated_tail";
    case Problem::BehindAcknowledged: return "behind_acknowledged";
    case Problem::CheckpointMismatch: return "checkpoint_mismatch";
  }
  return "unknown";
}

std::string VerifyResult::message() const {
  if (ok())
    return "intact: " + std::to_string(checked) + " events checked, seq " + (last_seq > 0 ? "1.." : "") +
           std::to_string(last_seq) + (last_hash.empty() ? "" : ", newest hash " + last_hash);
  return "broken at seq " + std::to_string(broken_seq) + " (" + to_string(problem) + "): " + detail;
}

VerifyResult verify_chain(RecordDatabase& db, const VerifyOptions& options) {
  VerifyResult r;
  if (options.integrity_check) {
    const std::string verdict = db.query_text("PRAGMA integrity_check(1)");
    if (verdict != "ok") return fail(r, Problem::Damaged, 0, "SQLite integrity check: " + verdict);
  }
  if (const auto newest = query_newest(db)) {
    r.last_seq = newest->seq;
    r.last_hash = newest->hash;
  }

  const std::int64_t from = std::max<std::int64_t>(options.from_seq, 1);
  std::int64_t expected_seq = from;
  std::string expected_prev(kGenesisHash);
  if (from > 1) {
    const auto before = query_event(db, from - 1);
    if (!before) return fail(r, Problem::MissingRows, from - 1, "seq " + std::to_string(from - 1) + " is missing");
    expected_prev = before->hash;
    r.last_good_seq = before->seq;
    r.last_good_hash = before->hash;
  }

  auto rows = db.prepare(std::string("SELECT ") + kEventColumns + " FROM events WHERE seq >= ?1 ORDER BY seq");
  rows.bind(1, from);
  while (rows.step()) {
    const RecordEvent e = read_event(rows);
    if (e.seq != expected_seq)
      return fail(r, Problem::MissingRows, expected_seq,
                  "seq " + std::to_string(expected_seq) +
                      (e.seq - expected_seq > 1 ? ".." + std::to_string(e.seq - 1) : std::string()) +
                      " missing: the next row is seq " + std::to_string(e.seq) + " (rows were deleted)");
    if (const auto bad = malformation(rows, e); !bad.empty()) return fail(r, Problem::MalformedRow, e.seq, bad);
    const std::string recomputed = compute_hash(e);
    ++r.checked;
    if (recomputed != e.hash)
      return fail(r, Problem::HashMismatch, e.seq,
                  "stored hash " + short_hash(e.hash) + " but the content hashes to " + short_hash(recomputed) +
                      " (the row was changed)");
    if (e.prev_hash != expected_prev)
      return fail(r, Problem::ChainBroken, e.seq,
                  "prev_hash " + short_hash(e.prev_hash) + " is not the hash of the row before (" +
                      short_hash(expected_prev) + "): rows were reordered, replaced or inserted");
    if (options.checkpoint && options.checkpoint->seq == e.seq && options.checkpoint->hash != e.hash)
      return fail(r, Problem::CheckpointMismatch, e.seq,
                  "the anchored checkpoint says " + short_hash(options.checkpoint->hash) + " but the row is " +
                      short_hash(e.hash) + " (the chain was rewritten from here or earlier)");
    expected_prev = e.hash;
    ++expected_seq;
    r.last_good_seq = e.seq;
    r.last_good_hash = e.hash;
  }

  const std::int64_t issued = query_issued(db);
  if (r.last_seq < issued)
    return fail(r, Problem::TruncatedTail, r.last_seq + 1,
                "the newest row is seq " + std::to_string(r.last_seq) + " but seq " + std::to_string(issued) +
                    " was issued (rows at the end were removed)");
  const std::int64_t acknowledged = query_acknowledged(db);
  if (r.last_seq < acknowledged)
    return fail(r, Problem::BehindAcknowledged, r.last_seq + 1,
                "the consumer acknowledged seq " + std::to_string(acknowledged) + " but the newest row is seq " +
                    std::to_string(r.last_seq));
  if (options.checkpoint && options.checkpoint->seq > r.last_seq)
    return fail(r, Problem::TruncatedTail, r.last_seq + 1,
                "the anchored checkpoint is at seq " + std::to_string(options.checkpoint->seq) +
                    " but the newest row is seq " + std::to_string(r.last_seq));
  return r;
}

}  // namespace stillroom::record
