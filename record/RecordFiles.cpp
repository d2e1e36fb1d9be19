#include "record/RecordFiles.hpp"

#include "record/RecordError.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace stillroom::record {
namespace {

RecordError file_error(const std::string& what, const std::filesystem::path& path, int error) {
  RecordError::Kind kind = RecordError::Kind::Io;
  if (error == EROFS || error == EACCES || error == EPERM) kind = RecordError::Kind::ReadOnly;
  if (error == ENOSPC || error == EDQUOT || error == EFBIG) kind = RecordError::Kind::DiskFull;
  return RecordError(kind, what + " " + path.string() + ": " + std::strerror(error), 0, error);
}

std::filesystem::path with_suffix(const std::filesystem::path& path, const std::string& suffix) {
  return std::filesystem::path(path.string() + suffix);
}

const char* const kCompanions[] = {"-wal", "-shm", "-journal"};

}  // namespace

RecordUmask::RecordUmask() noexcept : previous_(::umask(077)) {}

RecordUmask::~RecordUmask() { ::umask(previous_); }

std::vector<std::filesystem::path> record_files(const std::filesystem::path& database) {
  std::vector<std::filesystem::path> files{database};
  for (const char* suffix : kCompanions) files.push_back(with_suffix(database, suffix));
  return files;
}

void create_private_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return;
    throw file_error("cannot create", path, errno);
  }
  ::close(fd);
  sync_directory(path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path());
}

void restrict_record_modes(const std::filesystem::path& database) {
  for (const auto& file : record_files(database)) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) continue;
    if ((st.st_mode & 0777) == 0600) continue;
    if (::chmod(file.c_str(), 0600) != 0) throw file_error("cannot restrict the mode of", file, errno);
  }
}

void sync_directory(const std::filesystem::path& directory) noexcept {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

std::optional<StorageDiagnosis> diagnose_write_failure(const std::filesystem::path& database) {
  const auto directory = database.has_parent_path() ? database.parent_path() : std::filesystem::path(".");
  struct statvfs fs {};
  if (::statvfs(directory.c_str(), &fs) == 0) {
    if ((fs.f_flag & ST_RDONLY) != 0)
      return StorageDiagnosis{RecordError::Kind::ReadOnly, "the filesystem of " + directory.string() + " is read-only"};
    const unsigned long long free_bytes =
        static_cast<unsigned long long>(fs.f_bavail) * static_cast<unsigned long long>(fs.f_frsize);
    if (free_bytes < 64 * 1024)
      return StorageDiagnosis{RecordError::Kind::DiskFull, "no space left: " + std::to_string(free_bytes) +
                                                               " bytes free on the filesystem of " + directory.string()};
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    for (const auto& file : record_files(database)) {
      struct stat st {};
      if (::stat(file.c_str(), &st) == 0 && static_cast<rlim_t>(st.st_size) >= limit.rlim_cur)
        return StorageDiagnosis{RecordError::Kind::DiskFull, file.filename().string() +
                                                                 " reached the file size limit (RLIMIT_FSIZE) of " +
                                                                 std::to_string(limit.rlim_cur) + " bytes"};
    }
  }
  return std::nullopt;
}

std::filesystem::path move_record_aside(const std::filesystem::path& database, const std::string& label,
                                        const std::string& stamp) {
  const std::string base = database.string() + "." + label + "-" + stamp;
  std::filesystem::path target = base;
  for (int n = 2; std::filesystem::exists(target) || std::filesystem::exists(with_suffix(target, "-wal")); ++n)
    target = base + "-" + std::to_string(n);
  // Companions first: if the main file's rename then fails, SQLite still finds nothing stale beside it.
  for (const char* suffix : kCompanions) {
    const auto from = with_suffix(database, suffix);
    if (::access(from.c_str(), F_OK) != 0) continue;
    if (::rename(from.c_str(), with_suffix(target, suffix).c_str()) != 0)
      throw file_error("cannot move aside", from, errno);
  }
  if (::rename(database.c_str(), target.c_str()) != 0) throw file_error("cannot move aside", database, errno);
  sync_directory(database.parent_path().empty() ? std::filesystem::path(".") : database.parent_path());
  return target;
}

}  // namespace stillroom::record
