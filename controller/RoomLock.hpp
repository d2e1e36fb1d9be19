// RoomLock: one controller per room and record. `stillroom run` takes an
// exclusive flock on a lock file beside the record ("<record>.lock") before it
// starts anything, and holds it for the life of the process; the kernel drops
// it when the process ends, however it ends. The file names the holder (pid,
// room, room file, since when), so a second controller can say who is already
// running instead of fighting it for the broker. Taken on the main thread.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <sys/types.h>

namespace stillroom::controller {

/** The room is already run by another process, or its lock cannot be taken. */
class RoomLockError : public std::runtime_error {
 public:
  explicit RoomLockError(const std::string& message) : std::runtime_error(message) {}
};

class RoomLock {
 public:
  /** "<record>.lock" */
  [[nodiscard]] static std::filesystem::path lock_path(const std::filesystem::path& record);

  /**
   * Takes the lock for `room_id` (configured in `room_file`) whose record is `record`, creating
   * the lock file (mode 0600) and its directory (0700) when missing. Never waits: throws
   * RoomLockError naming the holding process when another one has it.
   */
  RoomLock(const std::filesystem::path& record, const std::string& room_id, const std::string& room_file);
  /** Releases the lock (the file stays: it is only ever locked, never trusted for its content). */
  ~RoomLock();
  RoomLock(const RoomLock&) = delete;
  RoomLock& operator=(const RoomLock&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace stillroom::controller
