// Bells: now and then a soft struck bell high above the pad, on a note of the
// key, with a slow mallet (no hard attack) and a long ring. Partials follow a
// free bar's ratios and higher ones die away sooner, as they do in metal.
// Runs on the generator's only thread.
#pragma once

#include "Block.hpp"
#include "Character.hpp"
#include "Random.hpp"
#include "Wavetable.hpp"

#include <cstdint>
#include <vector>

namespace stillroom::demo {

class Bells {
 public:
  /** One bell; time and life in seconds. */
  struct Strike {
    double time = 0.0;
    double life = 0.0;
    int note = 0;
    Pan pan;
    double velocity = 0.0;
  };

  Bells(int tonic, const Character& character, double length, int rate, Random random);

  /** Adds this block of whichever bells are ringing. */
  void render(Block& block);

  [[nodiscard]] const std::vector<Strike>& strikes() const noexcept { return strikes_; }

 private:
  struct Partial {
    std::uint32_t phase = 0;
    std::uint32_t increment = 0;
    double amplitude = 0.0;
    double decay = 0.0;
  };

  [[nodiscard]] static double gain_at(const Strike& strike, const Partial& partial, double t) noexcept;

  std::vector<Strike> strikes_;
  /** partials_[i] belong to strikes_[i]. */
  std::vector<std::vector<Partial>> partials_;
  /** Strikes before this index have finished ringing. */
  std::size_t first_ringing_ = 0;
  /** Every partial is a sine. */
  Wavetable sine_;
};

}  // namespace stillroom::demo
