// FileExposure: who besides its owner can read a file, from its mode and from
// whether every directory above it lets them through (a 0644 file in a 0700
// directory is private). The controller refuses to start with a secret (the
// broker password, a TLS private key) that any user can read, and warns when
// its group can. Pure file-system queries; any thread.
#pragma once

#include <filesystem>
#include <string>

namespace stillroom::controller {

struct FileExposure {
  enum class Reach {
    Owner,  ///< only its owner (and root)
    Group,  ///< its group can read it
    World,  ///< every user of the box can read it
  };
  Reach reach = Reach::Owner;
  /** Permission bits of the file, e.g. 0644. */
  unsigned mode = 0;
  /** "mode 0644" or "mode 0644, and /etc/stillroom is open to all", for messages. */
  std::string why;
};

/** Throws std::filesystem::filesystem_error when the file cannot be examined. */
[[nodiscard]] FileExposure file_exposure(const std::filesystem::path& file);

/** "0640" */
[[nodiscard]] std::string octal_mode(unsigned mode);

}  // namespace stillroom::controller
