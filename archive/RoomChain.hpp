// RoomChain: how the archive judges one event of a room's record stream
// against what it holds of that room — the next link of the chain, the first
// event of a replacement record (record_replaced at seq 1), a repeat of
// something held, an event from beyond a gap, or a refusal (malformed, a hash
// that does not recompute, a broken link, another event where one is held).
// Pure functions; the archive's worker thread calls them.
#pragma once

#include "record/RecordEvent.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace stillroom::archive {

/** The newest event the archive holds of a room: chain 0 / seq 0 when it holds nothing. */
struct ChainHead {
  /** 1 for the room's first record; +1 at every record_replaced that starts a new one. */
  std::int64_t chain = 0;
  std::int64_t seq = 0;
  std::string hash;

  [[nodiscard]] bool empty() const noexcept { return seq == 0; }
};

enum class Arrival {
  Next,       ///< seq = head + 1 and prev_hash = the head's hash: store it
  NewChain,   ///< record_replaced at seq 1 from the genesis hash: the room's record was replaced; store it as chain + 1
  Duplicate,  ///< the archive holds exactly this event already: store nothing
  Ahead,      ///< beyond a gap (seq > head + 1): store nothing, ask for what is missing
  Refused,    ///< cannot be stored as good: malformed, hash mismatch, broken link, conflict
};

[[nodiscard]] const char* to_string(Arrival arrival) noexcept;

struct Judgement {
  Arrival arrival = Arrival::Refused;
  /** The event as parsed (seq 0 when the message could not be read at all). */
  record::RecordEvent event;
  /** For a refusal: malformed | hash_mismatch | chain_broken | conflict. */
  std::string problem;
  /** What exactly is wrong, for the log and the alarm. */
  std::string detail;
};

/** True when the archive holds an event of this room with this hash (any chain, any seq). */
using HoldsHash = std::function<bool(const std::string& hash)>;

/** Judges one message of `<prefix>/<room>/record` against the room's head. */
[[nodiscard]] Judgement judge(const ChainHead& head, std::string_view payload, const HoldsHash& holds);

/** The head after storing a Next or NewChain event (anything else leaves it as it is). */
[[nodiscard]] ChainHead advance(const ChainHead& head, const Judgement& judgement);

}  // namespace stillroom::archive
