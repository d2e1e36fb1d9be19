// IoErrorVfs: SQLite's I/O-error test pattern as a VFS shim. It counts every
// write and every sync SQLite asks of the storage and, once armed, fails the
// Nth one from then on with SQLITE_IOERR_WRITE / SQLITE_IOERR_FSYNC (errno EIO),
// and every later one too until the fault is cleared (a device that stays
// broken until someone replaces it). Syncs do not reach the disk: durability is
// PowerLossVfs's subject, and thousands of fsyncs would only make this slow.
#pragma once

#include "VfsShim.hpp"

#include <cstdint>

namespace stillroom::test {

class IoErrorVfs final : public VfsShim {
 public:
  enum class Op { Write, Sync };

  explicit IoErrorVfs(std::string name) : VfsShim(std::move(name)) {}

  /** From now on, the `n`th `op` (1-based) and every later write and sync fail until clear(). */
  void arm(Op op, std::int64_t n);
  /** The device works again. */
  void clear() noexcept;
  /** The fault has been injected (and not cleared since). */
  [[nodiscard]] bool failing() const noexcept { return failing_; }

  /** Writes and syncs seen since the VFS was made (failed ones included). */
  [[nodiscard]] std::int64_t writes() const noexcept { return writes_; }
  [[nodiscard]] std::int64_t syncs() const noexcept { return syncs_; }

  int write(File& file, const void* data, int amount, sqlite3_int64 offset) override;
  int truncate(File& file, sqlite3_int64 size) override;
  int sync(File& file, int flags) override;

 private:
  /** Counts one `op`; true when it must fail. */
  bool fails(Op op) noexcept;

  std::int64_t writes_ = 0;
  std::int64_t syncs_ = 0;
  bool armed_ = false;
  Op op_ = Op::Write;
  /** The count of `op_` at which the fault starts. */
  std::int64_t at_ = 0;
  bool failing_ = false;
};

}  // namespace stillroom::test
