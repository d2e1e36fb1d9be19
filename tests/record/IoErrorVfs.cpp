#include "IoErrorVfs.hpp"

#include <cerrno>

namespace stillroom::test {

void IoErrorVfs::arm(Op op, std::int64_t n) {
  armed_ = true;
  failing_ = false;
  op_ = op;
  at_ = (op == Op::Write ? writes_ : syncs_) + n;
}

void IoErrorVfs::clear() noexcept {
  armed_ = false;
  failing_ = false;
}

bool IoErrorVfs::fails(Op op) noexcept {
  const std::int64_t count = op == Op::Write ? ++writes_ : ++syncs_;
  if (armed_ && !failing_ && op == op_ && count >= at_) failing_ = true;
  if (failing_) errno = EIO;  // what SQLite reads back as the system error
  return failing_;
}

int IoErrorVfs::write(File& file, const void* data, int amount, sqlite3_int64 offset) {
  if (fails(Op::Write)) return SQLITE_IOERR_WRITE;
  return real_write(file, data, amount, offset);
}

int IoErrorVfs::truncate(File& file, sqlite3_int64 size) {
  if (failing_) {
    errno = EIO;
    return SQLITE_IOERR_TRUNCATE;
  }
  return real_truncate(file, size);
}

int IoErrorVfs::sync(File& file, int flags) {
  (void)file;
  (void)flags;
  if (fails(Op::Sync)) return SQLITE_IOERR_FSYNC;
  return SQLITE_OK;
}

}  // namespace stillroom::test
