// SourceMark: where in which file a configuration value was written.
// Every loaded structure keeps the mark of its YAML node so that later checks
// (the plan, the audio probe, the controller's preflight) can point a clinic at
// the exact line to fix.
#pragma once

#include <string>

namespace stillroom::config {

struct SourceMark {
  /** File as the user named it (relative to the working directory when possible). */
  std::string file;
  /** 1-based line; 0 when the problem concerns the whole file. */
  int line = 0;
  /** 1-based column; 0 when the problem concerns the whole file. */
  int column = 0;

  /** "file:line:column", or "file" when there is no position. */
  [[nodiscard]] std::string str() const;
  friend bool operator==(const SourceMark&, const SourceMark&) = default;
};

}  // namespace stillroom::config
