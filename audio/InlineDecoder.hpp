// InlineDecoder: the offline renderer's stream provider. Before every mix block
// it tops up every stream's ring in the calling thread, so streams run exactly
// as far ahead as in real time (a corrupt file is found decode_ahead early here
// too) and a render is deterministic.
#pragma once

#include "audio/DecoderCore.hpp"

namespace stillroom::audio {

class InlineDecoder final : public StreamProvider {
 public:
  InlineDecoder(AudioFormat out, std::size_t ring_frames, LoudnessCache& cache, double target_lufs,
                double ceiling_dbtp);

  std::shared_ptr<StreamState> open(const StreamRequest& request) override;
  void close(const std::shared_ptr<StreamState>& stream) override;
  void prepare() override;

 private:
  AudioFormat out_;
  std::size_t ring_frames_;
  DecoderCore core_;
};

}  // namespace stillroom::audio
