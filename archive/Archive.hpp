// Archive: the clinic record archive. Consumes every room's record stream from
// the clinic broker (ArchiveLink), judges each event against the room's chain
// (RoomChain), stores the good ones in PostgreSQL in batches, one transaction
// each (ArchiveStore), and only then acknowledges on <prefix>/<room>/record/ack
// the highest contiguous seq committed. A crash between commit and ack costs a
// repeat (recognised by its hash), never a loss; an ack is never ahead of the
// database. A refused event is logged, stored among the refusals, raised as the
// room's alarm, and never stored as an event.
//
// Threads: run() is the worker (store, chains, acks, timers); Paho's threads
// only queue what arrives; stop() may be called from any thread (a signal).
#pragma once

#include "archive/ArchiveConfig.hpp"

#include <cstdint>
#include <iosfwd>
#include <memory>

namespace stillroom::archive {

struct ArchiveCounters {
  std::int64_t stored = 0;
  std::int64_t duplicates = 0;
  std::int64_t ahead = 0;
  std::int64_t refused = 0;
  std::int64_t new_chains = 0;
  std::int64_t acks = 0;
  std::int64_t batches = 0;
  std::int64_t store_failures = 0;
};

class Archive {
 public:
  /** Throws std::runtime_error when the MQTT client cannot be set up. */
  Archive(ArchiveConfig config, std::ostream& log);
  ~Archive();
  Archive(const Archive&) = delete;
  Archive& operator=(const Archive&) = delete;

  /** Works until stop(); returns 0 after an orderly stop, 1 when the database refuses to serve this archive. */
  int run();
  /** Asks run() to finish its batch and return; any thread, async-signal-safe. */
  void stop() noexcept;
  /** Counters so far (read after run() returned, or racy but harmless while it runs). */
  [[nodiscard]] ArchiveCounters counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stillroom::archive
