// OutputDevice: what `stillroom devices` lists, and list_output_devices(),
// which asks PortAudio (with ALSA and JACK noise silenced). Callable from any
// thread; PortAudio calls are serialised by PortAudioSystem.
#pragma once

#include <string>
#include <vector>

namespace stillroom::audio {

struct OutputDevice {
  /** PortAudio's index (valid until the device list changes). */
  int index = -1;
  std::string name;
  /** "ALSA", "JACK Audio Connection Kit", ... */
  std::string host_api;
  int max_channels = 0;
  double default_rate = 0.0;
  /** Of 44100, 48000, 88200, 96000: the rates it accepts for stereo float output. */
  std::vector<int> rates;
  double default_low_latency_ms = 0.0;
  double default_high_latency_ms = 0.0;
  /** PortAudio's default output device. */
  bool is_default = false;
};

/** Every device with output channels; empty with `error` set when PortAudio cannot start. */
[[nodiscard]] std::vector<OutputDevice> list_output_devices(std::string& error);

}  // namespace stillroom::audio
