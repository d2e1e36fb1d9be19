// AlsaConfig: an ALSA configuration for tests on a machine without a sound
// card, installed with ALSA_CONFIG_PATH before PortAudio starts (each test case
// runs in its own process). It always defines pcm.!default (PortAudio 19.6
// asserts without one). Capture: the `file` plugin writes byte-exactly what
// PortAudio played (raw float) to the file named by $STILLROOM_CAPTURE.
#pragma once

#include <filesystem>
#include <string>

namespace stillroom::test {

class AlsaConfig {
 public:
  enum class Output {
    Null,      ///< capture tap in front of the `null` plugin: instant, not real time
    Jack,      ///< capture tap in front of plug -> jack (real-time pace from jackd)
  };

  /**
   * Writes `dir`/asound.conf for `output`, capturing to `capture`, plus any
   * `extra` configuration text, and points ALSA at it.
   */
  AlsaConfig(const std::filesystem::path& dir, Output output, const std::filesystem::path& capture,
             const std::string& extra = "");
  /** Jack output to the JACK ports `left` and `right` instead of system:playback_1/2 (e.g. a JackRecorder's). */
  AlsaConfig(const std::filesystem::path& dir, const std::filesystem::path& capture, const std::string& left,
             const std::string& right);

  /** A pcm named `name` writing to `file` (Null output only): it fails while the file's directory is missing. */
  static std::string fragile_device(const std::string& name, const std::filesystem::path& file);

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  AlsaConfig(const std::filesystem::path& dir, Output output, const std::filesystem::path& capture,
             const std::string& extra, const std::string& ports);

  std::filesystem::path path_;
};

}  // namespace stillroom::test
