#include "config/FileKind.hpp"

namespace stillroom::config {

const std::vector<std::string>& file_kinds() {
  static const std::vector<std::string> kinds = {"room", "protocol", "playlist", "client"};
  return kinds;
}

bool check_file_kind(const Reader& reader, const std::string& kind) {
  const YAML::Node& root = reader.file().root();
  if (!root.IsDefined() || root.IsNull()) {
    reader.error(reader.file().whole(), "the file is empty (expected a " + kind + " file starting with '" + kind + ":')");
    return false;
  }
  if (!root.IsMap()) {
    reader.error(reader.file().mark(root),
                 "expected a map with '" + kind + ":' at the top of a " + kind + " file, got " + Reader::describe(root));
    return false;
  }
  if (root[kind].IsDefined()) return true;
  for (const auto& other : file_kinds()) {
    if (other != kind && root[other].IsDefined()) {
      reader.error(reader.file().whole(),
                   "this is a " + other + " file, not a " + kind + " file (it starts with '" + other + ":')");
      return false;
    }
  }
  return true;  // the missing '<kind>:' key is reported by the reader with the other keys
}

}  // namespace stillroom::config
