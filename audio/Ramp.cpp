#include "audio/Ramp.hpp"

namespace stillroom::audio {

double Ramp::value(std::int64_t frame) const noexcept {
  if (frame <= start) return length == 0 && frame == start ? to : from;
  if (frame >= start + length) return to;
  const double x = static_cast<double>(frame - start) / static_cast<double>(length);
  return from + (to - from) * ramp_progress(shape, direction, x);
}

bool Ramp::moving_in(std::int64_t first, std::int64_t last) const noexcept {
  if (from == to) return false;
  // The value differs from its neighbours anywhere in [start, end]; before and after it is flat.
  return first <= end() && last > start;
}

}  // namespace stillroom::audio
