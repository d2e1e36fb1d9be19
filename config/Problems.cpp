#include "config/Problems.hpp"

#include <algorithm>
#include <ostream>
#include <tuple>

namespace stillroom::config {

std::string Problem::str() const {
  return where.str() + (severity == Severity::Warning ? ": warning: " : ": ") + message;
}

void Problems::error(SourceMark where, std::string message) {
  add({std::move(where), Severity::Error, std::move(message)});
}

void Problems::warning(SourceMark where, std::string message) {
  add({std::move(where), Severity::Warning, std::move(message)});
}

void Problems::add(Problem problem) {
  // The same fact reached through two paths (a file named by two clients, say) is said once.
  const auto same = [&](const Problem& p) {
    return p.where.file == problem.where.file && p.where.line == problem.where.line &&
           p.where.column == problem.where.column && p.message == problem.message;
  };
  if (std::none_of(list_.begin(), list_.end(), same)) list_.push_back(std::move(problem));
}

void Problems::append(const Problems& other) {
  for (const auto& p : other.list_) add(p);
}

bool Problems::has_errors() const noexcept {
  return std::any_of(list_.begin(), list_.end(), [](const Problem& p) { return p.severity == Severity::Error; });
}

void Problems::print(std::ostream& out) const {
  auto sorted = list_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.where.file, a.where.line, a.where.column) < std::tie(b.where.file, b.where.line, b.where.column);
  });
  for (const auto& p : sorted) out << p.str() << '\n';
}

}  // namespace stillroom::config
