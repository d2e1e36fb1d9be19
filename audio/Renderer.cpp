#include "audio/Renderer.hpp"

#include "audio/OutputRate.hpp"

#include <algorithm>
#include <stdexcept>

namespace stillroom::audio {

namespace {

constexpr std::size_t kMixBlock = 4096;
constexpr std::size_t kWriteBlock = 65536;

std::size_t stream_ring_frames(const config::AudioSettings& settings) {
  const auto ahead = std::max(settings.decode_ahead, config::Millis{2000}) + config::Millis{500};
  return static_cast<std::size_t>(ms_to_frames(ahead, settings.sample_rate));
}

}  // namespace

Renderer::Renderer(const config::AudioSettings& settings, LoudnessCache& cache, EngineListener& listener,
                   const std::string& out_file)
    : settings_(settings), format_{settings.sample_rate, settings.channels}, cache_(cache), listener_(listener),
      out_file_(out_file), block_(kWriteBlock * static_cast<std::size_t>(format_.channels)) {
  std::string error;
  if (!writer_.open(out_file, format_, error)) throw std::runtime_error(error);
  build();
}

Renderer::~Renderer() = default;

void Renderer::build() {
  settings_.sample_rate = format_.rate;
  decoder_ = std::make_unique<InlineDecoder>(format_, stream_ring_frames(settings_), cache_,
                                             settings_.loudness_target_lufs, settings_.true_peak_ceiling_dbtp);
  mixer_ = std::make_unique<Mixer>(settings_, *decoder_, listener_, false);
}

void Renderer::follow(plan::Plan plan) {
  if (!mixer_->has_plan() && settings_.sample_rate_auto) {
    // The rate the engine would choose on waking for this plan (its music within the next hour).
    SourceRates rates;
    const int rate = music_rate(plan, plan.start_at, std::chrono::hours(1), settings_.sample_rate,
                                [&](const std::string& file) { return rates.of(file); });
    if (rate != format_.rate) {
      std::string error;
      format_.rate = rate;
      if (!writer_.open(out_file_, format_, error)) throw std::runtime_error(error);
      build();
    }
  }
  const std::int64_t origin = mixer_->has_plan() ? mixer_->origin() : ms_to_frames(plan.start_at, format_.rate);
  mixer_->follow(std::move(plan), origin);
}

config::Millis Renderer::position() const noexcept { return mixer_->dose_at(mixer_->position()); }

void Renderer::render_until(config::Millis dose_time) {
  if (!mixer_->has_plan()) throw std::runtime_error("render: no plan to follow");
  const std::int64_t target = mixer_->frame_of(dose_time);
  const auto ch = static_cast<std::size_t>(format_.channels);
  std::string error;
  // Mix in mixer-sized blocks, write in large ones (fewer system calls).
  std::size_t filled = 0;
  while (mixer_->position() < target) {
    const auto want = static_cast<std::size_t>(
        std::min<std::int64_t>({static_cast<std::int64_t>(kMixBlock), target - mixer_->position(),
                                static_cast<std::int64_t>(kWriteBlock - filled)}));
    const std::size_t n = mixer_->mix(block_.data() + filled * ch, want);
    if (n == 0) throw std::runtime_error("render: the mixer made no progress at " + std::to_string(mixer_->position()));
    filled += n;
    if (filled == kWriteBlock || mixer_->position() >= target) {
      if (!writer_.write(block_.data(), filled, error)) throw std::runtime_error(error);
      filled = 0;
    }
  }
}

void Renderer::finish() { writer_.close(); }

}  // namespace stillroom::audio
