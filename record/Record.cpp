#include "record/Record.hpp"

#include "config/Duration.hpp"
#include "record/RecordClockStep.hpp"
#include "record/RecordFiles.hpp"
#include "record/RecordHash.hpp"
#include "record/RecordSchema.hpp"
#include "record/RecordVocabulary.hpp"
#include "session/EventCodec.hpp"

#include <algorithm>
#include <cerrno>
#include <system_error>

namespace stillroom::record {

/** Statements prepared once per connection: the append path runs no SQL compiler. */
struct Record::Statements {
  RecordStatement begin;
  RecordStatement commit;
  RecordStatement newest;
  RecordStatement issued;
  RecordStatement insert;
  RecordStatement answer;

  explicit Statements(RecordDatabase& db)
      : begin(db.prepare("BEGIN IMMEDIATE", true)),
        commit(db.prepare("COMMIT", true)),
        newest(db.prepare("SELECT seq, utc, monotonic_ns, boot_id, hash FROM events ORDER BY seq DESC LIMIT 1", true)),
        issued(db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'", true)),
        insert(db.prepare(std::string("INSERT INTO events (") + kEventColumns +
                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                          true)),
        answer(db.prepare("INSERT OR IGNORE INTO answered (device, id, reply, utc) VALUES (?1, ?2, ?3, ?4)", true)) {}
};

namespace {

/** "2026-01-01T09:30:00.000Z" -> "20260101T093000Z" for file names. */
std::string file_stamp(std::chrono::system_clock::time_point t) {
  std::string stamp;
  for (char c : config::format_instant(t).substr(0, 19))
    if (c != '-' && c != ':') stamp.push_back(c);
  return stamp + "Z";
}

void run(RecordStatement& statement) {
  statement.reset();
  statement.step();
  statement.reset();
}

/** The stored event is what `draft` asks to record (a retry of it). */
bool is_same_event(const RecordEvent& event, const EventDraft& draft) {
  return event.type == draft.type && event.session == draft.session && event.actor_device == draft.actor.device &&
         event.actor_role == draft.actor.role && event.payload == canonical_payload(draft.payload);
}

/** The stored events (clock_stepped markers aside) are these drafts again: the caller is retrying them. */
bool is_same_batch(const std::vector<RecordEvent>& stored, const std::vector<EventDraft>& drafts) {
  std::size_t next = 0;
  for (const auto& e : stored) {
    if (e.type == session::ClockStepped::kType) continue;
    if (next >= drafts.size() || !is_same_event(e, drafts[next])) return false;
    ++next;
  }
  return next == drafts.size();
}

}  // namespace

Record::Record(std::filesystem::path path, session::Clock& clock, RecordOptions options)
    : path_(std::move(path)), clock_(clock), options_(std::move(options)) {
  open();
}

Record::~Record() { drop_connection(); }

void Record::drop_connection() noexcept {
  statements_.reset();
  db_.reset();
}

void Record::open() {
  report_ = OpenReport{};
  drop_connection();
  try {
    if (path_.has_parent_path()) {
      RecordUmask umask;
      std::error_code error;
      std::filesystem::create_directories(path_.parent_path(), error);
      if (error)
        throw RecordError(error.value() == EROFS || error.value() == EACCES ? RecordError::Kind::ReadOnly
                                                                             : RecordError::Kind::Io,
                          "cannot create the record directory " + path_.parent_path().string() + ": " +
                              error.message(),
                          0, error.value());
    }
    std::unique_ptr<RecordDatabase> db;
    std::error_code missing;
    if (std::filesystem::exists(path_, missing)) db = inspect_existing();
    if (!db) {
      RecordUmask umask;
      create_private_file(path_);
      db = std::make_unique<RecordDatabase>(path_, RecordDatabase::Access::Write, options_.busy_timeout_ms, options_.vfs);
      if (db->read_only())
        throw RecordError(RecordError::Kind::ReadOnly, "the record " + path_.string() + " cannot be written");
      report_.created = true;
    }
    configure(*db);
    statements_ = std::make_unique<Statements>(*db);
    db_ = std::move(db);
    report_.available = true;
    if (unannounced_replacement_) {
      const RecordReplacement& r = *unannounced_replacement_;
      EventDraft draft;
      draft.type = std::string(session::RecordReplaced::kType);
      draft.actor = {options_.device, "system"};
      draft.payload = session::encode(session::RecordReplaced{r.preserved_as.string(), r.reason, r.last_good_hash, r.last_good_seq});
      validate_draft(draft, true);
      write({draft}, std::nullopt);
      unannounced_replacement_.reset();
    }
  } catch (const RecordError& error) {
    drop_connection();
    report_.available = false;
    report_.error = error;
    if (error.kind() == RecordError::Kind::Io && error.system_errno() == 0) {
      if (const auto diagnosis = diagnose_write_failure(path_))
        report_.error = RecordError(diagnosis->kind, std::string(error.what()) + ": " + diagnosis->reason,
                                    error.sqlite_code());
    }
  } catch (const std::exception& error) {
    // Whatever else failed (a filesystem query, the random source): the record is unavailable, never a crash.
    drop_connection();
    report_.available = false;
    report_.error = RecordError(RecordError::Kind::Io, "cannot open the record " + path_.string() + ": " + error.what());
  }
}

std::unique_ptr<RecordDatabase> Record::inspect_existing() {
  auto db = std::make_unique<RecordDatabase>(path_, RecordDatabase::Access::Write, options_.busy_timeout_ms, options_.vfs);
  if (db->read_only())
    throw RecordError(RecordError::Kind::ReadOnly,
                      "the record " + path_.string() + " is read-only (the file or its filesystem cannot be written)");
  std::string damage;
  VerifyResult tail;
  try {
    const std::string quick = options_.check_file_at_open ? db->query_text("PRAGMA quick_check(1)") : "ok";
    if (quick != "ok") {
      damage = "SQLite quick_check: " + quick;
    } else {
      const SchemaState state = schema_state(*db);
      if (state == SchemaState::Foreign)
        throw RecordError(RecordError::Kind::NotARecord,
                          path_.string() + " is an SQLite database but not a stillroom record (schema version " +
                              std::to_string(db->query_int("PRAGMA user_version")) + "); it was not touched");
      if (state == SchemaState::Record) {
        VerifyOptions check;
        check.from_seq = std::max<std::int64_t>(1, query_issued(*db) - options_.tail_check + 1);
        tail = verify_chain(*db, check);
        if (!tail.ok()) damage = "chain " + tail.message();
      }
    }
  } catch (const RecordError& error) {
    if (error.kind() != RecordError::Kind::Corrupt) throw;
    damage = error.what();
  }
  if (damage.empty()) return db;

  RecordReplacement replacement;
  replacement.reason = damage;
  replacement.last_good_seq = tail.last_good_seq;
  replacement.last_good_hash = tail.last_good_hash;
  if (replacement.last_good_seq == 0) {
    // Best effort: how far does the old chain still verify from its start?
    try {
      const VerifyResult whole = verify_chain(*db);
      replacement.last_good_seq = whole.last_good_seq;
      replacement.last_good_hash = whole.last_good_hash;
    } catch (const RecordError&) {
    }
  }
  db.reset();  // closes without checkpointing: the damaged file is kept as found
  replacement.preserved_as = move_record_aside(path_, "corrupt", file_stamp(clock_.now().wall));
  report_.replaced = replacement;
  unannounced_replacement_ = replacement;
  return nullptr;
}

void Record::configure(RecordDatabase& db) {
  RecordUmask umask;
  restrict_record_modes(path_);
  db.trust();
  const std::string mode = db.query_text("PRAGMA journal_mode = WAL");
  if (mode != "wal")
    throw RecordError(RecordError::Kind::Io, "the record " + path_.string() + " cannot use WAL (journal mode " +
                                                 mode + ")");
  db.exec(options_.sync == RecordOptions::Sync::Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  // Appends touch the right edge of each B-tree: 512 KiB of page cache holds it many times over. SQLite's
  // default (2 MiB) fills as the record grows and stays full, memory a room box does better without; the
  // kernel's page cache serves what a restore or an export reads once.
  db.exec("PRAGMA cache_size = -512");
  if (schema_state(db) == SchemaState::Empty) create_schema(db);
  else upgrade_schema(db);
  restrict_record_modes(path_);  // -wal and -shm exist from here on
}

RecordDatabase& Record::connection() {
  if (!db_) open();
  if (!db_) throw *report_.error;
  return *db_;
}

template <typename Work>
auto Record::guarded(Work&& work) {
  RecordDatabase& db = connection();
  try {
    return work(db);
  } catch (const RecordError& error) {
    db.rollback_quietly();
    // Diagnose before closing: closing may checkpoint and shrink the files that show the cause.
    std::optional<StorageDiagnosis> diagnosis;
    if (error.kind() == RecordError::Kind::Io && error.system_errno() == 0) diagnosis = diagnose_write_failure(path_);
    if (error.is_storage_failure() && error.kind() != RecordError::Kind::Busy) drop_connection();
    if (diagnosis)
      throw RecordError(diagnosis->kind, std::string(error.what()) + ": " + diagnosis->reason, error.sqlite_code());
    throw;
  } catch (const std::exception& error) {
    // Not a storage failure (e.g. no entropy for the event id): nothing was committed; say so in the record's terms.
    db.rollback_quietly();
    throw RecordError(RecordError::Kind::Io, std::string("the record could not store the event: ") + error.what());
  }
}

RecordEvent Record::append(const EventDraft& draft) { return append(std::vector<EventDraft>{draft}).back(); }

std::vector<RecordEvent> Record::append(const std::vector<EventDraft>& drafts, const std::optional<Answer>& answer) {
  for (const auto& draft : drafts) validate_draft(draft);
  if (drafts.empty() && !answer) return {};
  if (in_doubt_) {
    if (auto stored = settle_in_doubt(); !stored.empty() && is_same_batch(stored, drafts)) return stored;
  }
  return write(drafts, answer);
}

std::vector<RecordEvent> Record::settle_in_doubt() {
  const RecordEvent& last = in_doubt_->back();
  const bool stored = guarded([&](RecordDatabase& db) {
    auto find = db.prepare("SELECT hash FROM events WHERE event_id = ?1 AND seq = ?2");
    find.bind(1, last.event_id).bind(2, last.seq);
    return find.step() && find.column_text(0) == last.hash;
  });
  std::vector<RecordEvent> events = std::move(*in_doubt_);
  in_doubt_.reset();
  if (!stored) return {};
  for (const auto& e : events) notify(e);  // committed after all: the forwarder and the caller learn it now
  return events;
}

std::vector<RecordEvent> Record::write(const std::vector<EventDraft>& drafts, const std::optional<Answer>& answer) {
  // The events being committed: if COMMIT fails, they are in doubt (see append).
  std::vector<RecordEvent> committing;
  try {
    return commit_batch(drafts, answer, committing);
  } catch (const RecordError& error) {
    if (!committing.empty() && error.is_storage_failure()) in_doubt_ = std::move(committing);
    throw;
  }
}

std::vector<RecordEvent> Record::commit_batch(const std::vector<EventDraft>& drafts, const std::optional<Answer>& answer,
                                              std::vector<RecordEvent>& committing) {
  return guarded([&](RecordDatabase&) {
    Statements& s = *statements_;
    run(s.begin);
    StoredReading previous;
    std::string prev_hash(kGenesisHash);
    s.newest.reset();
    if (s.newest.step()) {
      previous = {s.newest.column_int(0), s.newest.column_text(1), s.newest.column_int(2), s.newest.column_text(3)};
      prev_hash = s.newest.column_text(4);
    }
    s.newest.reset();
    s.issued.reset();
    const std::int64_t issued = s.issued.step() ? s.issued.column_int(0) : 0;
    s.issued.reset();
    std::int64_t seq = std::max(previous.seq, issued) + 1;

    std::vector<RecordEvent> written;
    for (const auto& draft : drafts) {
      // The time it happened; one the caller did not give is read under the write lock, so seq order and
      // this process's time order agree.
      const session::Stamp at = draft.at ? *draft.at : clock_.stamp();
      if (previous.seq > 0) {
        if (const auto step = detect_clock_step(previous, at.reading, at.boot_id, options_.step_tolerance)) {
          session::ClockStepped stepped{step->step_ms, previous.seq, step->elapsed_ms, config::format_instant(step->expected),
                                        config::format_instant(at.reading.wall), previous.utc, at.reading.synced};
          EventDraft marker{draft.session, std::string(session::ClockStepped::kType), {options_.device, "system"},
                            session::encode(stepped), at};
          written.push_back(insert(marker, at.reading, at.boot_id, seq++, prev_hash));
          prev_hash = written.back().hash;
        }
      }
      written.push_back(insert(draft, at.reading, at.boot_id, seq++, prev_hash));
      const RecordEvent& e = written.back();
      prev_hash = e.hash;
      previous = {e.seq, e.utc, e.monotonic_ns, e.boot_id};
    }
    if (answer) {
      RecordStatement& store = s.answer;
      store.reset();
      store.bind(1, answer->device).bind(2, answer->id).bind(3, answer->reply).bind(4, answer->utc);
      store.step();
      store.reset();
    }
    committing = written;
    run(s.commit);
    committing.clear();
    for (const auto& e : written) notify(e);
    return written;
  });
}

std::vector<Answer> Record::answers_since(const std::string& since) {
  return guarded([&](RecordDatabase& db) {
    auto query = db.prepare("SELECT device, id, reply, utc FROM answered WHERE utc >= ?1 ORDER BY utc");
    query.bind(1, since);
    std::vector<Answer> out;
    while (query.step()) out.push_back({query.column_text(0), query.column_text(1), query.column_text(2), query.column_text(3)});
    return out;
  });
}

RecordEvent Record::insert(const EventDraft& draft, const session::ClockReading& reading, const std::string& boot_id,
                           std::int64_t seq, const std::string& prev_hash) {
  RecordEvent e;
  e.seq = seq;
  e.event_id = random_uuid();
  e.session = draft.session;
  e.utc = config::format_instant(reading.wall);
  e.monotonic_ns = static_cast<std::int64_t>(reading.monotonic.count());
  e.boot_id = boot_id;
  e.clock_synced = reading.synced;
  e.type = draft.type;
  e.actor_device = draft.actor.device;
  e.actor_role = draft.actor.role;
  e.payload = canonical_payload(draft.payload);
  e.prev_hash = prev_hash;
  e.hash = compute_hash(e);

  RecordStatement& insert = statements_->insert;
  insert.reset();
  insert.bind(1, e.seq)
      .bind(2, e.event_id)
      .bind(3, e.session)
      .bind(4, e.utc)
      .bind(5, e.monotonic_ns)
      .bind(6, e.boot_id)
      .bind(7, std::int64_t{e.clock_synced ? 1 : 0})
      .bind(8, e.type)
      .bind(9, e.actor_device)
      .bind(10, e.actor_role)
      .bind(11, e.payload)
      .bind(12, e.prev_hash)
      .bind(13, e.hash);
  insert.step();
  insert.reset();
  return e;
}

void Record::notify(const RecordEvent& event) noexcept {
  if (!listener_) return;
  // The event is committed: nothing the listener does may turn that into a reported failure.
  try {
    listener_(event);
  } catch (...) {
  }
}

std::optional<Checkpoint> Record::checkpoint() {
  return guarded([](RecordDatabase& db) -> std::optional<Checkpoint> {
    const auto newest = query_newest(db);
    if (!newest) return std::nullopt;
    return Checkpoint{newest->seq, newest->hash};
  });
}

std::vector<RecordEvent> Record::pending(std::size_t limit) {
  return guarded([&](RecordDatabase& db) { return query_events_after(db, query_acknowledged(db), limit); });
}

std::vector<RecordEvent> Record::events_after(std::int64_t seq, std::size_t limit) {
  return guarded([&](RecordDatabase& db) { return query_events_after(db, seq, limit); });
}

std::int64_t Record::acknowledged() {
  return guarded([](RecordDatabase& db) { return query_acknowledged(db); });
}

bool Record::acknowledge(std::int64_t seq) {
  if (seq < 0) throw RecordError(RecordError::Kind::Refused, "acknowledgement of a negative seq refused");
  return guarded([&](RecordDatabase& db) {
    run(statements_->begin);
    const std::int64_t newest = db.query_int("SELECT max(seq) FROM events", 0);
    if (seq > newest) {
      db.rollback_quietly();
      throw RecordError(RecordError::Kind::Refused, "acknowledgement of seq " + std::to_string(seq) +
                                                        " refused: the newest event is seq " + std::to_string(newest));
    }
    if (seq <= query_acknowledged(db)) {
      db.rollback_quietly();
      return false;
    }
    auto update = db.prepare("UPDATE outbox SET acked_seq = ?1 WHERE id = 1");
    update.bind(1, seq);
    update.step();
    run(statements_->commit);
    return true;
  });
}

VerifyResult Record::verify(const VerifyOptions& options) {
  return guarded([&](RecordDatabase& db) { return verify_chain(db, options); });
}

std::vector<SessionSummary> Record::sessions() {
  return guarded([](RecordDatabase& db) { return query_sessions(db); });
}

std::vector<RecordEvent> Record::session_events(const std::string& session) {
  return guarded([&](RecordDatabase& db) { return query_session_events(db, session); });
}

RecordDurability Record::durability() {
  return guarded([](RecordDatabase& db) {
    RecordDurability d;
    d.journal_mode = db.query_text("PRAGMA journal_mode");
    d.synchronous = static_cast<int>(db.query_int("PRAGMA synchronous"));
    d.busy_timeout_ms = static_cast<int>(db.query_int("PRAGMA busy_timeout"));
    return d;
  });
}

}  // namespace stillroom::record
