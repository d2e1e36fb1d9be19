// PowerLossVfs: a power cut below SQLite. Writes and truncations stay in
// memory (an operating system's page cache) until SQLite syncs that file; only
// then do they reach the file on disk. At the crash every write not yet synced
// is lost, or, in the other flavours, all of them reached it (only the sync's
// confirmation was lost), or a random subset of them in any order, the last of those torn part-way (SQLite's own crash model:
// unsynced writes may land in any order and a sector being written may be
// garbled; nothing outside a write's range changes, as the unix VFS's
// power-safe-overwrite promise says). After the crash the process is dead: every
// later write, sync, truncation and delete fails without touching the disk, and
// what is on disk is the surviving image. Creating, renaming and deleting files
// are durable at once (the record syncs its directory itself).
#pragma once

#include "VfsShim.hpp"

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace stillroom::test {

class PowerLossVfs final : public VfsShim {
 public:
  enum class Flavour {
    DropAll,     ///< every unsynced write is lost
    Subset,      ///< each unsynced write reached the disk or not, independently
    TornSubset,  ///< as Subset, and the last write that reached it was torn part-way
    KeepAll,     ///< every unsynced write reached the disk; only the confirmation was lost
  };

  explicit PowerLossVfs(std::string name) : VfsShim(std::move(name)) {}

  /** The power fails just as the `op`th storage operation (write, truncate or sync; 1-based, from now) is issued. */
  void arm(std::int64_t op, Flavour flavour, std::uint64_t seed);
  /** The power failed. */
  [[nodiscard]] bool crashed() const noexcept { return crashed_; }
  /** Writes, truncations and syncs issued so far (the crash points of a run). */
  [[nodiscard]] std::int64_t operations() const noexcept { return operations_; }
  /** Unsynced writes that reached the disk at the crash, and whether the last one was torn. */
  [[nodiscard]] int survived_writes() const noexcept { return survived_; }
  [[nodiscard]] bool torn() const noexcept { return torn_; }

  int read(File& file, void* buffer, int amount, sqlite3_int64 offset) override;
  int write(File& file, const void* data, int amount, sqlite3_int64 offset) override;
  int truncate(File& file, sqlite3_int64 size) override;
  int sync(File& file, int flags) override;
  int file_size(File& file, sqlite3_int64* size) override;
  int file_control(File& file, int op, void* arg) override;
  int remove(const char* path, int sync_directory) override;
  void opened(File& file) override;
  void closing(File& file) override;

 private:
  /** A write (data) or a truncation (size) not yet synced; `order` across every file. */
  struct Pending {
    std::int64_t order = 0;
    sqlite3_int64 offset = 0;
    std::string data;
    bool truncation = false;
    sqlite3_int64 size = 0;
  };

  /** Counts an operation; true when the power fails at it. */
  bool power_fails();
  /** The power failure: what of `pending_` reaches the disk, then nothing more. */
  void crash();
  /** The size the file has for SQLite: on disk, then changed by its unsynced operations. */
  sqlite3_int64 logical_size(File& file, const std::vector<Pending>& pending);

  /** Unsynced operations per file path, in the order they were issued. */
  std::map<std::string, std::vector<Pending>> pending_;
  /** The open file of each path (unsynced data of a closed file stays in pending_). */
  std::map<std::string, File*> open_;
  std::int64_t operations_ = 0;
  std::int64_t order_ = 0;
  std::int64_t crash_at_ = 0;
  Flavour flavour_ = Flavour::DropAll;
  std::mt19937_64 random_{1};
  bool crashed_ = false;
  int survived_ = 0;
  bool torn_ = false;
};

}  // namespace stillroom::test
