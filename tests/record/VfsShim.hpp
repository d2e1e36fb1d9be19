// VfsShim: an SQLite VFS under a name of its own that wraps the default (unix)
// VFS. Every call goes to the real VFS unless a subclass overrides it; the
// record's storage-fault tests build on it (IoErrorVfs, PowerLossVfs) and open
// the record through it with RecordOptions::vfs. Registered while the object
// lives. SQLite calls it on the thread that uses the connection; the tests use
// one thread, so it keeps no locks.
#pragma once

#include <sqlite3.h>

#include <string>

namespace stillroom::test {

class VfsShim {
 public:
  /** An open file as SQLite sees it; the real VFS's file follows it in the same allocation. */
  struct File {
    /** First member: SQLite treats the struct as an sqlite3_file. */
    sqlite3_file base;
    VfsShim* shim = nullptr;
    /** The real VFS's file, right behind this struct. */
    sqlite3_file* real = nullptr;
    /** Full path as SQLite passed it ("" for a temporary file). */
    std::string path;
    /** SQLITE_OPEN_* flags of the open (MAIN_DB, WAL, ...). */
    int flags = 0;
  };

  /** Registers the VFS as `name` (not as the default); throws std::runtime_error. */
  explicit VfsShim(std::string name);
  virtual ~VfsShim();
  VfsShim(const VfsShim&) = delete;
  VfsShim& operator=(const VfsShim&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }

  // The file operations a subclass may take over; the defaults pass through.
  virtual int read(File& file, void* buffer, int amount, sqlite3_int64 offset);
  virtual int write(File& file, const void* data, int amount, sqlite3_int64 offset);
  virtual int truncate(File& file, sqlite3_int64 size);
  virtual int sync(File& file, int flags);
  virtual int file_size(File& file, sqlite3_int64* size);
  virtual int file_control(File& file, int op, void* arg);
  /** xDelete of the VFS (SQLite removes a WAL or journal). */
  virtual int remove(const char* path, int sync_directory);
  /** After the real file opened / before it closes. */
  virtual void opened(File& file) { (void)file; }
  virtual void closing(File& file) { (void)file; }

 protected:
  // The real VFS's operations, for subclasses.
  static int real_read(File& file, void* buffer, int amount, sqlite3_int64 offset);
  static int real_write(File& file, const void* data, int amount, sqlite3_int64 offset);
  static int real_truncate(File& file, sqlite3_int64 size);
  static int real_sync(File& file, int flags);
  static int real_file_size(File& file, sqlite3_int64* size);
  int real_remove(const char* path, int sync_directory);

 private:
  static int open_file(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags);
  static int delete_file(sqlite3_vfs* vfs, const char* name, int sync_directory);

  std::string name_;
  sqlite3_vfs* real_ = nullptr;
  sqlite3_vfs vfs_{};
};

}  // namespace stillroom::test
