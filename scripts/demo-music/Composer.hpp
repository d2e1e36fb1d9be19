// Composer: renders one whole track from its table row. The layers (pad or
// voices, drone, air, bells) are mixed block by block, partly through the
// reverb; the track fades in and out and is then levelled to one loudness
// with its peak well below full scale. Deterministic: the same row gives the
// same samples on every run.
#pragma once

#include "TrackTable.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace stillroom::demo {

/** Interleaved float samples. */
struct Audio {
  int rate = 0;
  int channels = 0;
  std::vector<float> samples;

  [[nodiscard]] std::int64_t frames() const noexcept {
    return channels > 0 ? static_cast<std::int64_t>(samples.size()) / channels : 0;
  }
};

/** Level a track is brought to (RMS over all samples), linear. */
inline constexpr double kTargetRms = 0.1;  // -20 dBFS
/** Highest peak a track may reach, linear. */
inline constexpr double kPeakCeiling = 0.5;  // about -6 dBFS

struct Levels {
  double rms = 0.0;
  double peak = 0.0;
};

[[nodiscard]] Levels measure(std::span<const float> samples) noexcept;

/** The gain that brings `levels` to kTargetRms, or less if the peak would pass kPeakCeiling. */
[[nodiscard]] double levelling_gain(const Levels& levels) noexcept;

[[nodiscard]] Audio render_track(const TrackSpec& spec);

}  // namespace stillroom::demo
