#include "audio/InlineDecoder.hpp"

namespace stillroom::audio {

InlineDecoder::InlineDecoder(AudioFormat out, std::size_t ring_frames, LoudnessCache& cache, double target_lufs,
                             double ceiling_dbtp)
    : out_(out), ring_frames_(ring_frames), core_(out, cache, target_lufs, ceiling_dbtp) {}

std::shared_ptr<StreamState> InlineDecoder::open(const StreamRequest& request) {
  auto stream = std::make_shared<StreamState>(request, out_.channels, ring_frames_);
  core_.add(stream);
  return stream;
}

void InlineDecoder::close(const std::shared_ptr<StreamState>& stream) { core_.remove(stream.get()); }

void InlineDecoder::prepare() {
  while (core_.work()) {
  }
}

}  // namespace stillroom::audio
