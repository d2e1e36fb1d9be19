#include "Wavetable.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace stillroom::demo {

std::uint32_t phase_increment(double hz, int rate) noexcept {
  const double turns = hz / static_cast<double>(rate);
  return static_cast<std::uint32_t>(std::llround(turns * 4294967296.0) & 0xffffffffLL);
}

Wavetable::Wavetable(std::initializer_list<double> harmonics) {
  double peak = 0.0;
  std::array<double, kSize> values{};
  for (int i = 0; i < kSize; ++i) {
    const double angle = 2.0 * std::numbers::pi * static_cast<double>(i) / kSize;
    double value = 0.0;
    int number = 1;
    for (const double amplitude : harmonics) {
      value += amplitude * std::sin(angle * number);
      ++number;
    }
    values[i] = value;
    peak = std::max(peak, std::abs(value));
  }
  const double scale = peak > 0.0 ? 1.0 / peak : 0.0;
  for (int i = 0; i < kSize; ++i) samples_[i] = static_cast<float>(values[i] * scale);
  samples_[kSize] = samples_[0];
}

}  // namespace stillroom::demo
