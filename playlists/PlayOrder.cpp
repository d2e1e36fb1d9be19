#include "playlists/PlayOrder.hpp"

#include <numeric>
#include <random>

namespace stillroom::plan {

std::vector<int> play_order(int count, bool shuffle, std::uint64_t seed) {
  std::vector<int> order(static_cast<std::size_t>(count < 0 ? 0 : count));
  std::iota(order.begin(), order.end(), 0);
  if (!shuffle || order.size() < 2) return order;
  std::mt19937_64 random(seed);
  // Fisher–Yates with a plain modulo: its bias (below 2^-50 for any playlist)
  // is irrelevant here, and its result is the same everywhere.
  for (std::size_t i = order.size() - 1; i > 0; --i) {
    const auto j = static_cast<std::size_t>(random() % (i + 1));
    std::swap(order[i], order[j]);
  }
  return order;
}

std::uint64_t stable_hash(std::string_view bytes, std::uint64_t state) noexcept {
  for (const char c : bytes) {
    state ^= static_cast<unsigned char>(c);
    state *= 0x100000001b3ULL;
  }
  return state;
}

}  // namespace stillroom::plan
