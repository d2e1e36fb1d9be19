// ChainFixture: a room's record chain made in memory with the record's own
// canonical form and hash, so a test can hand the archive good events, repeats,
// gaps, forgeries and a replacement record.
#pragma once

#include "record/RecordEvent.hpp"
#include "record/RecordHash.hpp"

#include <string>
#include <vector>

namespace stillroom::test {

inline record::RecordEvent chain_event(std::int64_t seq, const std::string& prev, const std::string& type = "volume",
                                       nlohmann::json payload = {{"db", -6.0}}) {
  record::RecordEvent e;
  e.seq = seq;
  e.event_id = record::random_uuid();
  e.session = "room-x-s1";
  e.utc = "2026-01-01T00:00:0" + std::to_string(seq % 10) + ".000Z";
  e.monotonic_ns = 1000000000LL * seq;
  e.boot_id = "00000000-0000-4000-8000-000000000001";
  e.clock_synced = true;
  e.type = type;
  e.actor_device = "tablet-1";
  e.actor_role = "tablet";
  e.payload = record::canonical_payload(payload);
  e.prev_hash = prev;
  e.hash = record::compute_hash(e);
  return e;
}

/** seq 1..n, linked from the genesis hash. */
inline std::vector<record::RecordEvent> make_chain(int n) {
  std::vector<record::RecordEvent> chain;
  std::string prev(record::kGenesisHash);
  for (int i = 1; i <= n; ++i) {
    chain.push_back(chain_event(i, prev));
    prev = chain.back().hash;
  }
  return chain;
}

/** A replacement record's first event (what a room writes after moving a damaged file aside). */
inline record::RecordEvent replaced_event(std::int64_t last_good_seq, const std::string& last_good_hash) {
  return chain_event(1, std::string(record::kGenesisHash), "record_replaced",
                     {{"old_file", "/var/lib/stillroom/record.db.corrupt-20260101T000000Z"},
                      {"reason", "chain broken"},
                      {"last_good_seq", last_good_seq},
                      {"last_good_hash", last_good_hash}});
}

inline std::string wire(const record::RecordEvent& e) { return record::to_json(e).dump(); }

}  // namespace stillroom::test
