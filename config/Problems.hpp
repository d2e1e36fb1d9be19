// Problems: the list of everything wrong with a configuration, collected across
// all files in one run so that a clinic fixes them all at once.
#pragma once

#include "config/SourceMark.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace stillroom::config {

enum class Severity { Error, Warning };

struct Problem {
  SourceMark where;
  Severity severity = Severity::Error;
  std::string message;

  /** "file:line:column: message" (warnings read "file:line:column: warning: message"). */
  [[nodiscard]] std::string str() const;
};

class Problems {
 public:
  void error(SourceMark where, std::string message);
  void warning(SourceMark where, std::string message);
  void add(Problem problem);
  void append(const Problems& other);

  [[nodiscard]] bool empty() const noexcept { return list_.empty(); }
  [[nodiscard]] bool has_errors() const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return list_.size(); }
  [[nodiscard]] const std::vector<Problem>& list() const noexcept { return list_; }

  /** Sorted by file, line, column; one per line. */
  void print(std::ostream& out) const;

 private:
  std::vector<Problem> list_;
};

}  // namespace stillroom::config
