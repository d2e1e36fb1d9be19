// JackRecorder: a JACK client in the test process with two inputs that records
// whatever reaches them, at the server's pace, from its start: the room's
// output as a timeline, silence included while nothing is connected (an output
// the engine closed while idle), which a tap inside the ALSA chain cannot show.
// Its process callback copies into memory reserved up front and nothing else.
#pragma once

#include "support/ToneFile.hpp"

#include <jack/jack.h>

#include <atomic>
#include <string>
#include <vector>

namespace stillroom::test {

class JackRecorder {
 public:
  /** Joins the server named by JACK_DEFAULT_SERVER (see JackServer) with room for `seconds`; throws if it cannot. */
  explicit JackRecorder(double seconds);
  ~JackRecorder();
  JackRecorder(const JackRecorder&) = delete;
  JackRecorder& operator=(const JackRecorder&) = delete;

  /** The input ports an output is connected to, e.g. as an ALSA jack pcm's playback_ports. */
  [[nodiscard]] std::string port(int channel) const;
  /** What was recorded so far, interleaved stereo at the server's rate. */
  [[nodiscard]] Samples recorded() const;

 private:
  static int process(jack_nframes_t frames, void* self);

  jack_client_t* client_ = nullptr;
  jack_port_t* inputs_[2] = {nullptr, nullptr};
  int rate_ = 48000;
  std::vector<float> data_;
  std::atomic<std::size_t> frames_{0};
};

}  // namespace stillroom::test
