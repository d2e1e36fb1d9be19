#include "Voices.hpp"

#include "Envelope.hpp"
#include "Scale.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace stillroom::demo {
namespace {

/** Seconds to glide from one vowel to the next. */
constexpr double kVowelSeconds = 9.0;

/** Formant centres (Hz), bandwidths (Hz) and levels of a sung vowel. */
struct Vowel {
  std::array<double, 3> hz;
  std::array<double, 3> bandwidth;
  std::array<double, 3> gain;
};
constexpr Vowel kOo{{300.0, 870.0, 2240.0}, {90.0, 110.0, 160.0}, {1.0, 0.35, 0.08}};
constexpr Vowel kOh{{450.0, 800.0, 2830.0}, {90.0, 110.0, 160.0}, {1.0, 0.5, 0.1}};
constexpr Vowel kAh{{730.0, 1090.0, 2440.0}, {100.0, 120.0, 170.0}, {1.0, 0.5, 0.15}};
constexpr const Vowel* kCycle[] = {&kOo, &kOh, &kAh, &kOh};

/** The source's harmonics: a soft buzz, falling off like a relaxed voice. */
Wavetable make_source() {
  return Wavetable{1.0,   0.379, 0.215, 0.144, 0.105, 0.081, 0.066, 0.054, 0.046, 0.040, 0.035, 0.031,
                   0.027, 0.025, 0.022, 0.020, 0.019, 0.017, 0.016, 0.015, 0.014, 0.013, 0.012, 0.012};
}

}  // namespace

std::array<Formant, 3> vowel_at(double t) noexcept {
  const double position = std::max(t, 0.0) / kVowelSeconds;
  const auto index = static_cast<std::size_t>(std::floor(position));
  const Vowel& from = *kCycle[index % std::size(kCycle)];
  const Vowel& to = *kCycle[(index + 1) % std::size(kCycle)];
  const double mix = raised_cosine(position - std::floor(position));
  std::array<Formant, 3> formants{};
  for (std::size_t f = 0; f < formants.size(); ++f) {
    // Glide in pitch space (geometric), as a voice moves.
    const double hz = from.hz[f] * std::pow(to.hz[f] / from.hz[f], mix);
    const double bandwidth = from.bandwidth[f] + mix * (to.bandwidth[f] - from.bandwidth[f]);
    formants[f] = {hz, hz / bandwidth, from.gain[f] + mix * (to.gain[f] - from.gain[f])};
  }
  return formants;
}

Voices::Voices(const std::vector<Chord>& chords, const Character& character, int rate, Random random)
    : rate_(rate), crossfade_(character.crossfade_seconds), source_(make_source()) {
  for (const Chord& chord : chords) {
    // Sung in one comfortable octave; notes that land on the same pitch are sung once.
    std::vector<int> notes;
    for (const int note : chord.notes) notes.push_back(into_octave(note, 55));
    std::sort(notes.begin(), notes.end());
    notes.erase(std::unique(notes.begin(), notes.end()), notes.end());

    Choir choir{chord, {}};
    const double level = 1.0 / static_cast<double>(notes.size() * 2);
    for (const int note : notes) {
      for (const double cents : {-6.0, 6.0}) {
        Singer singer;
        singer.hz = midi_to_hz(note) * cents_to_ratio(cents + random.uniform(-1.5, 1.5));
        singer.phase = static_cast<std::uint32_t>(random.next() >> 32);
        singer.pan = equal_power_pan(random.uniform(-0.6, 0.6));
        singer.level = level;
        singer.vibrato_rate = random.uniform(4.6, 5.4);
        singer.vibrato_phase = random.uniform(0.0, 2.0 * std::numbers::pi);
        singer.vibrato_depth = random.uniform(0.0025, 0.004);
        singer.breath_rate = random.uniform(0.04, 0.1);
        singer.breath_phase = random.uniform(0.0, 2.0 * std::numbers::pi);
        choir.singers.push_back(singer);
      }
    }
    choirs_.push_back(std::move(choir));
  }
}

double Voices::gain_at(const Choir& choir, const Singer& singer, double t) const noexcept {
  const double chord = swell(t, choir.chord.start, choir.chord.end, crossfade_, crossfade_);
  return chord * singer.level * breathing(t, singer.breath_rate, singer.breath_phase, 0.4);
}

void Voices::render(Block& block) {
  const double t0 = block.start_seconds();
  const double t1 = block.end_seconds();
  const double middle = 0.5 * (t0 + t1);
  for (auto& source : sources_) source.fill(0.0F);
  while (first_sounding_ < choirs_.size() && choirs_[first_sounding_].chord.end <= t0) ++first_sounding_;

  for (std::size_t c = first_sounding_; c < choirs_.size() && choirs_[c].chord.start < t1; ++c) {
    Choir& choir = choirs_[c];
    for (Singer& singer : choir.singers) {
      const auto g0 = static_cast<float>(gain_at(choir, singer, t0));
      const float dg = (static_cast<float>(gain_at(choir, singer, t1)) - g0) / static_cast<float>(block.frames);
      // Vibrato moves once per block (a few milliseconds): far finer than a voice can.
      const double vibrato =
          singer.vibrato_depth * std::sin(2.0 * std::numbers::pi * singer.vibrato_rate * middle + singer.vibrato_phase);
      const std::uint32_t increment = phase_increment(singer.hz * (1.0 + vibrato), rate_);
      std::uint32_t phase = singer.phase;
      for (int i = 0; i < block.frames; ++i) {
        const float value = (g0 + dg * static_cast<float>(i)) * source_.at(phase);
        sources_[0][static_cast<std::size_t>(i)] += value * singer.pan.left;
        sources_[1][static_cast<std::size_t>(i)] += value * singer.pan.right;
        phase += increment;
      }
      singer.phase = phase;
    }
  }

  const std::array<Formant, 3> vowel = vowel_at(t0);
  for (std::size_t channel = 0; channel < 2; ++channel) {
    auto& filters = formants_[channel];
    for (std::size_t f = 0; f < filters.size(); ++f) filters[f].tune(vowel[f].hz, vowel[f].q, rate_);
    const std::array<float, 3> gains = {static_cast<float>(vowel[0].gain), static_cast<float>(vowel[1].gain),
                                        static_cast<float>(vowel[2].gain)};
    float* out = channel == 0 ? block.left.data() : block.right.data();
    const auto& source = sources_[channel];
    for (int i = 0; i < block.frames; ++i) {
      const float x = source[static_cast<std::size_t>(i)];
      const StateVariableFilter::Output first = filters[0].process(x);
      float y = gains[0] * first.band + 0.15F * first.low;
      y += gains[1] * filters[1].process(x).band;
      y += gains[2] * filters[2].process(x).band;
      out[i] += y;
    }
  }
}

}  // namespace stillroom::demo
