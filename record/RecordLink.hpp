// RecordLink: checks one event received off the box against the event before
// it, without the room's database — what an archive does with each event of the
// stream as it arrives. The same rules as RecordVerifier, one link at a time.
// Pure functions; any thread.
#pragma once

#include "record/RecordEvent.hpp"
#include "record/RecordVerifier.hpp"

#include <string>
#include <string_view>

namespace stillroom::record {

struct LinkCheck {
  /** None, MalformedRow, HashMismatch or ChainBroken. */
  VerifyResult::Problem problem = VerifyResult::Problem::None;
  std::string detail;

  [[nodiscard]] bool ok() const noexcept { return problem == VerifyResult::Problem::None; }
};

/**
 * The event's own fields are well formed (seq >= 1, hashes are 64 lower-case hex digits, the
 * event id a UUID, no NUL byte in any text) and its hash recomputes from them.
 */
[[nodiscard]] LinkCheck check_event(const RecordEvent& event);

/** check_event, and its prev_hash is `previous_hash` (kGenesisHash for seq 1). */
[[nodiscard]] LinkCheck check_link(const RecordEvent& event, std::string_view previous_hash);

}  // namespace stillroom::record
