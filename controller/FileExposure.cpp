#include "controller/FileExposure.hpp"

#include <cerrno>
#include <cstdio>
#include <sys/stat.h>
#include <system_error>

namespace stillroom::controller {
namespace {

struct stat stat_of(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw std::filesystem::filesystem_error("cannot examine", path, std::error_code(errno, std::generic_category()));
  return st;
}

}  // namespace

std::string octal_mode(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777U);
  return text;
}

FileExposure file_exposure(const std::filesystem::path& file) {
  const auto canonical = std::filesystem::canonical(file);
  const struct stat st = stat_of(canonical);
  FileExposure out;
  out.mode = st.st_mode & 07777U;
  bool world = (st.st_mode & S_IROTH) != 0;
  bool group = (st.st_mode & S_IRGRP) != 0;
  out.why = "mode " + octal_mode(out.mode);
  // Every directory on the way must let the others search it, or they never reach the file.
  for (auto dir = canonical.parent_path(); (world || group) && !dir.empty(); dir = dir.parent_path()) {
    const struct stat d = stat_of(dir);
    if (world && (d.st_mode & S_IXOTH) == 0) world = false;
    if (group && (d.st_mode & (S_IXGRP | S_IXOTH)) == 0) group = false;
    if (dir == dir.root_path()) break;
  }
  out.reach = world ? FileExposure::Reach::World : group ? FileExposure::Reach::Group : FileExposure::Reach::Owner;
  return out;
}

}  // namespace stillroom::controller
