#include "StateVariableFilter.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace stillroom::demo {

void StateVariableFilter::tune(double hz, double q, int rate) noexcept {
  const double nyquist_safe = 0.45 * rate;
  const double g = std::tan(std::numbers::pi * std::clamp(hz, 10.0, nyquist_safe) / rate);
  const double k = 1.0 / std::max(q, 0.1);
  const double a1 = 1.0 / (1.0 + g * (g + k));
  a1_ = static_cast<float>(a1);
  a2_ = static_cast<float>(g * a1);
  a3_ = static_cast<float>(g * g * a1);
  k_ = static_cast<float>(k);
}

}  // namespace stillroom::demo
