#include "config/Suggest.hpp"

#include <algorithm>
#include <cctype>

namespace stillroom::config {
namespace {

char fold(char c) noexcept { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

/**
 * How far a typo may be from what was meant: one edit for short words, up to
 * three for long ones. Two-letter words ("iv", "im") differ in half their
 * letters after one edit, so they only match ignoring case.
 */
std::size_t tolerance(std::size_t length) noexcept {
  return length <= 2 ? 0 : std::clamp<std::size_t>((length + 2) / 4, 1, 3);
}

bool starts_with_folded(std::string_view text, std::string_view prefix) noexcept {
  if (prefix.size() > text.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (fold(text[i]) != fold(prefix[i])) return false;
  return true;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  // Three rolling rows: the transposition step looks two rows back.
  std::vector<std::size_t> before(m + 1), previous(m + 1), current(m + 1);
  for (std::size_t j = 0; j <= m; ++j) previous[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]))
        current[j] = std::min(current[j], before[j - 2] + 1);
    }
    std::swap(before, previous);
    std::swap(previous, current);
  }
  return previous[m];
}

std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  const std::size_t limit = tolerance(word.size());
  std::size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    std::size_t d = edit_distance(word, candidate);
    // "volume" for "volume_db": a clear beginning of the word counts as near, after any real typo match.
    if (d > limit && word.size() >= 4 && starts_with_folded(candidate, word)) d = limit;
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  if (candidates.empty()) return " (none are defined)";
  if (auto near = nearest(word, candidates)) return " (did you mean '" + *near + "'?)";
  return " (known: " + join(candidates) + ")";
}

std::string join(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += separator;
    out += w;
  }
  return out;
}

}  // namespace stillroom::config
