// Ramp: one value moving from `from` to `to` over `length` frames along a fade
// shape, starting at an absolute mixer frame. Fades, level changes and master
// volume are all ramps, so no gain in the engine ever steps. Pure value type.
#pragma once

#include "audio/Curves.hpp"

#include <cstdint>

namespace stillroom::audio {

struct Ramp {
  /** Absolute mixer frame where the ramp begins. */
  std::int64_t start = 0;
  /** Frames to reach `to`; 0 = already there at `start`. */
  std::int64_t length = 0;
  double from = 1.0;
  double to = 1.0;
  plan::FadeShape shape = plan::FadeShape::Smooth;
  FadeDirection direction = FadeDirection::In;

  /** A ramp that holds `value` for ever. */
  [[nodiscard]] static Ramp hold(double value) noexcept {
    Ramp r;
    r.from = r.to = value;
    return r;
  }

  [[nodiscard]] std::int64_t end() const noexcept { return start + length; }
  /** `from` before start, `to` from end on, the curve in between. */
  [[nodiscard]] double value(std::int64_t frame) const noexcept;
  /** Whether the value changes anywhere in frames [first, last). */
  [[nodiscard]] bool moving_in(std::int64_t first, std::int64_t last) const noexcept;
};

}  // namespace stillroom::audio
