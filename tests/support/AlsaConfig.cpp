#include "support/AlsaConfig.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace stillroom::test {

namespace {

std::string jack_ports(const std::string& left, const std::string& right) {
  return "  playback_ports { 0 " + left + " 1 " + right + " }\n";
}

}  // namespace

AlsaConfig::AlsaConfig(const std::filesystem::path& dir, Output output, const std::filesystem::path& capture,
                       const std::string& extra)
    : AlsaConfig(dir, output, capture, extra, jack_ports("system:playback_1", "system:playback_2")) {}

AlsaConfig::AlsaConfig(const std::filesystem::path& dir, const std::filesystem::path& capture, const std::string& left,
                       const std::string& right)
    : AlsaConfig(dir, Output::Jack, capture, "", jack_ports(left, right)) {}

AlsaConfig::AlsaConfig(const std::filesystem::path& dir, Output output, const std::filesystem::path& capture,
                       const std::string& extra, const std::string& ports) {
  path_ = dir / "asound.conf";
  std::ofstream out(path_);
  out << "pcm.!default {\n"
         "  type file\n"
         "  slave.pcm \"" << (output == Output::Jack ? "jackplug" : "nullout") << "\"\n"
         "  file { @func getenv vars [ STILLROOM_CAPTURE ] default \"/dev/null\" }\n"
         "  format \"raw\"\n"
         "}\n";
  if (output == Output::Null) {
    out << "pcm.nullout { type null }\n";
  } else {
    out << "pcm.jackplug { type plug slave.pcm \"jackout\" }\n"
           "pcm.jackout {\n"
           "  type jack\n"
        << ports << "}\n";
  }
  out << extra;
  if (!out) throw std::runtime_error("cannot write " + path_.string());
  out.close();
  ::setenv("ALSA_CONFIG_PATH", path_.c_str(), 1);
  ::setenv("STILLROOM_CAPTURE", capture.c_str(), 1);
  // PortAudio's JACK host API and the ALSA jack plugin would otherwise try to start a server of their own.
  ::setenv("JACK_NO_START_SERVER", "1", 1);
}

std::string AlsaConfig::fragile_device(const std::string& name, const std::filesystem::path& file) {
  return "pcm." + name + " {\n  type file\n  slave.pcm \"nullout\"\n  file \"" + file.string() +
         "\"\n  format \"raw\"\n}\n";
}

}  // namespace stillroom::test
