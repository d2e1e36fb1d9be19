#include "record/RecordSchema.hpp"

#include <string>

namespace stillroom::record {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id     TEXT NOT NULL UNIQUE,
  session      TEXT NOT NULL,
  utc          TEXT NOT NULL,
  monotonic_ns INTEGER NOT NULL,
  boot_id      TEXT NOT NULL,
  clock_synced INTEGER NOT NULL CHECK (clock_synced IN (0, 1)),
  type         TEXT NOT NULL,
  actor_device TEXT NOT NULL,
  actor_role   TEXT NOT NULL,
  payload      TEXT NOT NULL,
  prev_hash    TEXT NOT NULL,
  hash         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_session ON events (session, seq);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the clinical record is append-only: events cannot be changed'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the clinical record is append-only: events cannot be deleted'); END;
CREATE TABLE IF NOT EXISTS outbox (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  acked_seq INTEGER NOT NULL CHECK (acked_seq >= 0)
);
INSERT OR IGNORE INTO outbox (id, acked_seq) VALUES (1, 0);
CREATE TRIGGER IF NOT EXISTS outbox_forward_only BEFORE UPDATE ON outbox
WHEN NEW.acked_seq < OLD.acked_seq
BEGIN SELECT RAISE(ABORT, 'the acknowledged seq only moves forward'); END;
CREATE TRIGGER IF NOT EXISTS outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'the outbox row cannot be deleted'); END;
)sql";

/** Commands answered, by device and id: a repeat gets the first reply and changes nothing. Not part of the chain. */
constexpr const char* kAnswered = R"sql(
CREATE TABLE IF NOT EXISTS answered (
  device TEXT NOT NULL,
  id     TEXT NOT NULL,
  reply  TEXT NOT NULL,
  utc    TEXT NOT NULL,
  PRIMARY KEY (device, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS answered_by_time ON answered (utc);
)sql";

}  // namespace

SchemaState schema_state(RecordDatabase& db) {
  const auto tables = db.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  if (tables == 0) return SchemaState::Empty;
  const auto ours = db.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('events', 'outbox')");
  const auto version = db.query_int("PRAGMA user_version");
  return ours == 2 && version >= 1 && version <= kRecordSchemaVersion ? SchemaState::Record : SchemaState::Foreign;
}

void create_schema(RecordDatabase& db) {
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(kSchema);
    db.exec(kAnswered);
    db.exec("PRAGMA user_version = " + std::to_string(kRecordSchemaVersion));
    db.exec("COMMIT");
  } catch (...) {
    db.rollback_quietly();
    throw;
  }
}

void upgrade_schema(RecordDatabase& db) {
  if (db.query_int("PRAGMA user_version") >= kRecordSchemaVersion) return;
  db.exec("BEGIN IMMEDIATE");
  try {
    db.exec(kAnswered);
    db.exec("PRAGMA user_version = " + std::to_string(kRecordSchemaVersion));
    db.exec("COMMIT");
  } catch (...) {
    db.rollback_quietly();
    throw;
  }
}

}  // namespace stillroom::record
