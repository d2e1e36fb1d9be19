// Frames: the one mapping between the dose clock (milliseconds) and sample
// frames, frame(t) = round(t * rate / 1000), used by the mixer, the decoder and
// the tests alike so that phase boundaries land on the same sample everywhere.
// Pure functions.
#pragma once

#include "config/Duration.hpp"

#include <cstdint>

namespace stillroom::audio {

/** Sample format between decoder, mixer and sinks: interleaved float32. */
struct AudioFormat {
  int rate = 48000;
  int channels = 2;
};

/** round(ms * rate / 1000), halves away from minus infinity; exact for any int64 ms in range. */
[[nodiscard]] constexpr std::int64_t ms_to_frames(std::int64_t ms, int rate) noexcept {
  const std::int64_t twice = 2 * ms * rate + 1000;
  const std::int64_t q = twice / 2000;
  return (twice % 2000 != 0 && twice < 0) ? q - 1 : q;  // floor division
}

[[nodiscard]] constexpr std::int64_t ms_to_frames(config::Millis ms, int rate) noexcept {
  return ms_to_frames(static_cast<std::int64_t>(ms.count()), rate);
}

/** Frames to milliseconds, floored (a frame belongs to the millisecond it starts in). */
[[nodiscard]] constexpr config::Millis frames_to_ms(std::int64_t frames, int rate) noexcept {
  const std::int64_t num = frames * 1000;
  std::int64_t q = num / rate;
  if (num % rate != 0 && num < 0) --q;
  return config::Millis{q};
}

/** Frames to milliseconds as a real number (source positions). */
[[nodiscard]] constexpr double frames_to_ms_exact(std::int64_t frames, int rate) noexcept {
  return static_cast<double>(frames) * 1000.0 / static_cast<double>(rate);
}

}  // namespace stillroom::audio
