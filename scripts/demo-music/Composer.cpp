#include "Composer.hpp"

#include "Air.hpp"
#include "Bells.hpp"
#include "Block.hpp"
#include "Character.hpp"
#include "Drone.hpp"
#include "Envelope.hpp"
#include "Pad.hpp"
#include "Progression.hpp"
#include "Reverb.hpp"
#include "Voices.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace stillroom::demo {
namespace {

constexpr double kFadeInSeconds = 4.0;
constexpr double kFadeOutSeconds = 6.0;
constexpr double kReverbDamping = 0.35;

/** How much of each layer goes to the reverb. */
constexpr double kPadSend = 0.5;
constexpr double kVoicesSend = 0.6;
constexpr double kDroneSend = 0.15;
constexpr double kAirSend = 0.1;
constexpr double kBellSend = 1.0;

/** Sums the layers of one block into a dry mix and a mono reverb send. */
class Mixer {
 public:
  Mixer(int rate, std::int64_t first_frame, int frames) {
    dry.rate = scratch_.rate = rate;
    dry.first_frame = scratch_.first_frame = first_frame;
    dry.frames = scratch_.frames = frames;
  }

  template <typename Layer>
  void add(Layer& layer, double gain, double send_level) {
    scratch_.clear();
    layer.render(scratch_);
    const auto g = static_cast<float>(gain);
    const auto s = static_cast<float>(0.5 * gain * send_level);
    for (std::size_t i = 0; i < static_cast<std::size_t>(dry.frames); ++i) {
      dry.left[i] += g * scratch_.left[i];
      dry.right[i] += g * scratch_.right[i];
      send[i] += s * (scratch_.left[i] + scratch_.right[i]);
    }
  }

  Block dry;
  std::array<float, kBlockFrames> send{};

 private:
  Block scratch_;
};

}  // namespace

Levels measure(std::span<const float> samples) noexcept {
  double sum = 0.0;
  double peak = 0.0;
  for (const float sample : samples) {
    sum += static_cast<double>(sample) * sample;
    peak = std::max(peak, static_cast<double>(std::abs(sample)));
  }
  return {samples.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(samples.size())), peak};
}

double levelling_gain(const Levels& levels) noexcept {
  if (levels.rms <= 0.0 || levels.peak <= 0.0) return 1.0;
  return std::min(kTargetRms / levels.rms, kPeakCeiling / levels.peak);
}

Audio render_track(const TrackSpec& spec) {
  const Random seed = Random::from_name(seed_name(spec));
  const Character character = character_of(spec.mood);
  const int rate = spec.sample_rate;
  const auto length = static_cast<double>(spec.seconds);

  Random chord_random = seed.fork("chords");
  const std::vector<Chord> chords =
      make_progression(spec.tonic, length, character.chord_seconds, character.crossfade_seconds, chord_random);
  std::optional<Pad> pad;
  std::optional<Voices> voices;
  if (spec.texture == Texture::Voices) {
    voices.emplace(chords, character, rate, seed.fork("voices"));
  } else {
    pad.emplace(chords, character, rate, seed.fork("pad"));
  }
  Drone drone(spec.tonic, rate, seed.fork("drone"));
  Air air(character.air, rate, seed.fork("air"));
  Bells bells(spec.tonic, character, length, rate, seed.fork("bells"));
  Reverb reverb(rate, character.reverb_seconds, kReverbDamping);

  const std::int64_t total = frame_count(spec);
  Audio audio{rate, spec.channels, {}};
  audio.samples.resize(static_cast<std::size_t>(total * spec.channels));
  float* out = audio.samples.data();

  for (std::int64_t first = 0; first < total; first += kBlockFrames) {
    const auto frames = static_cast<int>(std::min<std::int64_t>(kBlockFrames, total - first));
    Mixer mixer(rate, first, frames);
    if (pad) mixer.add(*pad, character.pad_gain, kPadSend);
    if (voices) mixer.add(*voices, character.pad_gain, kVoicesSend);
    mixer.add(drone, character.drone_gain, kDroneSend);
    mixer.add(air, character.air_gain, kAirSend);
    mixer.add(bells, character.bell_gain, kBellSend);
    Block& mix = mixer.dry;
    reverb.process(mixer.send.data(), frames, mix.left.data(), mix.right.data(),
                   static_cast<float>(character.reverb_mix));

    for (std::size_t i = 0; i < static_cast<std::size_t>(frames); ++i) {
      const double t = static_cast<double>(first + static_cast<std::int64_t>(i)) / rate;
      const auto fade = static_cast<float>(track_fade(t, length, kFadeInSeconds, kFadeOutSeconds));
      if (spec.channels == 1) {
        *out++ = fade * 0.5F * (mix.left[i] + mix.right[i]);
      } else {
        *out++ = fade * mix.left[i];
        *out++ = fade * mix.right[i];
      }
    }
  }

  const auto gain = static_cast<float>(levelling_gain(measure(audio.samples)));
  for (float& sample : audio.samples) sample *= gain;
  return audio;
}

}  // namespace stillroom::demo
