// Block: a few milliseconds of stereo audio that every layer of the synthesis
// adds into. Layers compute their slow controls (envelopes, filter settings)
// once at each end of a block and interpolate in between.
#pragma once

#include <array>
#include <cstdint>

namespace stillroom::demo {

inline constexpr int kBlockFrames = 256;

struct Block {
  /** Frames per second. */
  int rate = 44100;
  /** Index of the block's first frame in the track. */
  std::int64_t first_frame = 0;
  /** Frames in this block (kBlockFrames except at the end of a track). */
  int frames = kBlockFrames;
  std::array<float, kBlockFrames> left{};
  std::array<float, kBlockFrames> right{};

  /** Track time of the first frame, seconds. */
  [[nodiscard]] double start_seconds() const noexcept { return static_cast<double>(first_frame) / rate; }
  /** Track time just after the last frame, seconds. */
  [[nodiscard]] double end_seconds() const noexcept { return static_cast<double>(first_frame + frames) / rate; }

  void clear() noexcept {
    left.fill(0.0F);
    right.fill(0.0F);
  }
};

/** Equal-power gains for a pan position in [-1, 1] (-1 = left). */
struct Pan {
  float left = 0.0F;
  float right = 0.0F;
};
[[nodiscard]] Pan equal_power_pan(double position) noexcept;

}  // namespace stillroom::demo
