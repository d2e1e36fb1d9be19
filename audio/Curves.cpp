#include "audio/Curves.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace stillroom::audio {

double fade_gain(plan::FadeShape shape, FadeDirection direction, double x) noexcept {
  x = std::clamp(x, 0.0, 1.0);
  constexpr double pi = std::numbers::pi;
  if (shape == plan::FadeShape::EqualPower) {
    return direction == FadeDirection::In ? std::sin(x * pi / 2) : std::cos(x * pi / 2);
  }
  const double c = std::cos(x * pi);
  return direction == FadeDirection::In ? 0.5 - 0.5 * c : 0.5 + 0.5 * c;
}

double ramp_progress(plan::FadeShape shape, FadeDirection direction, double x) noexcept {
  // A fade-out of an amplitude that is not 1 keeps the Out curve's shape, scaled.
  return direction == FadeDirection::In ? fade_gain(shape, FadeDirection::In, x)
                                        : 1.0 - fade_gain(shape, FadeDirection::Out, x);
}

double max_slope(plan::FadeShape) noexcept { return std::numbers::pi / 2; }

double db_to_gain(double db) noexcept {
  if (std::isinf(db) && db < 0) return 0.0;
  return std::pow(10.0, db / 20.0);
}

double gain_to_db(double gain) noexcept {
  if (gain <= 0) return -std::numeric_limits<double>::infinity();
  return 20.0 * std::log10(gain);
}

}  // namespace stillroom::audio
