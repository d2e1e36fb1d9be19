// Voices: a wordless choir in place of the pad. Each chord note is sung by
// two slightly detuned voices with a gentle vibrato; their buzzing source is
// shaped by three formant filters that glide between the vowels oo, oh and
// ah. Chords change as the pad's do. Runs on the generator's only thread.
#pragma once

#include "Block.hpp"
#include "Character.hpp"
#include "Progression.hpp"
#include "Random.hpp"
#include "StateVariableFilter.hpp"
#include "Wavetable.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace stillroom::demo {

struct Formant {
  double hz = 0.0;
  double q = 1.0;
  double gain = 0.0;
};

/** The three formants sung at time t: a slow cycle oo -> oh -> ah -> oh -> oo. */
[[nodiscard]] std::array<Formant, 3> vowel_at(double t) noexcept;

class Voices {
 public:
  Voices(const std::vector<Chord>& chords, const Character& character, int rate, Random random);

  /** Adds this block of the choir. */
  void render(Block& block);

 private:
  struct Singer {
    std::uint32_t phase = 0;
    double hz = 0.0;
    Pan pan;
    double level = 0.0;
    double vibrato_rate = 0.0;
    double vibrato_phase = 0.0;
    /** Fraction of the frequency the vibrato moves either way. */
    double vibrato_depth = 0.0;
    double breath_rate = 0.0;
    double breath_phase = 0.0;
  };
  struct Choir {
    Chord chord;
    std::vector<Singer> singers;
  };

  [[nodiscard]] double gain_at(const Choir& choir, const Singer& singer, double t) const noexcept;

  std::vector<Choir> choirs_;
  /** Choirs before this index have ended. */
  std::size_t first_sounding_ = 0;
  int rate_;
  /** Seconds neighbouring chords overlap. */
  double crossfade_;
  /** The buzzing source every singer reads. */
  Wavetable source_;
  /** Formant filters, [channel][formant]. */
  std::array<std::array<StateVariableFilter, 3>, 2> formants_{};
  /** The unfiltered voices of the current block. */
  std::array<std::array<float, kBlockFrames>, 2> sources_{};
};

}  // namespace stillroom::demo
