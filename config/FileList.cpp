#include "config/FileList.hpp"

#include "config/Suggest.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <glob.h>

namespace stillroom::config {
namespace {

bool is_yaml(const std::filesystem::path& p) {
  const auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

bool is_hidden(const std::filesystem::path& p) {
  const auto name = p.filename().string();
  return !name.empty() && name.front() == '.';
}

bool has_glob_characters(const std::string& text) { return text.find_first_of("*?[") != std::string::npos; }

FileList list_directory(const std::filesystem::path& dir) {
  FileList out;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& p = it->path();
    std::error_code type_ec;
    if (is_yaml(p) && !is_hidden(p) && std::filesystem::is_regular_file(p, type_ec)) out.files.push_back(p);
  }
  if (ec) out.error = ec.message();
  std::sort(out.files.begin(), out.files.end());
  return out;
}

FileList list_glob(const std::filesystem::path& pattern) {
  FileList out;
  glob_t found{};
  const int rc = ::glob(pattern.c_str(), 0, nullptr, &found);
  if (rc == 0) {
    for (std::size_t i = 0; i < found.gl_pathc; ++i) {
      const std::filesystem::path p(found.gl_pathv[i]);
      std::error_code ec;
      if (!is_hidden(p) && std::filesystem::is_regular_file(p, ec)) out.files.push_back(p);
    }
  } else if (rc != GLOB_NOMATCH) {
    out.error = rc == GLOB_NOSPACE ? std::strerror(ENOMEM) : std::strerror(EIO);
  }
  ::globfree(&found);
  return out;  // glob(3) sorts its results
}

}  // namespace

FileList list_config_files(const std::filesystem::path& where) {
  if (has_glob_characters(where.string())) return list_glob(where);
  std::error_code ec;
  const auto status = std::filesystem::status(where, ec);
  if (ec || !std::filesystem::exists(status)) {
    FileList out;
    out.error = std::strerror(ENOENT);
    return out;
  }
  if (std::filesystem::is_directory(status)) return list_directory(where);
  return FileList{{where}, ""};
}

std::string nearest_sibling(const std::filesystem::path& path) {
  auto target = path;
  if (!target.has_filename()) target = target.parent_path();  // "protocols/" names the directory itself
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(target.parent_path(), ec), end; !ec && it != end; it.increment(ec))
    names.push_back(it->path().filename().string());
  std::sort(names.begin(), names.end());
  return nearest(target.filename().string(), names).value_or("");
}

}  // namespace stillroom::config
