#include "audio/FileSink.hpp"
#include "audio/NullSink.hpp"
#include "audio/PortAudioSink.hpp"

#include <stdexcept>

namespace stillroom::audio {

std::unique_ptr<Sink> make_sink(const config::AudioSettings& settings) {
  if (settings.output == "portaudio") return std::make_unique<PortAudioSink>(settings.device);
  if (settings.output == "null") return std::make_unique<NullSink>();
  if (settings.output == "file") {
    if (settings.file.empty()) throw std::runtime_error("audio output \"file\" needs a file name (audio.file)");
    return std::make_unique<FileSink>(settings.file);
  }
  throw std::runtime_error("unknown audio output \"" + settings.output + "\" (portaudio, file or null)");
}

}  // namespace stillroom::audio
