// RecordSchema: the tables of the clinical record and the triggers that make
// the event table append-only inside SQLite too (defence in depth: the code has
// no UPDATE or DELETE path on events at all). Called by the owning thread.
#pragma once

#include "record/RecordDatabase.hpp"

namespace stillroom::record {

/** Schema version stored in PRAGMA user_version (1: before the table of answered commands). */
inline constexpr int kRecordSchemaVersion = 2;

/** Columns of an event row, in the order every event query selects them. */
inline constexpr const char* kEventColumns =
    "seq, event_id, session, utc, monotonic_ns, boot_id, clock_synced, type, actor_device, actor_role, payload, "
    "prev_hash, hash";

enum class SchemaState {
  Empty,    ///< no tables: a new record
  Record,   ///< a stillroom record of this schema version
  Foreign,  ///< some other database (or another schema version): never touched
};

/** What the file holds; throws RecordError when it cannot be read. */
[[nodiscard]] SchemaState schema_state(RecordDatabase& db);

/** Creates tables, triggers and the outbox row in one transaction (no-op when present); throws RecordError. */
void create_schema(RecordDatabase& db);

/** Brings a record of an earlier schema version to this one (adds what is missing); throws RecordError. */
void upgrade_schema(RecordDatabase& db);

}  // namespace stillroom::record
