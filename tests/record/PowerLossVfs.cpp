#include "PowerLossVfs.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace stillroom::test {
namespace {

/** Applies an operation to a file no SQLite connection has open (its data was unsynced when it closed). */
void apply_by_path(const std::string& path, sqlite3_int64 offset, const std::string& data, bool truncation,
                   sqlite3_int64 size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  if (truncation) {
    (void)::ftruncate(fd, size);
  } else {
    (void)::pwrite(fd, data.data(), data.size(), offset);
  }
  ::close(fd);
}

}  // namespace

void PowerLossVfs::arm(std::int64_t op, Flavour flavour, std::uint64_t seed) {
  crash_at_ = operations_ + op;
  flavour_ = flavour;
  random_.seed(seed);
}

bool PowerLossVfs::power_fails() {
  ++operations_;
  return crash_at_ > 0 && operations_ == crash_at_;
}

void PowerLossVfs::opened(File& file) { open_[file.path] = &file; }

void PowerLossVfs::closing(File& file) {
  const auto it = open_.find(file.path);
  if (it != open_.end() && it->second == &file) open_.erase(it);
}

sqlite3_int64 PowerLossVfs::logical_size(File& file, const std::vector<Pending>& pending) {
  sqlite3_int64 size = 0;
  if (real_file_size(file, &size) != SQLITE_OK) size = 0;
  for (const Pending& p : pending)
    size = p.truncation ? p.size : std::max<sqlite3_int64>(size, p.offset + static_cast<sqlite3_int64>(p.data.size()));
  return size;
}

int PowerLossVfs::read(File& file, void* buffer, int amount, sqlite3_int64 offset) {
  const auto it = pending_.find(file.path);
  if (it == pending_.end() || it->second.empty()) return real_read(file, buffer, amount, offset);
  const int rc = real_read(file, buffer, amount, offset);
  if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) return rc;
  // The page cache: what is on disk, changed by what was written since the last sync.
  auto* bytes = static_cast<char*>(buffer);
  const sqlite3_int64 end = offset + amount;
  for (const Pending& p : it->second) {
    if (p.truncation) {
      if (p.size < end) {
        const sqlite3_int64 from = std::max(p.size, offset);
        std::memset(bytes + (from - offset), 0, static_cast<std::size_t>(end - from));
      }
      continue;
    }
    const sqlite3_int64 from = std::max(p.offset, offset);
    const sqlite3_int64 to = std::min(p.offset + static_cast<sqlite3_int64>(p.data.size()), end);
    if (from < to) std::memcpy(bytes + (from - offset), p.data.data() + (from - p.offset), static_cast<std::size_t>(to - from));
  }
  return logical_size(file, it->second) < end ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

int PowerLossVfs::write(File& file, const void* data, int amount, sqlite3_int64 offset) {
  if (crashed_) return SQLITE_IOERR_WRITE;
  Pending p;
  p.order = ++order_;
  p.offset = offset;
  p.data.assign(static_cast<const char*>(data), static_cast<std::size_t>(amount));
  pending_[file.path].push_back(std::move(p));
  if (power_fails()) {
    crash();  // this write was under way: it may be among those that reached the disk
    return SQLITE_IOERR_WRITE;
  }
  return SQLITE_OK;
}

int PowerLossVfs::truncate(File& file, sqlite3_int64 size) {
  if (crashed_) return SQLITE_IOERR_TRUNCATE;
  Pending p;
  p.order = ++order_;
  p.truncation = true;
  p.size = size;
  pending_[file.path].push_back(std::move(p));
  if (power_fails()) {
    crash();
    return SQLITE_IOERR_TRUNCATE;
  }
  return SQLITE_OK;
}

int PowerLossVfs::sync(File& file, int flags) {
  (void)flags;
  if (crashed_) return SQLITE_IOERR_FSYNC;
  if (power_fails()) {
    crash();
    return SQLITE_IOERR_FSYNC;
  }
  // What this file's page cache holds reaches the disk (in this emulation the file itself is the disk;
  // a real fsync would only slow a thousand runs down).
  const auto it = pending_.find(file.path);
  if (it == pending_.end()) return SQLITE_OK;
  for (const Pending& p : it->second) {
    const int rc = p.truncation ? real_truncate(file, p.size)
                                : real_write(file, p.data.data(), static_cast<int>(p.data.size()), p.offset);
    if (rc != SQLITE_OK) return rc;
  }
  pending_.erase(it);
  return SQLITE_OK;
}

int PowerLossVfs::file_size(File& file, sqlite3_int64* size) {
  const auto it = pending_.find(file.path);
  if (it == pending_.end() || it->second.empty()) return real_file_size(file, size);
  *size = logical_size(file, it->second);
  return SQLITE_OK;
}

int PowerLossVfs::file_control(File& file, int op, void* arg) {
  // A size hint may grow the file on disk directly, behind the page cache: the emulation ignores it.
  if (op == SQLITE_FCNTL_SIZE_HINT) return SQLITE_OK;
  return VfsShim::file_control(file, op, arg);
}

int PowerLossVfs::remove(const char* path, int sync_directory) {
  if (crashed_) return SQLITE_IOERR_DELETE;
  pending_.erase(path);
  return real_remove(path, sync_directory);
}

void PowerLossVfs::crash() {
  crashed_ = true;
  if (flavour_ != Flavour::DropAll) {
    struct Survivor {
      const std::string* path;
      Pending* op;
    };
    std::vector<Survivor> survivors;
    std::bernoulli_distribution reached(0.5);
    for (auto& [path, ops] : pending_)
      for (Pending& p : ops)
        if (flavour_ == Flavour::KeepAll || reached(random_)) survivors.push_back({&path, &p});
    std::sort(survivors.begin(), survivors.end(),
              [](const Survivor& a, const Survivor& b) { return a.op->order < b.op->order; });
    if (flavour_ == Flavour::TornSubset) {
      for (auto s = survivors.rbegin(); s != survivors.rend(); ++s) {
        Pending& last = *s->op;
        if (last.truncation || last.data.size() < 2) continue;
        // Only a prefix of the last write that was under way reached the platter.
        std::uniform_int_distribution<std::size_t> cut(1, last.data.size() - 1);
        last.data.resize(cut(random_));
        torn_ = true;
        break;
      }
    }
    for (const Survivor& s : survivors) {
      const Pending& p = *s.op;
      const auto open = open_.find(*s.path);
      if (open != open_.end()) {
        File& file = *open->second;
        if (p.truncation) (void)real_truncate(file, p.size);
        else (void)real_write(file, p.data.data(), static_cast<int>(p.data.size()), p.offset);
      } else {
        apply_by_path(*s.path, p.offset, p.data, p.truncation, p.size);
      }
      ++survived_;
    }
  }
  pending_.clear();
}

}  // namespace stillroom::test
