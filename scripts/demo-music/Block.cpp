#include "Block.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace stillroom::demo {

Pan equal_power_pan(double position) noexcept {
  const double angle = (std::clamp(position, -1.0, 1.0) + 1.0) * std::numbers::pi / 4.0;
  return {static_cast<float>(std::cos(angle)), static_cast<float>(std::sin(angle))};
}

}  // namespace stillroom::demo
