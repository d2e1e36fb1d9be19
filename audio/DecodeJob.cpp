#include "audio/DecodeJob.hpp"

#include "audio/SoundFile.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace stillroom::audio {

DecodeJob::DecodeJob(std::shared_ptr<StreamState> stream, AudioFormat out) : stream_(std::move(stream)), out_(out) {}

bool DecodeJob::open(std::string& error) {
  const StreamRequest& req = stream_->request;
  if (!probe_sound_file(req.file, error)) return false;
  if (!file_.open(req.file)) {
    error = "cannot open: " + file_.last_error();
    return false;
  }
  const SF_INFO& info = file_.info();
  const auto rate = static_cast<double>(info.samplerate);
  const auto start = static_cast<std::int64_t>(std::llround(std::max(0.0, req.start_ms) * rate / 1000.0));
  if (start >= info.frames) {
    char at[64];
    std::snprintf(at, sizeof at, "%.3f s", req.start_ms / 1000.0);
    error = std::string("starts at ") + at + ", past the end of the file (" +
            std::to_string(frames_to_millis(info.frames, info.samplerate).count()) + " ms)";
    return false;
  }
  if (start > 0 && sf_seek(file_.get(), start, SEEK_SET) != start) {
    error = "cannot seek to frame " + std::to_string(start) + ": " + file_.last_error();
    return false;
  }
  stop_frame_ = -1;
  if (req.stop_ms >= 0) {
    const auto floor_ms = static_cast<double>(frames_to_millis(info.frames, info.samplerate).count());
    if (!(req.natural_end && req.stop_ms >= floor_ms)) {
      stop_frame_ = std::min<std::int64_t>(info.frames, std::llround(req.stop_ms * rate / 1000.0));
      stop_frame_ = std::max(stop_frame_, start);
    }
  }
  decoded_ = 0;
  stop_frame_ = stop_frame_ < 0 ? -1 : stop_frame_ - start;  // now counted from the seek position
  mapper_ = std::make_unique<ChannelMapper>(info.channels, out_.channels);
  in_.resize(static_cast<std::size_t>(kBlock * info.channels));
  mapped_.resize(static_cast<std::size_t>(kBlock * out_.channels));
  out_block_ = static_cast<std::size_t>(kBlock * out_.rate / info.samplerate + 64);
  scratch_.resize(out_block_ * static_cast<std::size_t>(out_.channels));
  return true;
}

std::int64_t DecodeJob::read_block(std::string& error) {
  std::int64_t want = kBlock;
  if (stop_frame_ >= 0) want = std::min(want, stop_frame_ - decoded_);
  if (want <= 0) return 0;
  const sf_count_t n = sf_readf_float(file_.get(), in_.data(), want);
  if (n <= 0) {
    if (sf_error(file_.get()) != SF_ERR_NO_ERROR) {
      std::string why = file_.last_error();
      if (why.rfind("Error : ", 0) == 0) why.erase(0, 8);
      char at[64];
      std::snprintf(at, sizeof at, "%.3f s", stream_->request.start_ms / 1000.0 +
                                                 static_cast<double>(decoded_) / source_rate());
      error = std::string("decoding stops at ") + at + " of the file: " + why;
      return -1;
    }
    return 0;
  }
  mapper_->map(in_.data(), mapped_.data(), n);
  decoded_ += n;
  return n;
}

void DecodeJob::deliver(const float* frames, std::size_t count) {
  if (count == 0) return;
  std::size_t written = 0;
  if (carry_.empty()) written = stream_->ring.write(frames, count);
  const auto ch = static_cast<std::size_t>(out_.channels);
  carry_.insert(carry_.end(), frames + written * ch, frames + count * ch);
}

bool DecodeJob::drain_carry() {
  if (carry_.empty()) return true;
  const auto ch = static_cast<std::size_t>(out_.channels);
  const std::size_t written = stream_->ring.write(carry_.data(), carry_.size() / ch);
  carry_.erase(carry_.begin(), carry_.begin() + static_cast<std::ptrdiff_t>(written * ch));
  return carry_.empty();
}

void DecodeJob::finish(bool failed, std::string why) {
  if (finishing_) return;
  finishing_ = true;
  finish_failed_ = failed;
  finish_why_ = std::move(why);
  file_.close();
}

bool DecodeJob::try_publish() {
  if (!finishing_ || state == State::Done || !drain_carry()) return state == State::Done;
  stream_->finish(finish_failed_, finish_why_);
  state = State::Done;
  return true;
}

}  // namespace stillroom::audio
