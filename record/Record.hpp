// Record: the clinical record of the room — an append-only, hash-chained event
// log in SQLite (WAL, synchronous=FULL, one transaction per event) with a
// store-and-forward outbox. append() returns only after COMMIT succeeded; any
// storage failure (full disk, read-only, I/O, corruption) throws RecordError,
// drops the connection and the next call opens the file again, so appends work
// once the cause is gone. At open the file is checked (quick_check and the
// chain's tail); a damaged file is moved aside untouched, a new one is started
// and its first event, record_replaced, names the old one.
//
// Owned and called by the controller thread only (not thread-safe): MQTT acks
// reach it as commands on that thread. See docs/record.md.
#pragma once

#include "session/Clock.hpp"
#include "record/RecordDatabase.hpp"
#include "record/RecordError.hpp"
#include "record/RecordEvent.hpp"
#include "record/RecordQueries.hpp"
#include "record/RecordVerifier.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace stillroom::record {

struct RecordOptions {
  /** Actor device of the events the record writes itself (the room box's id). */
  std::string device = "stillroom";
  /** Events at the end of the chain re-verified at every open. */
  std::int64_t tail_check = 64;
  /**
   * SQLite's quick_check of the whole file at open (a damaged file is moved aside). Off, only the chain's
   * tail is checked and the caller runs record_file_damage() later (RecordFileCheck.hpp).
   */
  bool check_file_at_open = true;
  /** How long to wait for another process holding the database lock. */
  int busy_timeout_ms = 5000;
  /** FULL survives power loss; NORMAL exists only as the benchmark's reference. */
  enum class Sync { Full, Normal };
  Sync sync = Sync::Full;
  /** A disagreement of wall and monotonic time beyond this is recorded as clock_stepped. */
  std::chrono::milliseconds step_tolerance{1000};
  /** SQLite VFS to open the file through; empty: SQLite's default. Tests name a fault-injecting one. */
  std::string vfs{};
};

/** A damaged record that was moved aside at open. */
struct RecordReplacement {
  /** Where the old file (and its -wal/-shm) now is. */
  std::filesystem::path preserved_as;
  /** Why: SQLite's verdict or the chain check's message. */
  std::string reason;
  /** The last event of the old file that still verified (0/"" when none could be read). */
  std::int64_t last_good_seq = 0;
  std::string last_good_hash;
};

/** What the last (re)open found. */
struct OpenReport {
  /** The record can be written now. */
  bool available = false;
  /** A new, empty file was started (first use, or after a replacement). */
  bool created = false;
  /** Set when a damaged file was moved aside in this open. */
  std::optional<RecordReplacement> replaced;
  /** Why the record is not available. */
  std::optional<RecordError> error;
};

/** The durability settings in force on the writing connection. */
struct RecordDurability {
  std::string journal_mode;
  /** PRAGMA synchronous: 2 = FULL, 1 = NORMAL. */
  int synchronous = 0;
  int busy_timeout_ms = 0;
};

/** The first reply to a command, stored in the same transaction as the events it caused. */
struct Answer {
  std::string device;
  std::string id;
  /** The reply as sent (JSON text). */
  std::string reply;
  /** When it was answered (ISO 8601 UTC). */
  std::string utc;
};

class Record {
 public:
  /** Called after every committed event (including clock_stepped and record_replaced). */
  using CommitListener = std::function<void(const RecordEvent&)>;

  /** Opens (or creates) the record; never throws for storage problems: see open_report(). */
  Record(std::filesystem::path path, session::Clock& clock, RecordOptions options = {});
  ~Record();
  Record(const Record&) = delete;
  Record& operator=(const Record&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  /** The result of the last open (the constructor's, or a reopen after a failure). */
  [[nodiscard]] const OpenReport& open_report() const noexcept { return report_; }
  /** A connection is open and trusted. */
  [[nodiscard]] bool available() const noexcept { return db_ != nullptr; }

  /**
   * Validates, stores and returns the event once COMMIT succeeded. Throws
   * RecordError: InvalidEvent (nothing touched) or a storage failure (the next
   * call reopens the file). A wall-clock step since the previous event is
   * recorded first as clock_stepped.
   *
   * A storage failure during COMMIT (a failed fsync) can leave the event in the
   * file all the same. The next append looks for it first: if it is there and
   * the draft is the same event again (the caller retrying), the stored event
   * is returned instead of writing it twice.
   */
  RecordEvent append(const EventDraft& draft);
  /**
   * Stores `drafts` and, when given, the answer to the command that caused them,
   * in one transaction: all or nothing. Same rules and errors as append().
   */
  std::vector<RecordEvent> append(const std::vector<EventDraft>& drafts, const std::optional<Answer>& answer = std::nullopt);
  /** Answers stored at or after `since` (ISO 8601 UTC compares as text), oldest first. */
  [[nodiscard]] std::vector<Answer> answers_since(const std::string& since);

  /** (seq, hash) of the newest event, nullopt when the record is empty. */
  [[nodiscard]] std::optional<Checkpoint> checkpoint();

  /** Up to `limit` events after the acknowledged seq, in order. */
  [[nodiscard]] std::vector<RecordEvent> pending(std::size_t limit);
  /** Up to `limit` events with seq > `seq`, in order. */
  [[nodiscard]] std::vector<RecordEvent> events_after(std::int64_t seq, std::size_t limit);
  /** Highest seq the consumer acknowledged (0: none). */
  [[nodiscard]] std::int64_t acknowledged();
  /**
   * Stores the consumer's acknowledgement durably. True when it moved forward,
   * false for a stale one (<= the stored seq); throws RecordError(Refused) for a
   * seq beyond the newest event or below 0.
   */
  bool acknowledge(std::int64_t seq);

  /** Verifies the whole chain (see RecordVerifier). */
  [[nodiscard]] VerifyResult verify(const VerifyOptions& options = {});
  [[nodiscard]] std::vector<SessionSummary> sessions();
  [[nodiscard]] std::vector<RecordEvent> session_events(const std::string& session);
  [[nodiscard]] RecordDurability durability();

  /** Replaces the commit listener (one per record; the forwarder installs itself). */
  void set_commit_listener(CommitListener listener) { listener_ = std::move(listener); }

 private:
  struct Statements;

  /** Opens the file, checks it, replaces it when damaged; fills report_. */
  void open();
  /** Checks an existing file; returns the trusted connection or moves the file aside and returns null. */
  std::unique_ptr<RecordDatabase> inspect_existing();
  /** Sets WAL, synchronous, schema and file modes on a connection. */
  void configure(RecordDatabase& db);
  /** The open connection, reopening when a previous failure dropped it; throws RecordError. */
  RecordDatabase& connection();
  /** Forgets the connection after a storage failure so the next call reopens. */
  void drop_connection() noexcept;
  /** Runs `work` on the connection; a storage failure drops the connection and is rethrown. */
  template <typename Work>
  auto guarded(Work&& work);
  /** Commits the drafts (and the answer); a storage failure during their COMMIT leaves them in in_doubt_. */
  std::vector<RecordEvent> write(const std::vector<EventDraft>& drafts, const std::optional<Answer>& answer);
  /** One BEGIN IMMEDIATE ... COMMIT for the drafts and the answer (`committing` set during COMMIT); clock_stepped first when the wall clock jumped. */
  std::vector<RecordEvent> commit_batch(const std::vector<EventDraft>& drafts, const std::optional<Answer>& answer,
                                        std::vector<RecordEvent>& committing);
  /** Inserts one event inside the open transaction and returns it. */
  RecordEvent insert(const EventDraft& draft, const session::ClockReading& reading, const std::string& boot_id,
                     std::int64_t seq, const std::string& prev_hash);
  void notify(const RecordEvent& event) noexcept;
  /** The events of a failed COMMIT if they are in the file after all (notified then), else none; throws RecordError. */
  std::vector<RecordEvent> settle_in_doubt();

  std::filesystem::path path_;
  session::Clock& clock_;
  RecordOptions options_;
  OpenReport report_;
  /** A replacement whose record_replaced event is not yet written. */
  std::optional<RecordReplacement> unannounced_replacement_;
  /** The events whose COMMIT failed with a storage error: in the file or not, the next append finds out. */
  std::optional<std::vector<RecordEvent>> in_doubt_;
  std::unique_ptr<RecordDatabase> db_;
  std::unique_ptr<Statements> statements_;
  CommitListener listener_;
};

}  // namespace stillroom::record
