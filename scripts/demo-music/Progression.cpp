#include "Progression.hpp"

namespace stillroom::demo {

const std::vector<std::vector<int>>& pentatonic_voicings() {
  // In D: D A E F# | B F# A D | E B E A | A E B D | D F# B E | F# B D A.
  static const std::vector<std::vector<int>> voicings = {
      {0, 7, 14, 16}, {-3, 4, 7, 12}, {2, 9, 14, 19}, {-5, 2, 9, 12}, {0, 4, 9, 14}, {4, 9, 12, 19},
  };
  return voicings;
}

std::vector<Chord> make_progression(int tonic, double length, double mean_step, double crossfade, Random& random) {
  // Boundaries first: chord i is fully up from boundary i + crossfade until boundary i + 1.
  std::vector<double> boundaries{-crossfade};
  while (boundaries.back() < length) {
    const double step = mean_step * random.uniform(0.8, 1.2);
    boundaries.push_back(boundaries.back() + (step > crossfade ? step : crossfade + 1.0));
  }
  const std::size_t count = boundaries.size() - 1;
  const auto& voicings = pentatonic_voicings();
  const int choices = static_cast<int>(voicings.size());

  std::vector<Chord> chords(count);
  std::size_t previous = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t choice = 0;
    if (i > 0 && i + 1 < count) {
      // Never the same chord twice in a row, and not the tonic just before the final tonic.
      do {
        choice = static_cast<std::size_t>(random.below(choices));
      } while (choice == previous || (i + 2 == count && choice == 0));
    }
    previous = choice;
    chords[i].start = boundaries[i];
    chords[i].end = boundaries[i + 1] + crossfade;
    for (const int offset : voicings[choice]) chords[i].notes.push_back(tonic + offset);
  }
  return chords;
}

}  // namespace stillroom::demo
