#include "record/RecordDatabase.hpp"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace stillroom::record {

namespace {

/** What SQLite was doing when the operating system failed it, from the extended I/O error code. */
const char* io_operation(int code) {
  switch (code) {
    case SQLITE_IOERR_READ: return "reading the file";
    case SQLITE_IOERR_SHORT_READ: return "reading the file (it ended early)";
    case SQLITE_IOERR_WRITE: return "writing to the file";
    case SQLITE_IOERR_FSYNC: return "flushing the file to the disk (fsync)";
    case SQLITE_IOERR_DIR_FSYNC: return "flushing the directory to the disk";
    case SQLITE_IOERR_TRUNCATE: return "truncating the file";
    case SQLITE_IOERR_FSTAT: return "reading the file's size";
    case SQLITE_IOERR_DELETE: return "deleting a file";
    case SQLITE_IOERR_CLOSE: return "closing the file";
    case SQLITE_IOERR_NOMEM: return "allocating memory";
    case SQLITE_IOERR_LOCK:
    case SQLITE_IOERR_RDLOCK:
    case SQLITE_IOERR_UNLOCK:
    case SQLITE_IOERR_CHECKRESERVEDLOCK: return "locking the file";
    case SQLITE_IOERR_SHMOPEN:
    case SQLITE_IOERR_SHMSIZE:
    case SQLITE_IOERR_SHMLOCK:
    case SQLITE_IOERR_SHMMAP: return "using the shared-memory index (-shm)";
    default: return nullptr;
  }
}

}  // namespace

RecordError sqlite_error(sqlite3* db, int rc, const std::string& context) {
  int code = rc;
  if (db != nullptr && (sqlite3_extended_errcode(db) & 0xff) == (rc & 0xff)) code = sqlite3_extended_errcode(db);
  const int primary = code & 0xff;
  const bool os_level = primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN || primary == SQLITE_FULL ||
                        primary == SQLITE_READONLY;
  const int error = db != nullptr && os_level ? sqlite3_system_errno(db) : 0;
  std::string message = context + ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (primary == SQLITE_IOERR) {
    if (const char* operation = io_operation(code)) message += std::string(" while ") + operation;
  }
  if (error != 0) message += std::string(" (") + std::strerror(error) + ")";
  if (primary == SQLITE_IOERR) message += " [SQLite code " + std::to_string(code) + "]";

  using Kind = RecordError::Kind;
  Kind kind = Kind::Io;
  switch (primary) {
    case SQLITE_FULL: kind = Kind::DiskFull; break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH: kind = Kind::ReadOnly; break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: kind = Kind::Corrupt; break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: kind = Kind::Busy; break;
    case SQLITE_CONSTRAINT: kind = Kind::Refused; break;
    case SQLITE_CANTOPEN:
      kind = error == ENOENT ? Kind::NotFound : Kind::Io;
      [[fallthrough]];
    case SQLITE_IOERR:
      if (error == ENOSPC || error == EDQUOT || error == EFBIG) kind = Kind::DiskFull;
      if (error == EROFS || error == EACCES || error == EPERM) kind = Kind::ReadOnly;
      break;
    default: kind = Kind::Io; break;
  }
  return RecordError(kind, message, code, error);
}

RecordDatabase::RecordDatabase(const std::filesystem::path& path, Access access, int busy_timeout_ms,
                               const std::string& vfs)
    : path_(path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int error = errno;
    throw RecordError(error == ENOENT ? RecordError::Kind::NotFound : RecordError::Kind::Io,
                      "cannot open the record " + path.string() + ": " + std::strerror(error), 0, error);
  }
  const int flags = (access == Access::Write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    RecordError error = sqlite_error(db_, rc, "cannot open the record " + path.string());
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw error;
  }
  sqlite3_extended_result_codes(db_, 1);
  // Until the record has checked this file, closing must not checkpoint the WAL into it:
  // a damaged file is kept exactly as found.
  sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db_, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
}

RecordDatabase::~RecordDatabase() {
  if (db_ == nullptr) return;
  rollback_quietly();
  sqlite3_close_v2(db_);
}

bool RecordDatabase::read_only() const noexcept { return sqlite3_db_readonly(db_, "main") == 1; }

void RecordDatabase::trust() noexcept { sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr); }

void RecordDatabase::exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) throw sqlite_error(db_, rc, "running '" + text + "'");
}

RecordStatement RecordDatabase::prepare(std::string_view sql, bool persistent) {
  return RecordStatement(db_, sql, persistent);
}

std::string RecordDatabase::query_text(std::string_view sql) {
  RecordStatement statement(db_, sql);
  return statement.step() ? statement.column_text(0) : std::string();
}

std::int64_t RecordDatabase::query_int(std::string_view sql, std::int64_t fallback) {
  RecordStatement statement(db_, sql);
  if (!statement.step() || statement.column_is_null(0)) return fallback;
  return statement.column_int(0);
}

bool RecordDatabase::in_transaction() const noexcept { return sqlite3_get_autocommit(db_) == 0; }

void RecordDatabase::rollback_quietly() noexcept {
  if (db_ != nullptr && in_transaction()) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace stillroom::record
