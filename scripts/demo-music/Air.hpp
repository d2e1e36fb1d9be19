// Air: low-passed noise under the music, either wind (a resonant cutoff that
// wanders with slow gusts) or surf (noise that swells and recedes in waves of
// seven to eleven seconds). Left and right use separate
// noise, so the air is wide. Runs on the generator's only thread.
#pragma once

#include "Block.hpp"
#include "Character.hpp"
#include "Random.hpp"
#include "StateVariableFilter.hpp"

#include <array>
#include <cstdint>

namespace stillroom::demo {

/** Surf's swell over one wave, phase in [0, 1): a quick rise and a long fall, never quite silent. */
[[nodiscard]] double surf_swell(double phase) noexcept;

class Air {
 public:
  Air(AirKind kind, int rate, Random random);

  /** Adds this block of air. */
  void render(Block& block);

 private:
  struct Channel {
    std::uint32_t noise = 1;
    StateVariableFilter filter;
    /** Wind: phases of the two gust movements. Surf: offset of this side's waves. */
    double phase_a = 0.0;
    double phase_b = 0.0;
    /** Gain reached at the end of the previous block. */
    float gain = 0.0F;
  };

  /** Loudness (0..1) of a channel at time t; the filter follows it. */
  [[nodiscard]] double swell_at(const Channel& channel, double t) const noexcept;
  void advance_waves(double seconds);

  AirKind kind_;
  int rate_;
  /** Draws the length of each new wave. */
  Random random_;
  /** Left and right. */
  std::array<Channel, 2> channels_;
  /** Surf: progress through the current wave (0..1) and its length in seconds. */
  double wave_phase_ = 0.0;
  double wave_seconds_ = 9.0;
};

}  // namespace stillroom::demo
