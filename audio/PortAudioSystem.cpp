#include "audio/PortAudioSystem.hpp"

#include "audio/OutputDevice.hpp"
#include "audio/ThreadSetup.hpp"

#include <alsa/asoundlib.h>
#include <jack/jack.h>
#include <portaudio.h>
#include <pthread.h>

#include <array>
#include <atomic>

namespace stillroom::audio {

namespace {

// ALSA's handler is variadic; nothing here needs the message.
void quiet_alsa(const char*, int, const char*, int, const char*, ...) {}
void quiet_jack(const char*) {}

// PortAudio 19.6's JACK host API asserts (aborts the process) in Pa_Terminate once the JACK
// server it joined has gone: jack_deactivate fails on its dead client. A client of our own
// on the same server says when that happened; from then on PortAudio is never terminated
// again in this process (its ALSA devices still open, by name, when the server is back).
std::atomic<bool> jack_gone{false};
jack_client_t* jack_watch = nullptr;

void on_jack_shutdown(void*) { jack_gone.store(true); }

/** After Pa_Initialize (caller holds the mutex): if PortAudio joined a JACK server, watch that server too. */
void watch_jack() {
  if (jack_watch != nullptr || jack_gone.load() || Pa_HostApiTypeIdToHostApiIndex(paJACK) < 0) return;
  jack_status_t status{};
  jack_watch = jack_client_open("stillroom-watch", JackNoStartServer, &status);
  if (jack_watch == nullptr) {
    jack_gone.store(true);  // PortAudio's client is there, the server not (any more): do not terminate
    return;
  }
  // Not activated: the server says it is going on the client's notification channel, which an open client
  // has; an activated one would also be woken every period of the server (hundreds of times a minute, idle).
  jack_on_shutdown(jack_watch, &on_jack_shutdown, nullptr);
}

}  // namespace

std::recursive_mutex& PortAudioSystem::mutex() {
  static std::recursive_mutex m;
  return m;
}

void PortAudioSystem::silence_backends() {
  static std::once_flag once;
  std::call_once(once, [] {
    snd_lib_error_set_handler(&quiet_alsa);
    jack_set_error_function(&quiet_jack);
    jack_set_info_function(&quiet_jack);
  });
}

PortAudioSystem::PortAudioSystem() {
  std::lock_guard lock(mutex());
  silence_backends();
  // Threads a host API starts now (JACK's client thread) are the output's: they carry its name.
  char caller[16] = {};
  pthread_getname_np(pthread_self(), caller, sizeof caller);
  name_this_thread("sr-output");
  const PaError err = Pa_Initialize();
  name_this_thread(caller);
  ok_ = err == paNoError;
  if (!ok_) error_ = std::string("PortAudio: ") + Pa_GetErrorText(err);
  if (ok_) watch_jack();
}

PortAudioSystem::~PortAudioSystem() {
  std::lock_guard lock(mutex());
  if (ok_ && !jack_gone.load()) Pa_Terminate();
}

bool PortAudioSystem::rescan(std::string& error) {
  if (ok_ && jack_gone.load()) return true;  // the device list it has is all PortAudio can give now (see above)
  if (ok_) Pa_Terminate();
  const PaError err = Pa_Initialize();
  ok_ = err == paNoError;
  if (!ok_) error = error_ = std::string("PortAudio: ") + Pa_GetErrorText(err);
  if (ok_) watch_jack();
  return ok_;
}

std::vector<OutputDevice> list_output_devices(std::string& error) {
  PortAudioSystem system;
  std::vector<OutputDevice> devices;
  if (!system.ok()) {
    error = system.error();
    return devices;
  }
  std::lock_guard lock(PortAudioSystem::mutex());
  const PaDeviceIndex count = Pa_GetDeviceCount();
  if (count < 0) {
    error = std::string("PortAudio: ") + Pa_GetErrorText(count);
    return devices;
  }
  const PaDeviceIndex default_output = Pa_GetDefaultOutputDevice();
  for (PaDeviceIndex i = 0; i < count; ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    if (info == nullptr || info->maxOutputChannels <= 0) continue;
    OutputDevice d;
    d.index = i;
    d.name = info->name != nullptr ? info->name : "";
    const PaHostApiInfo* api = Pa_GetHostApiInfo(info->hostApi);
    d.host_api = api != nullptr && api->name != nullptr ? api->name : "";
    d.max_channels = info->maxOutputChannels;
    d.default_rate = info->defaultSampleRate;
    d.default_low_latency_ms = info->defaultLowOutputLatency * 1000.0;
    d.default_high_latency_ms = info->defaultHighOutputLatency * 1000.0;
    d.is_default = i == default_output;
    PaStreamParameters params{};
    params.device = i;
    params.channelCount = std::min(2, info->maxOutputChannels);
    params.sampleFormat = paFloat32;
    params.suggestedLatency = info->defaultHighOutputLatency;
    for (int rate : std::array{44100, 48000, 88200, 96000}) {
      if (Pa_IsFormatSupported(nullptr, &params, rate) == paFormatIsSupported) d.rates.push_back(rate);
    }
    devices.push_back(std::move(d));
  }
  return devices;
}

}  // namespace stillroom::audio
