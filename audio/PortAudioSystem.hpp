// PortAudioSystem: PortAudio initialised for as long as an instance lives
// (PortAudio counts references), with ALSA's and JACK's stderr noise silenced
// before the first Pa_Initialize. PortAudio is not thread-safe: every call
// outside the audio callback holds mutex().
#pragma once

#include <mutex>
#include <string>

namespace stillroom::audio {

class PortAudioSystem {
 public:
  PortAudioSystem();
  ~PortAudioSystem();
  PortAudioSystem(const PortAudioSystem&) = delete;
  PortAudioSystem& operator=(const PortAudioSystem&) = delete;

  [[nodiscard]] bool ok() const noexcept { return ok_; }
  /** PortAudio's message when initialisation failed. */
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

  /** Terminates and initialises again so PortAudio sees devices that appeared (caller holds mutex()). */
  bool rescan(std::string& error);

  /** Held around every PortAudio call outside the callback. */
  static std::recursive_mutex& mutex();
  /** Installs no-op ALSA and JACK error handlers (once per process). */
  static void silence_backends();

 private:
  bool ok_ = false;
  std::string error_;
};

}  // namespace stillroom::audio
