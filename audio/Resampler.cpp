#include "audio/Resampler.hpp"

#include <soxr.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace stillroom::audio {

Resampler::Resampler(int in_rate, int out_rate, int channels)
    : in_rate_(in_rate), out_rate_(out_rate), channels_(channels) {
  if (in_rate <= 0 || out_rate <= 0 || channels <= 0) throw std::runtime_error("resampler: invalid format");
  if (in_rate == out_rate) return;
  soxr_error_t error = nullptr;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  // One thread: the decoder thread is the only place it runs, and it must stay light.
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  soxr_ = soxr_create(in_rate, out_rate, static_cast<unsigned>(channels), &error, &io, &quality, &runtime);
  if (error != nullptr) {
    soxr_ = nullptr;
    throw std::runtime_error(std::string("resampler: ") + error);
  }
}

Resampler::~Resampler() {
  if (soxr_ != nullptr) soxr_delete(soxr_);
}

std::int64_t Resampler::output_for(std::int64_t input_frames) const noexcept {
  if (soxr_ == nullptr) return input_frames;
  // round(input * out / in) with the same rounding soxr applies to a whole stream.
  const std::int64_t num = input_frames * out_rate_;
  return (2 * num + in_rate_) / (2 * static_cast<std::int64_t>(in_rate_));
}

std::size_t Resampler::process(const float* in, std::size_t in_frames, std::size_t& consumed, float* out,
                               std::size_t out_capacity) {
  if (soxr_ == nullptr) {
    const std::size_t n = in == nullptr ? 0 : std::min(in_frames, out_capacity);
    if (n > 0) std::memcpy(out, in, n * static_cast<std::size_t>(channels_) * sizeof(float));
    consumed = n;
    fed_ += static_cast<std::int64_t>(n);
    produced_ += static_cast<std::int64_t>(n);
    return n;
  }
  std::size_t idone = 0;
  std::size_t odone = 0;
  soxr_process(soxr_, in, in == nullptr ? 0 : in_frames, &idone, out, out_capacity, &odone);
  consumed = idone;
  fed_ += static_cast<std::int64_t>(idone);
  produced_ += static_cast<std::int64_t>(odone);
  return odone;
}

}  // namespace stillroom::audio
