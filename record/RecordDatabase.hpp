// RecordDatabase: one SQLite connection to a record file, and the mapping of
// SQLite's result codes (plus errno) onto RecordError. A connection opened for
// writing starts in "inspect" mode — it never checkpoints into the file on
// close — until the record has checked the file and trusts it. Used only by the
// thread that owns it.
#pragma once

#include "record/RecordError.hpp"
#include "record/RecordStatement.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

struct sqlite3;

namespace stillroom::record {

class RecordDatabase {
 public:
  enum class Access {
    Write,  ///< read-write on an existing file; inspect-only until trust() is called
    Read,   ///< read-only (CLI, exports, verify)
  };

  /**
   * Opens `path` (which must exist) through the SQLite VFS named `vfs` (empty: the default);
   * throws RecordError (NotFound, ReadOnly, Io, ...).
   */
  RecordDatabase(const std::filesystem::path& path, Access access, int busy_timeout_ms, const std::string& vfs = {});
  ~RecordDatabase();
  RecordDatabase(const RecordDatabase&) = delete;
  RecordDatabase& operator=(const RecordDatabase&) = delete;

  [[nodiscard]] sqlite3* handle() const noexcept { return db_; }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  /** SQLite fell back to read-only (file or filesystem not writable). */
  [[nodiscard]] bool read_only() const noexcept;
  /** From now on closing the connection may checkpoint the WAL into the file. */
  void trust() noexcept;

  /** Runs one or more statements without results; throws RecordError. */
  void exec(std::string_view sql);
  [[nodiscard]] RecordStatement prepare(std::string_view sql, bool persistent = false);
  /** First column of the first row as text ("" when there is no row). */
  [[nodiscard]] std::string query_text(std::string_view sql);
  /** First column of the first row as an integer (`fallback` when there is no row). */
  [[nodiscard]] std::int64_t query_int(std::string_view sql, std::int64_t fallback = 0);

  /** Inside an explicit transaction. */
  [[nodiscard]] bool in_transaction() const noexcept;
  /** ROLLBACK if a transaction is open; errors are ignored (the connection is about to be dropped or reused). */
  void rollback_quietly() noexcept;

 private:
  /** The connection (owned). */
  sqlite3* db_ = nullptr;
  /** The database file. */
  std::filesystem::path path_;
};

/** A RecordError for SQLite result `rc` on `db` (may be null), with `context` in front of SQLite's message. */
[[nodiscard]] RecordError sqlite_error(sqlite3* db, int rc, const std::string& context);

}  // namespace stillroom::record
