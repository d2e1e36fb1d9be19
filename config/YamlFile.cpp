#include "config/YamlFile.hpp"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

namespace stillroom::config {
namespace {

/** Deeper nesting than any configuration needs; also stops alias cycles. */
constexpr int max_depth = 64;


/** yaml-cpp says "illegal map value" for a tab in an indent; name the real cause when it is there. */
std::string tab_hint(const std::string& text, int error_line) {
  int line = 0;
  bool at_line_start = true;
  for (const char c : text) {
    if (line > error_line) break;
    if (c == '\n') {
      ++line;
      at_line_start = true;
    } else if (at_line_start && c == '\t') {
      return " (line " + std::to_string(line + 1) + " is indented with a tab: YAML indents with spaces only)";
    } else if (c != ' ') {
      at_line_start = false;
    }
  }
  return "";
}

}  // namespace

bool read_text_file(const std::filesystem::path& path, std::string& text, std::string& reason) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    reason = std::strerror(EISDIR);
    return false;
  }
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    reason = std::strerror(errno);
    return false;
  }
  char buffer[8192];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, n);
  if (std::ferror(file.get()) != 0) {
    reason = std::strerror(errno);
    return false;
  }
  return true;
}

std::string display_path(const std::filesystem::path& path) {
  std::error_code ec;
  const auto cwd = std::filesystem::current_path(ec);
  if (!ec && path.is_absolute()) {
    const auto relative = path.lexically_relative(cwd);
    if (!relative.empty() && *relative.begin() != ".." && relative != ".") return relative.string();
  }
  return path.string();
}

std::filesystem::path resolve_path(const std::filesystem::path& base_dir, const std::string& written) {
  std::filesystem::path p(written);
  if (p.is_relative()) p = base_dir / p;
  return p.lexically_normal();
}

YamlFile::YamlFile(const std::filesystem::path& path)
    : path_(std::filesystem::absolute(path).lexically_normal()), display_(display_path(path_)) {}

SourceMark YamlFile::mark(const YAML::Mark& mark) const {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return whole();
  return {display_, mark.line + 1, mark.column + 1};
}

YamlFile YamlFile::load(const std::filesystem::path& path, Problems& problems) {
  std::string text;
  std::string reason;
  if (!read_text_file(path, text, reason)) {
    YamlFile file(path);
    problems.error(file.whole(), "cannot read: " + reason);
    return file;
  }
  return parse(path, text, problems);
}

YamlFile YamlFile::parse(const std::filesystem::path& path, const std::string& text, Problems& problems) {
  YamlFile file(path);
  file.text_ = text;
  try {
    file.root_ = YAML::Load(text);
    file.parsed_ = true;
  } catch (const YAML::Exception& e) {
    problems.error(file.mark(e.mark), "syntax error: " + e.msg + tab_hint(text, e.mark.line));
    return file;
  }
  file.check_duplicate_keys(file.root_, 0, problems);
  return file;
}

std::string YamlFile::word_at(const YAML::Node& node) const {
  const YAML::Mark at = node.Mark();
  if (at.is_null() || at.pos < 0 || static_cast<std::size_t>(at.pos) >= text_.size()) return "";
  std::size_t end = static_cast<std::size_t>(at.pos);
  while (end < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '~')) ++end;
  return text_.substr(static_cast<std::size_t>(at.pos), end - static_cast<std::size_t>(at.pos));
}

void YamlFile::check_duplicate_keys(const YAML::Node& node, int depth, Problems& problems) const {
  if (depth > max_depth) return;
  if (node.IsSequence()) {
    for (const auto& item : node) check_duplicate_keys(item, depth + 1, problems);
  } else if (node.IsMap()) {
    // yaml-cpp keeps both pairs of a repeated key in the map (lookups find the first).
    std::map<std::string, YAML::Mark> first_seen;
    for (const auto& pair : node) {
      if (pair.first.IsScalar()) {
        const auto [it, inserted] = first_seen.emplace(pair.first.Scalar(), pair.first.Mark());
        if (!inserted)
          problems.error(mark(pair.first), "duplicate key '" + pair.first.Scalar() + "' (first at line " +
                                               std::to_string(it->second.line + 1) + ")");
      }
      check_duplicate_keys(pair.second, depth + 1, problems);
    }
  }
}

}  // namespace stillroom::config
