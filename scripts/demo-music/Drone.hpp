// Drone: a soft low tonic and fifth an octave under the pad, held for the
// whole track. Left and right copies are a fraction of a hertz apart, so the
// drone turns slowly in the stereo field. Runs on the generator's only thread.
#pragma once

#include "Block.hpp"
#include "Random.hpp"
#include "Wavetable.hpp"

#include <cstdint>
#include <vector>

namespace stillroom::demo {

class Drone {
 public:
  Drone(int tonic, int rate, Random random);

  /** Adds this block of the drone. */
  void render(Block& block);

 private:
  struct Oscillator {
    std::uint32_t phase = 0;
    std::uint32_t increment = 0;
    Pan pan;
    double level = 0.0;
    double breath_rate = 0.0;
    double breath_phase = 0.0;
  };

  [[nodiscard]] static double gain_at(const Oscillator& oscillator, double t) noexcept;

  /** Tonic and fifth, each a left and a right copy. */
  std::vector<Oscillator> oscillators_;
  /** A sine with a little second and third harmonic. */
  Wavetable table_;
};

}  // namespace stillroom::demo
