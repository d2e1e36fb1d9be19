#include "record/RecordStatement.hpp"

#include "record/RecordDatabase.hpp"

#include <sqlite3.h>

#include <utility>

namespace stillroom::record {

RecordStatement::RecordStatement(sqlite3* db, std::string_view sql, bool persistent) : db_(db) {
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    throw sqlite_error(db, rc, "preparing '" + std::string(sql) + "'");
  }
}

RecordStatement::~RecordStatement() { sqlite3_finalize(stmt_); }

RecordStatement::RecordStatement(RecordStatement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

RecordStatement& RecordStatement::operator=(RecordStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

RecordStatement& RecordStatement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) throw sqlite_error(db_, rc, "binding a parameter");
  return *this;
}

RecordStatement& RecordStatement::bind(int index, std::string_view value) {
  const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) throw sqlite_error(db_, rc, "binding a parameter");
  return *this;
}

RecordStatement& RecordStatement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) throw sqlite_error(db_, rc, "binding a parameter");
  return *this;
}

bool RecordStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string sql = sqlite3_sql(stmt_) != nullptr ? sqlite3_sql(stmt_) : "";
  throw sqlite_error(db_, rc, "running '" + sql + "'");
}

void RecordStatement::reset() noexcept {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t RecordStatement::column_int(int column) const noexcept { return sqlite3_column_int64(stmt_, column); }

std::string RecordStatement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

bool RecordStatement::column_is_integer(int column) const noexcept {
  return sqlite3_column_type(stmt_, column) == SQLITE_INTEGER;
}

bool RecordStatement::column_is_text(int column) const noexcept {
  return sqlite3_column_type(stmt_, column) == SQLITE_TEXT;
}

bool RecordStatement::column_is_null(int column) const noexcept {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

}  // namespace stillroom::record
