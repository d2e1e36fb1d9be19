// ArchiveVerifier: re-checks what the archive holds, from the database alone —
// every event's hash recomputed from its stored columns, every link to the
// event before it, seq 1, 2, 3… without gaps in each chain, and each room's
// checkpoints against the events they anchor. An auditor's tool (stillroom-archive
// verify) and the tests' proof. Reads through a cursor (constant memory).
#pragma once

#include "archive/PgConnection.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace stillroom::archive {

struct RoomVerification {
  std::string room;
  std::int64_t chains = 0;
  std::int64_t events = 0;
  /** The newest chain and its newest seq. */
  std::int64_t chain = 0;
  std::int64_t seq = 0;
  std::int64_t checkpoints_verified = 0;
  /** "" when everything verifies, else hash_mismatch | chain_broken | missing_rows | malformed_row | checkpoint_mismatch. */
  std::string problem;
  std::int64_t broken_chain = 0;
  std::int64_t broken_seq = 0;
  std::string detail;

  [[nodiscard]] bool ok() const noexcept { return problem.empty(); }
};

/** Verifies every room (or only `room`); throws PgError when the database cannot be read. */
[[nodiscard]] std::vector<RoomVerification> verify_archive(PgConnection& db, const std::string& room = {});

}  // namespace stillroom::archive
