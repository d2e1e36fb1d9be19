#include "VfsShim.hpp"

#include <new>
#include <stdexcept>

namespace stillroom::test {
namespace {

using File = VfsShim::File;

/** Where the real file starts behind a File (8-byte aligned, as SQLite allocates). */
constexpr int kRealOffset = static_cast<int>((sizeof(File) + 7) / 8 * 8);

File& shim_file(sqlite3_file* file) { return *reinterpret_cast<File*>(file); }
sqlite3_file* real_of(sqlite3_file* file) { return shim_file(file).real; }

int x_close(sqlite3_file* f) {
  File& file = shim_file(f);
  file.shim->closing(file);
  const int rc = file.real->pMethods != nullptr ? file.real->pMethods->xClose(file.real) : SQLITE_OK;
  file.~File();
  return rc;
}
int x_read(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset) {
  return shim_file(f).shim->read(shim_file(f), buffer, amount, offset);
}
int x_write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
  return shim_file(f).shim->write(shim_file(f), data, amount, offset);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) { return shim_file(f).shim->truncate(shim_file(f), size); }
int x_sync(sqlite3_file* f, int flags) { return shim_file(f).shim->sync(shim_file(f), flags); }
int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return shim_file(f).shim->file_size(shim_file(f), size); }
int x_lock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xLock(real_of(f), level); }
int x_unlock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xUnlock(real_of(f), level); }
int x_check_reserved(sqlite3_file* f, int* out) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out); }
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return shim_file(f).shim->file_control(shim_file(f), op, arg);
}
int x_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int x_device_characteristics(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
// The WAL index lives in shared memory: not storage, passed through untouched.
int x_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int x_shm_unmap(sqlite3_file* f, int delete_flag) { return real_of(f)->pMethods->xShmUnmap(real_of(f), delete_flag); }

// Version 2: no xFetch/xUnfetch, so SQLite never reads the file through mmap behind the shim's back.
const sqlite3_io_methods kMethods = {
    2,
    x_close,
    x_read,
    x_write,
    x_truncate,
    x_sync,
    x_file_size,
    x_lock,
    x_unlock,
    x_check_reserved,
    x_file_control,
    x_sector_size,
    x_device_characteristics,
    x_shm_map,
    x_shm_lock,
    x_shm_barrier,
    x_shm_unmap,
    nullptr,
    nullptr,
};

}  // namespace

VfsShim::VfsShim(std::string name) : name_(std::move(name)) {
  real_ = sqlite3_vfs_find(nullptr);
  if (real_ == nullptr) throw std::runtime_error("SQLite has no default VFS");
  vfs_ = *real_;
  vfs_.szOsFile = kRealOffset + real_->szOsFile;
  vfs_.pNext = nullptr;
  vfs_.zName = name_.c_str();
  vfs_.pAppData = this;
  vfs_.xOpen = open_file;
  vfs_.xDelete = delete_file;
  // Everything else (access, full path names, randomness, time, system calls) is the real VFS's
  // own function; those take the vfs pointer only to read its pAppData, which the unix VFS ignores.
  if (sqlite3_vfs_register(&vfs_, 0) != SQLITE_OK) throw std::runtime_error("cannot register the VFS " + name_);
}

VfsShim::~VfsShim() { sqlite3_vfs_unregister(&vfs_); }

int VfsShim::open_file(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto* shim = static_cast<VfsShim*>(vfs->pAppData);
  auto* file = new (f) File();
  file->shim = shim;
  file->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + kRealOffset);
  file->real->pMethods = nullptr;
  file->path = name != nullptr ? name : "";
  file->flags = flags;
  const int rc = shim->real_->xOpen(shim->real_, name, file->real, flags, out_flags);
  if (rc != SQLITE_OK || file->real->pMethods == nullptr) {
    // SQLite does not call xClose on a file whose open failed.
    if (file->real->pMethods != nullptr) file->real->pMethods->xClose(file->real);
    file->~File();
    f->pMethods = nullptr;
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  file->base.pMethods = &kMethods;
  shim->opened(*file);
  return SQLITE_OK;
}

int VfsShim::delete_file(sqlite3_vfs* vfs, const char* name, int sync_directory) {
  return static_cast<VfsShim*>(vfs->pAppData)->remove(name, sync_directory);
}

int VfsShim::read(File& file, void* buffer, int amount, sqlite3_int64 offset) {
  return real_read(file, buffer, amount, offset);
}
int VfsShim::write(File& file, const void* data, int amount, sqlite3_int64 offset) {
  return real_write(file, data, amount, offset);
}
int VfsShim::truncate(File& file, sqlite3_int64 size) { return real_truncate(file, size); }
int VfsShim::sync(File& file, int flags) { return real_sync(file, flags); }
int VfsShim::file_size(File& file, sqlite3_int64* size) { return real_file_size(file, size); }
int VfsShim::file_control(File& file, int op, void* arg) {
  return file.real->pMethods->xFileControl(file.real, op, arg);
}
int VfsShim::remove(const char* path, int sync_directory) { return real_remove(path, sync_directory); }

int VfsShim::real_read(File& file, void* buffer, int amount, sqlite3_int64 offset) {
  return file.real->pMethods->xRead(file.real, buffer, amount, offset);
}
int VfsShim::real_write(File& file, const void* data, int amount, sqlite3_int64 offset) {
  return file.real->pMethods->xWrite(file.real, data, amount, offset);
}
int VfsShim::real_truncate(File& file, sqlite3_int64 size) { return file.real->pMethods->xTruncate(file.real, size); }
int VfsShim::real_sync(File& file, int flags) { return file.real->pMethods->xSync(file.real, flags); }
int VfsShim::real_file_size(File& file, sqlite3_int64* size) {
  return file.real->pMethods->xFileSize(file.real, size);
}
int VfsShim::real_remove(const char* path, int sync_directory) {
  return real_->xDelete(real_, path, sync_directory);
}

}  // namespace stillroom::test
