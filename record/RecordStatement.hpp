// RecordStatement: one prepared SQLite statement of the record, reset and
// reused. Errors become RecordError with the database's extended code and
// errno. Used by the thread that owns its RecordDatabase.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace stillroom::record {

class RecordStatement {
 public:
  RecordStatement(sqlite3* db, std::string_view sql, bool persistent = false);
  ~RecordStatement();
  RecordStatement(RecordStatement&& other) noexcept;
  RecordStatement& operator=(RecordStatement&& other) noexcept;
  RecordStatement(const RecordStatement&) = delete;
  RecordStatement& operator=(const RecordStatement&) = delete;

  /** Binds parameter `index` (1-based). */
  RecordStatement& bind(int index, std::int64_t value);
  RecordStatement& bind(int index, std::string_view value);
  RecordStatement& bind_null(int index);

  /** Runs to the next row: true when a row is available, false when done; throws RecordError. */
  bool step();
  /** Clears bindings and rewinds; never throws. */
  void reset() noexcept;

  [[nodiscard]] std::int64_t column_int(int column) const noexcept;
  [[nodiscard]] std::string column_text(int column) const;
  /** True when the column holds an INTEGER value (not text, real or NULL). */
  [[nodiscard]] bool column_is_integer(int column) const noexcept;
  /** True when the column holds a TEXT value. */
  [[nodiscard]] bool column_is_text(int column) const noexcept;
  [[nodiscard]] bool column_is_null(int column) const noexcept;

 private:
  /** The connection, for error messages. */
  sqlite3* db_ = nullptr;
  /** The prepared statement (owned). */
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace stillroom::record
