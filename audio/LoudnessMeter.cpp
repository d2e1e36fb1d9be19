#include "audio/LoudnessMeter.hpp"

#include "audio/SoundFile.hpp"

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace stillroom::audio {

namespace {
constexpr std::int64_t kBlock = 4096;
}

struct LoudnessMeter::State {
  explicit State(ebur128_state* s) : st(s) {}
  ~State() {
    if (st != nullptr) ebur128_destroy(&st);
  }
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ebur128_state* st;
};

LoudnessMeter::LoudnessMeter(int out_channels) : out_channels_(std::max(1, out_channels)) {}

LoudnessMeter::~LoudnessMeter() = default;

bool LoudnessMeter::open(const std::string& path, std::string& error) {
  result_.reset();
  error_.clear();
  if (!probe_sound_file(path, error) || !file_.open(path)) {
    if (error.empty()) error = "cannot open: " + file_.last_error();
    error_ = error;
    return false;
  }
  const SF_INFO& info = file_.info();
  if (!begin(info.samplerate, info.channels)) {
    error = error_ = "cannot start the loudness meter";
    return false;
  }
  in_.resize(static_cast<std::size_t>(kBlock * info.channels));
  return true;
}

bool LoudnessMeter::begin(int rate, int in_channels) {
  measured_ = 0;
  mapper_ = std::make_unique<ChannelMapper>(in_channels, out_channels_);
  ebur128_state* st = ebur128_init(static_cast<unsigned>(out_channels_), static_cast<unsigned long>(rate),
                                   EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
  state_ = st != nullptr ? std::make_unique<State>(st) : nullptr;
  if (!state_) return false;
  if (out_channels_ == 1) {
    // A mono output is heard from both speakers: count it twice, as R128 does for dual mono.
    ebur128_set_channel(state_->st, 0, EBUR128_DUAL_MONO);
  }
  mapped_.resize(static_cast<std::size_t>(kBlock * out_channels_));
  return true;
}

void LoudnessMeter::add(const float* frames, std::int64_t count) {
  if (!state_) return;
  const auto in_channels = static_cast<std::size_t>(mapper_->in_channels());
  while (count > 0) {
    const std::int64_t n = std::min(kBlock, count);
    mapper_->map(frames, mapped_.data(), n);
    ebur128_add_frames_float(state_->st, mapped_.data(), static_cast<std::size_t>(n));
    measured_ += n;
    frames += static_cast<std::size_t>(n) * in_channels;
    count -= n;
  }
}

Loudness LoudnessMeter::current() const {
  constexpr double silent = -std::numeric_limits<double>::infinity();
  Loudness l{silent, silent};
  if (!state_ || measured_ == 0) return l;
  if (ebur128_loudness_global(state_->st, &l.integrated_lufs) != EBUR128_SUCCESS || !std::isfinite(l.integrated_lufs)) {
    l.integrated_lufs = silent;
  }
  double peak = 0.0;
  for (unsigned c = 0; c < static_cast<unsigned>(out_channels_); ++c) {
    double p = 0.0;
    if (ebur128_true_peak(state_->st, c, &p) == EBUR128_SUCCESS) peak = std::max(peak, p);
  }
  l.true_peak_dbtp = peak > 0 ? 20.0 * std::log10(peak) : silent;
  return l;
}

bool LoudnessMeter::step(std::int64_t max_frames) {
  if (result_ || !error_.empty()) return true;
  if (!state_ || !file_.is_open()) {
    error_ = "no file open";
    return true;
  }
  std::int64_t done = 0;
  while (done < max_frames) {
    const sf_count_t n = sf_readf_float(file_.get(), in_.data(), std::min(kBlock, max_frames - done));
    if (n <= 0) {
      if (sf_error(file_.get()) != SF_ERR_NO_ERROR) {
        error_ = "decode error after " + std::to_string(measured_) + " frames: " + file_.last_error();
      }
      // A damaged file still gets the loudness of what decodes, so that part can play at the right level.
      if (measured_ > 0) result_ = current();
      state_.reset();
      file_.close();
      return true;
    }
    add(in_.data(), n);
    done += n;
  }
  return false;
}

std::optional<Loudness> LoudnessMeter::measure(const std::string& path, std::string& error) {
  if (!open(path, error)) return std::nullopt;
  while (!step(1 << 20)) {
  }
  if (!error_.empty()) {
    error = error_;
    return std::nullopt;
  }
  return result_ ? result_ : std::optional<Loudness>(Loudness{-std::numeric_limits<double>::infinity(),
                                                                -std::numeric_limits<double>::infinity()});
}

}  // namespace stillroom::audio
