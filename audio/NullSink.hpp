// NullSink: plays nowhere at real-time pace, for a box with no audio output
// (the session's timeline, events and record still run).
#pragma once

#include "audio/PacedSink.hpp"

namespace stillroom::audio {

class NullSink final : public PacedSink {
 public:
  ~NullSink() override { stop(); }
  [[nodiscard]] std::string name() const override { return "null"; }

 protected:
  void consume(const float*, std::size_t) override {}
};

}  // namespace stillroom::audio
