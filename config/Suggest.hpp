// Suggest: "did you mean ...?" for misspelt keys, ids and names. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stillroom::config {

/** Optimal string alignment distance (a swap of neighbours counts once), case-insensitive. */
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/** The candidate closest to `word`, if it is close enough to be a plausible typo. */
[[nodiscard]] std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);

/** " (did you mean 'x'?)" when one is near, else " (known: a, b, c)", or " (none are defined)". */
[[nodiscard]] std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/** "a, b, c" */
[[nodiscard]] std::string join(const std::vector<std::string>& words, std::string_view separator = ", ");

}  // namespace stillroom::config
