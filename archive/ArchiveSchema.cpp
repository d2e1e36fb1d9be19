#include "archive/ArchiveSchema.hpp"

#include <string>

namespace stillroom::archive {
namespace {

// One room's record may be replaced on the box (docs/record.md): the new file starts again at seq 1
// with record_replaced. Each such record is a chain; (room, chain, seq) identifies an event.
constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS archive_meta (
  id integer PRIMARY KEY CHECK (id = 1),
  schema_version integer NOT NULL
);
INSERT INTO archive_meta (id, schema_version) VALUES (1, 1) ON CONFLICT (id) DO NOTHING;

CREATE TABLE IF NOT EXISTS archive_chains (
  room        text NOT NULL,
  chain       integer NOT NULL CHECK (chain >= 1),
  started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  replaced    text,                      -- payload of the record_replaced event that started it (NULL: the first record)
  PRIMARY KEY (room, chain)
);

CREATE TABLE IF NOT EXISTS archive_events (
  room         text NOT NULL,
  chain        integer NOT NULL,
  seq          bigint NOT NULL CHECK (seq >= 1),
  event_id     text NOT NULL,
  session      text NOT NULL,
  utc          text NOT NULL,            -- exactly as recorded: the hash covers these bytes
  monotonic_ns bigint NOT NULL,
  boot_id      text NOT NULL,
  clock_synced boolean NOT NULL,
  type         text NOT NULL,
  actor_device text NOT NULL,
  actor_role   text NOT NULL,
  payload      text NOT NULL,            -- the canonical JSON text the hash covers
  prev_hash    text NOT NULL,
  hash         text NOT NULL,
  archived_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (room, chain, seq),
  UNIQUE (room, hash),
  FOREIGN KEY (room, chain) REFERENCES archive_chains (room, chain)
);
CREATE INDEX IF NOT EXISTS archive_events_session ON archive_events (room, session, chain, seq);

CREATE TABLE IF NOT EXISTS archive_refusals (
  id        bigserial PRIMARY KEY,
  room      text NOT NULL,
  chain     integer NOT NULL,
  seq       bigint,
  hash      text,
  problem   text NOT NULL,
  detail    text NOT NULL,
  message   text NOT NULL,               -- the message as received (at most 64 KiB)
  first_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  last_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  times     integer NOT NULL DEFAULT 1,
  UNIQUE NULLS NOT DISTINCT (room, chain, seq, hash, problem)
);

CREATE TABLE IF NOT EXISTS archive_checkpoints (
  room        text NOT NULL,
  seq         bigint NOT NULL,
  hash        text NOT NULL,
  chain       integer,                   -- the chain whose event it matches (NULL: none)
  state       text NOT NULL CHECK (state IN ('verified', 'mismatch')),
  received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (room, seq, hash)
);

CREATE OR REPLACE FUNCTION archive_events_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.seq = 1 THEN
    IF NEW.prev_hash <> repeat('0', 64) THEN
      RAISE EXCEPTION 'archive: % chain % seq 1 does not start from the genesis hash', NEW.room, NEW.chain;
    END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM archive_events
                    WHERE room = NEW.room AND chain = NEW.chain AND seq = NEW.seq - 1 AND hash = NEW.prev_hash) THEN
    RAISE EXCEPTION 'archive: % chain % seq % does not follow an archived seq % with hash %',
      NEW.room, NEW.chain, NEW.seq, NEW.seq - 1, NEW.prev_hash;
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION archive_events_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'archive: archived events are never changed or deleted';
END $$;

DROP TRIGGER IF EXISTS archive_events_link ON archive_events;
CREATE TRIGGER archive_events_link BEFORE INSERT ON archive_events
  FOR EACH ROW EXECUTE FUNCTION archive_events_link();
DROP TRIGGER IF EXISTS archive_events_frozen ON archive_events;
CREATE TRIGGER archive_events_frozen BEFORE UPDATE OR DELETE ON archive_events
  FOR EACH ROW EXECUTE FUNCTION archive_events_frozen();
DROP TRIGGER IF EXISTS archive_events_no_truncate ON archive_events;
CREATE TRIGGER archive_events_no_truncate BEFORE TRUNCATE ON archive_events
  FOR EACH STATEMENT EXECUTE FUNCTION archive_events_frozen();
)SQL";

}  // namespace

void ensure_archive_schema(PgConnection& db) {
  db.exec("BEGIN");
  try {
    // Two archives starting at once must not create the schema twice.
    db.exec("SELECT pg_advisory_xact_lock(hashtext('stillroom_archive_schema'))");
    const PgResult existing = db.exec("SELECT to_regclass('archive_meta') IS NOT NULL");
    if (existing.text(0, 0) == "t") {
      const int version = static_cast<int>(db.exec("SELECT schema_version FROM archive_meta").integer(0, 0));
      if (version > kArchiveSchemaVersion)
        throw PgError("the archive database has schema version " + std::to_string(version) + ", newer than this " +
                          "build's " + std::to_string(kArchiveSchemaVersion) + ": upgrade stillroom-archive",
                      false);
    }
    db.exec(kSchema);
    db.exec("COMMIT");
  } catch (...) {
    db.rollback_quietly();
    throw;
  }
}

}  // namespace stillroom::archive
