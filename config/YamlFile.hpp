// YamlFile: one configuration file read from disk and parsed, with the checks
// yaml-cpp does not make itself (duplicate keys). Converts yaml-cpp's 0-based
// marks into the 1-based SourceMarks every problem carries. Runs on whichever
// thread loads the configuration; holds no global state.
#pragma once

#include "config/Problems.hpp"
#include "config/SourceMark.hpp"

#include <filesystem>
#include <string>

#include <yaml-cpp/yaml.h>

namespace stillroom::config {

/** `path` relative to the working directory when it lies inside it, else absolute. */
[[nodiscard]] std::string display_path(const std::filesystem::path& path);

/** The file's bytes into `text`, or false with the reason it cannot be read (strerror text). */
bool read_text_file(const std::filesystem::path& path, std::string& text, std::string& reason);

/** `written` resolved against `base_dir` unless already absolute, lexically normalised. */
[[nodiscard]] std::filesystem::path resolve_path(const std::filesystem::path& base_dir, const std::string& written);

class YamlFile {
 public:
  /**
   * Reads and parses `path`. An unreadable file, a syntax error and duplicate
   * keys are reported into `problems`; parsed() tells whether root() is usable.
   */
  static YamlFile load(const std::filesystem::path& path, Problems& problems);

  /** Parses `text` as if it were the content of `path` (for files read elsewhere). */
  static YamlFile parse(const std::filesystem::path& path, const std::string& text, Problems& problems);

  /** The document was read and parsed (it may still be empty). */
  [[nodiscard]] bool parsed() const noexcept { return parsed_; }
  [[nodiscard]] const YAML::Node& root() const noexcept { return root_; }
  /** Absolute, normalised. */
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  /** The directory relative paths inside this file are resolved against. */
  [[nodiscard]] std::filesystem::path dir() const { return path_.parent_path(); }
  /** File name without directory and extension: the default id. */
  [[nodiscard]] std::string stem() const { return path_.stem().string(); }
  /** How problems name this file. */
  [[nodiscard]] const std::string& display() const noexcept { return display_; }

  /** The whole file (no position). */
  [[nodiscard]] SourceMark whole() const { return {display_, 0, 0}; }
  /** yaml-cpp's 0-based mark as a 1-based SourceMark; the whole file when yaml-cpp has no position. */
  [[nodiscard]] SourceMark mark(const YAML::Mark& mark) const;
  [[nodiscard]] SourceMark mark(const YAML::Node& node) const { return mark(node.Mark()); }

  /**
   * The plain word written at `node`'s position ("null" for `output: null`).
   * yaml-cpp turns null, ~ and an empty value alike into a null node; this
   * tells a written "null" from nothing.
   */
  [[nodiscard]] std::string word_at(const YAML::Node& node) const;

 private:
  explicit YamlFile(const std::filesystem::path& path);

  /** Reports every key that appears twice in one map, at its second occurrence. */
  void check_duplicate_keys(const YAML::Node& node, int depth, Problems& problems) const;

  std::filesystem::path path_;
  std::string display_;
  YAML::Node root_;
  /** The text as read, for word_at(). */
  std::string text_;
  bool parsed_ = false;
};

}  // namespace stillroom::config
