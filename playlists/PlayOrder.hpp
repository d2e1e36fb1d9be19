// PlayOrder: the order a phase's entries play in — file order, or a seeded
// shuffle that is identical on every machine and every run (the standard
// library's shuffle and distributions are implementation-defined, so the
// permutation is built from mt19937_64's specified output alone).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace stillroom::plan {

/** Indices 0..count-1, shuffled with `seed` when `shuffle` is set. */
[[nodiscard]] std::vector<int> play_order(int count, bool shuffle, std::uint64_t seed);

/** FNV-1a over bytes, chained: a stable 64-bit hash for ids and seeds. */
[[nodiscard]] std::uint64_t stable_hash(std::string_view bytes, std::uint64_t state = 0xcbf29ce484222325ULL) noexcept;

}  // namespace stillroom::plan
