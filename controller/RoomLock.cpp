#include "controller/RoomLock.hpp"

#include "config/Duration.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace stillroom::controller {
namespace {

/** The holder's description ("pid 1234, room room-1 from /etc/stillroom/room.yaml, since ..."), "" when unknown. */
std::string describe_holder(int fd) {
  char buffer[1024];
  const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
  if (n <= 0) return {};
  std::istringstream lines(std::string(buffer, static_cast<std::size_t>(n)));
  std::string line;
  std::string pid, room, file, since;
  while (std::getline(lines, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = line.substr(0, eq);
    const std::string value = line.substr(eq + 1);
    if (key == "pid") pid = value;
    else if (key == "room") room = value;
    else if (key == "room_file") file = value;
    else if (key == "since") since = value;
  }
  if (pid.empty()) return {};
  std::string out = "pid " + pid;
  if (!room.empty()) out += ", room " + room;
  if (!file.empty()) out += " from " + file;
  if (!since.empty()) out += ", running since " + since;
  return out;
}

std::string errno_text(int error) { return std::strerror(error); }

}  // namespace

std::filesystem::path RoomLock::lock_path(const std::filesystem::path& record) {
  return std::filesystem::path(record.string() + ".lock");
}

RoomLock::RoomLock(const std::filesystem::path& record, const std::string& room_id, const std::string& room_file)
    : path_(lock_path(record)) {
  const mode_t previous = ::umask(077);
  std::error_code error;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), error);
  fd_ = error ? -1 : ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  const int open_errno = errno;
  ::umask(previous);
  if (error)
    throw RoomLockError("cannot create the directory of the record " + record.string() + ": " + error.message());
  if (fd_ < 0)
    throw RoomLockError("cannot open the room lock " + path_.string() + ": " + errno_text(open_errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int lock_errno = errno;
    const std::string holder = lock_errno == EWOULDBLOCK ? describe_holder(fd_) : std::string();
    ::close(fd_);
    fd_ = -1;
    if (lock_errno != EWOULDBLOCK)
      throw RoomLockError("cannot lock " + path_.string() + ": " + errno_text(lock_errno));
    throw RoomLockError("another stillroom controller (" + (holder.empty() ? std::string("its pid is not known yet") : holder) +
                        ") already runs the room with the record " + record.string() + " (lock " + path_.string() +
                        "); stop it first: two controllers on one room and record would fight over the broker");
  }
  std::ostringstream holder;
  holder << "pid=" << ::getpid() << "\nroom=" << room_id << "\nroom_file=" << room_file
         << "\nsince=" << config::format_instant(std::chrono::system_clock::now()) << "\n";
  const std::string text = holder.str();
  // Best effort: the content only names the holder for the next one that tries.
  if (::ftruncate(fd_, 0) == 0) (void)::pwrite(fd_, text.data(), text.size(), 0);
}

RoomLock::~RoomLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace stillroom::controller
