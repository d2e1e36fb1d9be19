#include "record/RecordFileCheck.hpp"

#include "record/RecordDatabase.hpp"

namespace stillroom::record {

std::optional<std::string> record_file_damage(const std::filesystem::path& path, const std::string& vfs) {
  RecordDatabase db(path, RecordDatabase::Access::Read, 5000, vfs);
  const std::string quick = db.query_text("PRAGMA quick_check(1)");
  if (quick == "ok") return std::nullopt;
  return "SQLite quick_check: " + quick;
}

std::filesystem::path damage_marker(const std::filesystem::path& record_path) {
  return record_path.string() + ".damaged";
}

}  // namespace stillroom::record
