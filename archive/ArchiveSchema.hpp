// ArchiveSchema: the archive's tables in PostgreSQL and the rules the database
// itself enforces — events append-only, each (room, chain, seq) once, each
// event linked to the archived one before it — so that no bug of the archive
// can store a gap, a reordering or a rewrite. Created idempotently at start.
#pragma once

#include "archive/PgConnection.hpp"

namespace stillroom::archive {

/** The schema version this build writes (stored in archive_meta). */
inline constexpr int kArchiveSchemaVersion = 1;

/** Creates the tables, indexes and triggers that are missing; throws PgError (also for a newer schema). */
void ensure_archive_schema(PgConnection& db);

}  // namespace stillroom::archive
