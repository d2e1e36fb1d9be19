#include "archive/ArchiveVerifier.hpp"

#include "record/RecordHash.hpp"
#include "record/RecordLink.hpp"

namespace stillroom::archive {

std::vector<RoomVerification> verify_archive(PgConnection& db, const std::string& room) {
  std::vector<RoomVerification> out;
  db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    const std::string where = room.empty() ? "" : " WHERE room = $1";
    std::vector<PgParam> params;
    if (!room.empty()) params.emplace_back(room);
    db.exec("DECLARE archive_verify NO SCROLL CURSOR FOR SELECT room, chain, seq, event_id, session, utc, monotonic_ns, "
            "boot_id, clock_synced, type, actor_device, actor_role, payload, prev_hash, hash FROM archive_events" +
                where + " ORDER BY room, chain, seq",
            params);
    RoomVerification* current = nullptr;
    std::string previous_hash;
    std::int64_t previous_seq = 0;
    for (;;) {
      const PgResult r = db.exec("FETCH 2000 FROM archive_verify");
      if (r.rows() == 0) break;
      for (int i = 0; i < r.rows(); ++i) {
        const std::string name = r.text(i, 0);
        const std::int64_t chain = r.integer(i, 1);
        if (!current || current->room != name) {
          out.push_back({});
          current = &out.back();
          current->room = name;
        }
        if (current->chain != chain) {
          ++current->chains;
          current->chain = chain;
          previous_hash = std::string(record::kGenesisHash);
          previous_seq = 0;
        }
        record::RecordEvent e;
        e.seq = r.integer(i, 2);
        e.event_id = r.text(i, 3);
        e.session = r.text(i, 4);
        e.utc = r.text(i, 5);
        e.monotonic_ns = r.integer(i, 6);
        e.boot_id = r.text(i, 7);
        e.clock_synced = r.text(i, 8) == "t";
        e.type = r.text(i, 9);
        e.actor_device = r.text(i, 10);
        e.actor_role = r.text(i, 11);
        e.payload = r.text(i, 12);
        e.prev_hash = r.text(i, 13);
        e.hash = r.text(i, 14);
        ++current->events;
        current->seq = e.seq;
        if (!current->ok()) continue;
        const auto fail = [&](std::string problem, std::string detail) {
          current->problem = std::move(problem);
          current->broken_chain = chain;
          current->broken_seq = e.seq;
          current->detail = std::move(detail);
        };
        if (e.seq != previous_seq + 1) {
          fail("missing_rows", "chain " + std::to_string(chain) + " jumps from seq " + std::to_string(previous_seq) +
                                   " to " + std::to_string(e.seq));
        } else {
          const record::LinkCheck link = record::check_link(e, previous_hash);
          if (!link.ok()) fail(record::to_string(link.problem), "chain " + std::to_string(chain) + ", " + link.detail);
        }
        previous_hash = e.hash;
        previous_seq = e.seq;
      }
    }
    db.exec("CLOSE archive_verify");
    // Checkpoints the rooms anchored: each must be an archived event (a mismatch was already an alarm).
    const PgResult cps = db.exec(
        "SELECT c.room, c.seq, c.hash, c.state, (SELECT count(*) FROM archive_events e WHERE e.room = c.room AND "
        "e.seq = c.seq AND e.hash = c.hash) FROM archive_checkpoints c" +
            std::string(room.empty() ? "" : " WHERE c.room = $1") + " ORDER BY c.room, c.seq",
        params);
    for (int i = 0; i < cps.rows(); ++i) {
      for (auto& v : out) {
        if (v.room != cps.text(i, 0)) continue;
        if (cps.integer(i, 4) == 1) {
          ++v.checkpoints_verified;
        } else if (v.ok()) {
          v.problem = "checkpoint_mismatch";
          v.broken_seq = cps.integer(i, 1);
          v.detail = "the room's checkpoint seq " + cps.text(i, 1) + " hash " + cps.text(i, 2) +
                     " is not an archived event";
        }
      }
    }
    db.exec("COMMIT");
  } catch (...) {
    db.rollback_quietly();
    throw;
  }
  return out;
}

}  // namespace stillroom::archive
