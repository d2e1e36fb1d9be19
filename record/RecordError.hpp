// RecordError: why the clinical record could not do what was asked. Every
// failure of the record is one of these, with a kind the controller can act on
// (raise a fault, keep the session running, try again later) and a message a
// clinic can read. Thrown on the thread that called the record.
#pragma once

#include <stdexcept>
#include <string>

namespace stillroom::record {

class RecordError : public std::runtime_error {
 public:
  enum class Kind {
    DiskFull,      ///< no space (ENOSPC, quota, file size limit): free space, then appends work again
    ReadOnly,      ///< the file or its filesystem cannot be written now
    Io,            ///< any other I/O failure reported by the operating system
    Corrupt,       ///< the database is damaged (it is preserved and replaced at the next open)
    Busy,          ///< another process held the database lock longer than the busy timeout
    NotARecord,    ///< the file is an SQLite database but not a stillroom record: never touched
    NotFound,      ///< no record file, or no such session
    InvalidEvent,  ///< the caller's event is malformed; nothing was written
    Refused,       ///< a valid request the record will not carry out (e.g. an ack beyond the newest seq)
  };

  RecordError(Kind kind, const std::string& message, int sqlite_code = 0, int system_errno = 0);

  /** What went wrong, as a category the caller can act on. */
  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  /** SQLite's extended result code, 0 when the error did not come from SQLite. */
  [[nodiscard]] int sqlite_code() const noexcept { return sqlite_code_; }
  /** errno behind an I/O failure, 0 when unknown. */
  [[nodiscard]] int system_errno() const noexcept { return system_errno_; }
  /** True for failures of the storage (full, read-only, I/O, corrupt): the session goes on, a fault is raised. */
  [[nodiscard]] bool is_storage_failure() const noexcept;

 private:
  /** Category of the failure. */
  Kind kind_;
  /** SQLite extended result code or 0. */
  int sqlite_code_;
  /** errno or 0. */
  int system_errno_;
};

/** Stable lower-case name of a kind ("disk_full", "read_only", ...), used in fault codes. */
[[nodiscard]] const char* to_string(RecordError::Kind kind) noexcept;

}  // namespace stillroom::record
