// ArchiveStore: the clinic's record archive in PostgreSQL (libpq, no ORM).
// Appends each batch of verified events in one transaction — new chains first,
// then the events in order — so a batch is committed whole or not at all; the
// heads the archive acknowledges are read back from what is committed. Holds a
// session advisory lock so only one archive writes to a database. Owned by the
// archive's worker thread (not thread-safe). Schema: ArchiveSchema.
#pragma once

#include "archive/PgConnection.hpp"
#include "archive/RoomChain.hpp"
#include "record/RecordEvent.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace stillroom::archive {

/** One event to store, with its place in the archive. */
struct StoredEvent {
  std::string room;
  std::int64_t chain = 0;
  record::RecordEvent event;
  /** The first event of a new chain (seq 1): the chain's row is created with it. */
  bool starts_chain = false;
};

class ArchiveStore {
 public:
  explicit ArchiveStore(std::string conninfo);

  /**
   * Connects (again, after a loss), creates the schema and takes the writer lock.
   * Throws PgError; connection_lost() says whether to retry later.
   */
  void open();
  [[nodiscard]] bool is_open() const noexcept { return db_ && db_->ok(); }
  /** Forgets the connection (after a failure); the next open() starts afresh. */
  void close() noexcept { db_.reset(); }

  /** Every room's newest archived event (of its newest chain). */
  [[nodiscard]] std::map<std::string, ChainHead> heads();
  /** The archive holds an event of `room` with this hash. */
  [[nodiscard]] bool holds(const std::string& room, const std::string& hash);
  /** The chain of `room` whose event at `seq` has `hash`, if any. */
  [[nodiscard]] std::optional<std::int64_t> chain_holding(const std::string& room, std::int64_t seq,
                                                          const std::string& hash);
  /** The hashes of `room`'s newest `count` events of `chain` (to recognise repeats without asking the database). */
  [[nodiscard]] std::vector<std::string> recent_hashes(const std::string& room, std::int64_t chain, int count);

  /** Stores the batch in one transaction, in order; throws PgError and then nothing of it is stored. */
  void append(const std::vector<StoredEvent>& batch);
  /**
   * Records a refused message (never among the events). True the first time this
   * (room, chain, seq, hash, problem) is refused; a repeat only counts.
   */
  bool refuse(const std::string& room, std::int64_t chain, const Judgement& judgement, const std::string& message);
  /** Records a room's checkpoint and what it matched. */
  void checkpoint(const std::string& room, std::int64_t seq, const std::string& hash,
                  std::optional<std::int64_t> chain, bool verified);

  /** The connection (open() first), for queries of the command line. */
  [[nodiscard]] PgConnection& connection();

 private:
  std::string conninfo_;
  std::unique_ptr<PgConnection> db_;
};

}  // namespace stillroom::archive
