// Progression: the chords of a track. Each chord is a voicing of the key's
// major pentatonic that swells in while the previous one fades out; the first
// and last chords are the tonic, so a track begins and ends at home.
#pragma once

#include "Random.hpp"

#include <vector>

namespace stillroom::demo {

struct Chord {
  /** Seconds; the chord rises from start and falls to silence at end. */
  double start = 0.0;
  double end = 0.0;
  /** MIDI notes. */
  std::vector<int> notes;
};

/** Semitone offsets from the tonic of every voicing a progression may use (index 0 is the tonic chord). */
[[nodiscard]] const std::vector<std::vector<int>>& pentatonic_voicings();

/**
 * Chords covering [0, length] seconds. Chord i rises over `crossfade` seconds
 * while chord i - 1 falls over the same seconds, so their gains (see swell())
 * sum to 1 at every instant; steps between changes vary around `mean_step`.
 */
[[nodiscard]] std::vector<Chord> make_progression(int tonic, double length, double mean_step, double crossfade,
                                                  Random& random);

}  // namespace stillroom::demo
