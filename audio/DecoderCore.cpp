#include "audio/DecoderCore.hpp"

#include <algorithm>
#include <limits>

namespace stillroom::audio {

namespace {

/** Seconds measured before a stream whose loudness is not cached starts decoding. */
constexpr int kEstimateSeconds = 2;
/** An estimated gain is this much below what the estimate says. */
constexpr double kEstimateMarginDb = 3.0;
constexpr double kUnknownLufs = -std::numeric_limits<double>::infinity();

}  // namespace

DecoderCore::DecoderCore(AudioFormat out, LoudnessCache& cache, double target_lufs, double ceiling_dbtp)
    : out_(out), cache_(cache), target_lufs_(target_lufs), ceiling_dbtp_(ceiling_dbtp) {}

DecodeJob* DecoderCore::find(std::uint64_t segment) noexcept {
  for (auto& job : jobs_) {
    if (job->segment() == segment) return job.get();
  }
  return nullptr;
}

void DecoderCore::fail(DecodeJob& job, const std::string& why) {
  job.stream().loudness_final.store(true, std::memory_order_release);
  job.stream().ready.store(true, std::memory_order_release);
  job.finish(true, why);
  job.try_publish();
}

void DecoderCore::add(std::shared_ptr<StreamState> stream) {
  jobs_.push_back(std::make_unique<DecodeJob>(std::move(stream), out_));
  DecodeJob& job = *jobs_.back();
  std::string error;
  if (!job.open(error)) {
    fail(job, error);
    return;
  }
  if (auto loudness = cache_.lookup(job.stream().request.file)) {
    publish_loudness(job, *loudness, true);
    begin_decoding(job);
    return;
  }
  // A miss at play time (preload measures every track). The stream decodes at once, so the mix never waits
  // for the measurement: it starts at an estimate from the file's first seconds, measured here, and the
  // whole file is measured in slices between blocks (the mixer ramps to the final gain if it differs).
  job.meter = std::make_unique<LoudnessMeter>(out_.channels);
  if (job.meter->open(job.stream().request.file, error)) {
    (void)job.meter->step(std::int64_t{kEstimateSeconds} * job.source_rate());
    publish_loudness(job, job.meter->current(), false);
  } else {
    job.meter.reset();  // the decoder reports what is wrong with the file when it gets there
    publish_loudness(job, Loudness{kUnknownLufs, kUnknownLufs}, true);
  }
  begin_decoding(job);
}

void DecoderCore::publish_loudness(DecodeJob& job, const Loudness& loudness, bool final) {
  StreamState& stream = job.stream();
  double norm = normalisation_gain_db(loudness, target_lufs_, ceiling_dbtp_);
  // An estimate errs on the quiet side: a ramp up to the final gain never startles.
  if (!final) norm -= kEstimateMarginDb;
  stream.norm_db.store(norm, std::memory_order_relaxed);
  stream.integrated_lufs.store(loudness.integrated_lufs, std::memory_order_relaxed);
  stream.true_peak_dbtp.store(loudness.true_peak_dbtp, std::memory_order_relaxed);
  if (final) stream.loudness_final.store(true, std::memory_order_release);
  stream.ready.store(true, std::memory_order_release);
}

void DecoderCore::begin_decoding(DecodeJob& job) {
  const std::uint64_t continues = job.stream().request.continues;
  DecodeJob* pred = continues != 0 ? find(continues) : nullptr;
  const bool can_continue = pred != nullptr && job.needs_resampling() && !pred->finishing() &&
                            pred->state != DecodeJob::State::Owed && pred->state != DecodeJob::State::Done &&
                            pred->source_rate() == job.source_rate();
  if (can_continue) {
    job.state = DecodeJob::State::Deferred;
    return;
  }
  own_resampler(job);
}

void DecoderCore::own_resampler(DecodeJob& job) {
  try {
    job.resampler = std::make_shared<Resampler>(job.source_rate(), out_.rate, out_.channels);
  } catch (const std::exception& e) {
    fail(job, e.what());
    return;
  }
  job.state = DecodeJob::State::Decoding;
}

void DecoderCore::remove(const StreamState* stream) {
  auto it = std::find_if(jobs_.begin(), jobs_.end(), [&](const auto& j) { return &j->stream() == stream; });
  if (it == jobs_.end()) return;
  DecodeJob& job = **it;
  if (job.owes_to != nullptr && job.resampler) {
    flush(job);  // the predecessor's last frames are still in the shared resampler
  }
  for (auto& other : jobs_) {
    if (other->owes_to == &job) other->owes_to = nullptr;  // its frames are dropped from the successor's output
    if (other->state == DecodeJob::State::Deferred && other->stream().request.continues == job.segment()) {
      own_resampler(*other);
    }
  }
  jobs_.erase(it);
}

bool DecoderCore::work() {
  bool did = false;
  for (auto& job : jobs_) {
    if (job->finishing() && job->state != DecodeJob::State::Done) did |= job->try_publish();
  }
  DecodeJob* neediest = nullptr;
  for (auto& job : jobs_) {
    if (job->state != DecodeJob::State::Decoding || job->finishing()) continue;
    if (!job->drain_carry() || job->stream().ring.writable() < job->block_output()) continue;
    if (neediest == nullptr || job->stream().ring.readable() < neediest->stream().ring.readable()) {
      neediest = job.get();
    }
  }
  if (neediest != nullptr) {
    decode_block(*neediest);
    return true;
  }
  for (auto& job : jobs_) {
    if (!job->meter) continue;
    if (job->meter->step(job->source_rate() / 2)) {
      const auto meter = std::move(job->meter);
      // A damaged file plays what decodes, at the loudness of that part; its stream reports the failure.
      const Loudness loudness = meter->result().value_or(meter->current());
      if (meter->result() && meter->error().empty()) {
        std::string ignored;  // an unwritable cache still plays at the measured gain
        (void)cache_.store(job->stream().request.file, *meter->result(), ignored);
      }
      publish_loudness(*job, loudness, true);
    }
    return true;
  }
  return did;
}

void DecoderCore::decode_block(DecodeJob& job) {
  std::string error;
  const std::int64_t n = job.read_block(error);
  if (n < 0) {
    end_of_source(job, true, error);
    return;
  }
  if (n == 0) {
    end_of_source(job, false, "");
    return;
  }
  const float* in = job.mapped();
  auto left = static_cast<std::size_t>(n);
  const auto ch = static_cast<std::size_t>(out_.channels);
  while (left > 0) {
    std::size_t used = 0;
    const std::size_t made = job.resampler->process(in, left, used, job.scratch(), job.block_output());
    route(job, job.scratch(), made);
    in += used * ch;
    left -= used;
    if (used == 0 && made == 0) break;
  }
}

void DecoderCore::end_of_source(DecodeJob& job, bool failed, const std::string& why) {
  if (!failed && job.owes_to == nullptr && job.resampler && !job.resampler->passthrough()) {
    for (auto& other : jobs_) {
      DecodeJob& next = *other;
      if (next.state != DecodeJob::State::Deferred || next.stream().request.continues != job.segment() ||
          next.source_rate() != job.source_rate()) {
        continue;
      }
      // Gapless join: the successor feeds the same resampler; its first output frames are ours.
      next.resampler = job.resampler;
      next.owed = job.resampler->output_for(job.resampler->fed()) - job.resampler->produced();
      next.owes_to = next.owed > 0 ? &job : nullptr;
      next.state = DecodeJob::State::Decoding;
      if (next.owed > 0) {
        job.state = DecodeJob::State::Owed;
      } else {
        job.finish(false, "");
        job.try_publish();
      }
      return;
    }
  }
  flush(job);
  job.finish(failed, why);
  job.try_publish();
  for (auto& other : jobs_) {
    if (other->state == DecodeJob::State::Deferred && other->stream().request.continues == job.segment()) {
      own_resampler(*other);
    }
  }
}

void DecoderCore::flush(DecodeJob& job) {
  if (!job.resampler) return;
  for (;;) {
    std::size_t used = 0;
    const std::size_t made = job.resampler->process(nullptr, 0, used, job.scratch(), job.block_output());
    if (made == 0) break;
    route(job, job.scratch(), made);
  }
}

void DecoderCore::route(DecodeJob& job, const float* frames, std::size_t count) {
  if (job.owed > 0) {
    const auto k = std::min(static_cast<std::size_t>(job.owed), count);
    if (job.owes_to != nullptr) job.owes_to->deliver(frames, k);
    job.owed -= static_cast<std::int64_t>(k);
    frames += k * static_cast<std::size_t>(out_.channels);
    count -= k;
    if (job.owed == 0 && job.owes_to != nullptr) {
      job.owes_to->finish(false, "");
      job.owes_to->try_publish();
      job.owes_to = nullptr;
    }
  }
  job.deliver(frames, count);
}

}  // namespace stillroom::audio
