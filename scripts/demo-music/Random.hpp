// Random: a small deterministic generator (splitmix64) seeded from a name, so
// the same track name gives the same choices and the same bytes on every run.
// Standard library distributions are implementation-defined and are not used.
#pragma once

#include <cstdint>
#include <string_view>

namespace stillroom::demo {

/** FNV-1a, 64 bit. */
[[nodiscard]] std::uint64_t fnv1a(std::string_view text) noexcept;

class Random {
 public:
  explicit Random(std::uint64_t seed) noexcept : state_(seed) {}

  /** Seeded from a track name. */
  [[nodiscard]] static Random from_name(std::string_view name) noexcept { return Random(fnv1a(name)); }

  /** An independent stream for one part of a track ("pad", "bells"...). */
  [[nodiscard]] Random fork(std::string_view part) const noexcept { return Random(state_ ^ fnv1a(part)); }

  [[nodiscard]] std::uint64_t next() noexcept;
  /** Uniform in [0, 1). */
  [[nodiscard]] double uniform() noexcept;
  /** Uniform in [low, high). */
  [[nodiscard]] double uniform(double low, double high) noexcept { return low + (high - low) * uniform(); }
  /** Uniform integer in [0, count); 0 when count <= 0. */
  [[nodiscard]] int below(int count) noexcept;

 private:
  std::uint64_t state_;
};

}  // namespace stillroom::demo
