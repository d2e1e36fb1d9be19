#include "room/LightFade.hpp"

#include <cmath>

namespace stillroom::room {

LightLevel LightFade::at(Millis t) const noexcept {
  if (t >= end()) return to;
  if (t <= start) return from;
  const double p = static_cast<double>((t - start).count()) / static_cast<double>(length.count());
  LightLevel level;
  level.brightness_pct = from.brightness_pct + (to.brightness_pct - from.brightness_pct) * p;
  if (from.color_temp_k && to.color_temp_k) {
    const double a = 1e6 / *from.color_temp_k;
    const double b = 1e6 / *to.color_temp_k;
    level.color_temp_k = static_cast<int>(std::lround(1e6 / (a + (b - a) * p)));
  } else {
    level.color_temp_k = to.color_temp_k ? to.color_temp_k : from.color_temp_k;
  }
  return level;
}

}  // namespace stillroom::room
