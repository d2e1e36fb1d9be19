// Pad: the slow chords. Every chord note is three slightly detuned
// oscillators, each breathing and brightening at its own slow rate from its
// own place in the stereo field; chords swell in over the fading previous
// chord (see Progression). Runs on the generator's only thread.
#pragma once

#include "Block.hpp"
#include "Character.hpp"
#include "Progression.hpp"
#include "Random.hpp"
#include "Wavetable.hpp"

#include <cstdint>
#include <vector>

namespace stillroom::demo {

class Pad {
 public:
  Pad(const std::vector<Chord>& chords, const Character& character, int rate, Random random);

  /** Adds this block's share of the chords. */
  void render(Block& block);

 private:
  struct Oscillator {
    std::uint32_t phase = 0;
    std::uint32_t increment = 0;
    Pan pan;
    /** Peak gain of this oscillator within the layer. */
    double level = 0.0;
    /** Slow amplitude movement. */
    double breath_rate = 0.0;
    double breath_phase = 0.0;
    /** Slow movement between the soft and bright waveforms. */
    double bright_rate = 0.0;
    double bright_phase = 0.0;
  };
  struct Voice {
    Chord chord;
    std::vector<Oscillator> oscillators;
  };

  /** Gain and brightness of one oscillator at time t. */
  [[nodiscard]] double gain_at(const Voice& voice, const Oscillator& oscillator, double t) const noexcept;
  [[nodiscard]] double brightness_at(const Oscillator& oscillator, double t) const noexcept;

  /** Chords in time order with their oscillators. */
  std::vector<Voice> voices_;
  /** Voices before this index have ended. */
  std::size_t first_sounding_ = 0;
  /** The two waveforms every oscillator moves between. */
  Wavetable soft_;
  Wavetable bright_;
  /** Seconds neighbouring chords overlap. */
  double crossfade_;
  /** Centre and reach of the brightness movement (Character). */
  double brightness_;
  double brightness_swing_;
};

}  // namespace stillroom::demo
