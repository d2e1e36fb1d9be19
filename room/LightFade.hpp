// LightFade: the level of a light during a fade, as a pure function of time.
// Brightness moves linearly in percent (devices apply their own dimming
// curve); colour temperature moves linearly in mired, which the eye sees as
// even steps. Used by LightController to step fades longer than a device fades
// by itself.
#pragma once

#include "room/LightDriver.hpp"

namespace stillroom::room {

struct LightFade {
  LightLevel from;
  LightLevel to;
  /** Monotonic time the fade starts. */
  Millis start{0};
  Millis length{0};

  /** The level at `t`: `from` before the start, `to` from start + length on. */
  [[nodiscard]] LightLevel at(Millis t) const noexcept;
  [[nodiscard]] Millis end() const noexcept { return start + length; }
};

}  // namespace stillroom::room
