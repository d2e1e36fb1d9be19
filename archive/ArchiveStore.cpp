#include "archive/ArchiveStore.hpp"

#include "archive/ArchiveSchema.hpp"

#include <nlohmann/json.hpp>

namespace stillroom::archive {
namespace {

/** Rows per INSERT statement: 15 parameters each, well under PostgreSQL's 65535. */
constexpr std::size_t kRowsPerInsert = 1000;
constexpr int kColumns = 15;

constexpr const char* kInsertHead =
    "INSERT INTO archive_events (room, chain, seq, event_id, session, utc, monotonic_ns, boot_id, clock_synced, type, "
    "actor_device, actor_role, payload, prev_hash, hash) VALUES ";

std::string num(std::int64_t v) { return std::to_string(v); }

/** Any bytes as storable text: a JSON string literal (NUL escaped, invalid UTF-8 replaced). */
std::string as_text(const std::string& bytes) {
  return nlohmann::json(bytes).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

ArchiveStore::ArchiveStore(std::string conninfo) : conninfo_(std::move(conninfo)) {}

PgConnection& ArchiveStore::connection() {
  if (!db_ || !db_->ok()) {
    db_.reset();
    throw PgError("PostgreSQL: the archive is not connected", true);
  }
  return *db_;
}

void ArchiveStore::open() {
  db_.reset();
  auto db = std::make_unique<PgConnection>(conninfo_);
  if (db->server_version() < 150000)
    throw PgError("PostgreSQL " + std::to_string(db->server_version() / 10000) +
                      " is too old for the archive (it needs 15 or later)",
                  false);
  ensure_archive_schema(*db);
  // One writer per database: a second archive would acknowledge what the first one decides.
  if (db->exec("SELECT pg_try_advisory_lock(hashtext('stillroom_archive_writer'))").text(0, 0) != "t")
    throw PgError("another stillroom-archive is writing to this database (its advisory lock is held)", false);
  db_ = std::move(db);
}

std::map<std::string, ChainHead> ArchiveStore::heads() {
  const PgResult r = connection().exec(
      "SELECT DISTINCT ON (room) room, chain, seq, hash FROM archive_events ORDER BY room, chain DESC, seq DESC");
  std::map<std::string, ChainHead> heads;
  for (int i = 0; i < r.rows(); ++i) heads[r.text(i, 0)] = {r.integer(i, 1), r.integer(i, 2), r.text(i, 3)};
  return heads;
}

bool ArchiveStore::holds(const std::string& room, const std::string& hash) {
  return connection().exec("SELECT 1 FROM archive_events WHERE room = $1 AND hash = $2", {room, hash}).rows() > 0;
}

std::optional<std::int64_t> ArchiveStore::chain_holding(const std::string& room, std::int64_t seq,
                                                        const std::string& hash) {
  const PgResult r =
      connection().exec("SELECT chain FROM archive_events WHERE room = $1 AND hash = $2 AND seq = $3", {room, hash, num(seq)});
  if (r.rows() == 0) return std::nullopt;
  return r.integer(0, 0);
}

std::vector<std::string> ArchiveStore::recent_hashes(const std::string& room, std::int64_t chain, int count) {
  const PgResult r = connection().exec(
      "SELECT hash FROM archive_events WHERE room = $1 AND chain = $2 ORDER BY seq DESC LIMIT $3",
      {room, num(chain), std::to_string(count)});
  std::vector<std::string> hashes;
  for (int i = r.rows() - 1; i >= 0; --i) hashes.push_back(r.text(i, 0));
  return hashes;
}

void ArchiveStore::append(const std::vector<StoredEvent>& batch) {
  if (batch.empty()) return;
  PgConnection& db = connection();
  db.exec("BEGIN");
  try {
    for (const auto& s : batch) {
      if (!s.starts_chain) continue;
      PgParam replaced;
      if (s.event.type == "record_replaced") replaced = s.event.payload;
      db.exec("INSERT INTO archive_chains (room, chain, replaced) VALUES ($1, $2, $3)", {s.room, num(s.chain), replaced});
    }
    // Multi-row INSERTs in seq order: the link trigger of each row sees the rows before it.
    for (std::size_t first = 0; first < batch.size(); first += kRowsPerInsert) {
      const std::size_t last = std::min(batch.size(), first + kRowsPerInsert);
      std::string sql = kInsertHead;
      std::vector<PgParam> params;
      params.reserve((last - first) * kColumns);
      for (std::size_t i = first; i < last; ++i) {
        const auto& s = batch[i];
        const auto& e = s.event;
        if (i > first) sql += ", ";
        sql += "(";
        for (int c = 1; c <= kColumns; ++c) {
          sql += "$" + std::to_string(params.size() + static_cast<std::size_t>(c));
          if (c < kColumns) sql += ", ";
        }
        sql += ")";
        params.insert(params.end(), {s.room, num(s.chain), num(e.seq), e.event_id, e.session, e.utc,
                                     num(e.monotonic_ns), e.boot_id, std::string(e.clock_synced ? "t" : "f"), e.type,
                                     e.actor_device, e.actor_role, e.payload, e.prev_hash, e.hash});
      }
      db.exec(sql, params);
    }
    db.exec("COMMIT");
  } catch (const PgError&) {
    db.rollback_quietly();
    throw;
  }
}

bool ArchiveStore::refuse(const std::string& room, std::int64_t chain, const Judgement& j, const std::string& message) {
  PgParam seq;
  PgParam hash;
  if (j.event.seq > 0) seq = num(j.event.seq);
  if (!j.event.hash.empty()) hash = j.event.hash;
  const PgResult r = connection().exec(
      "INSERT INTO archive_refusals AS r (room, chain, seq, hash, problem, detail, message) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) "
      "ON CONFLICT (room, chain, seq, hash, problem) DO UPDATE SET last_at = clock_timestamp(), times = r.times + 1 "
      "RETURNING r.times",
      {room, num(chain), seq, hash, j.problem, j.detail, as_text(message.substr(0, 65536))});
  return r.rows() == 1 && r.integer(0, 0) == 1;
}

void ArchiveStore::checkpoint(const std::string& room, std::int64_t seq, const std::string& hash,
                              std::optional<std::int64_t> chain, bool verified) {
  PgParam chain_text;
  if (chain) chain_text = num(*chain);
  connection().exec(
      "INSERT INTO archive_checkpoints (room, seq, hash, chain, state) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT (room, seq, hash) DO UPDATE SET chain = EXCLUDED.chain, state = EXCLUDED.state",
      {room, num(seq), hash, chain_text, std::string(verified ? "verified" : "mismatch")});
}

}  // namespace stillroom::archive
