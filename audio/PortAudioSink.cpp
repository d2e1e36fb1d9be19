#include "audio/PortAudioSink.hpp"

#include "audio/ThreadSetup.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

namespace stillroom::audio {

namespace {

using clock = std::chrono::steady_clock;
constexpr auto kFirstRetry = std::chrono::milliseconds(500);
constexpr auto kLongestRetry = std::chrono::milliseconds(8000);
/** A stream that has not called back for this long is gone, whatever PortAudio says. */
constexpr auto kSilentCallback = std::chrono::milliseconds(2000);
/** A reopened device is back once its stream has run this long. */
constexpr auto kProbation = std::chrono::milliseconds(1000);

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/** The device named by `wanted` (substring, any case) or the default; -1 with `error`. Holds the PortAudio mutex. */
PaDeviceIndex find_device(const std::string& wanted, int channels, std::string& error) {
  if (wanted.empty() || wanted == "default") {
    const PaDeviceIndex d = Pa_GetDefaultOutputDevice();
    if (d == paNoDevice) error = "no default output device";
    return d == paNoDevice ? -1 : d;
  }
  std::string names;
  const PaDeviceIndex count = Pa_GetDeviceCount();
  for (PaDeviceIndex i = 0; i < count; ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    if (info == nullptr || info->maxOutputChannels <= 0) continue;
    const std::string name = info->name != nullptr ? info->name : "";
    if (lower(name).find(lower(wanted)) != std::string::npos && info->maxOutputChannels >= channels) return i;
    names += (names.empty() ? "" : ", ") + name;
  }
  error = "no output device matches \"" + wanted + "\" (devices: " + (names.empty() ? "none" : names) + ")";
  return -1;
}

}  // namespace

PortAudioSink::PortAudioSink(std::string device) : device_(std::move(device)) {}

PortAudioSink::~PortAudioSink() { PortAudioSink::stop(); }

bool PortAudioSink::open(AudioFormat format, config::Millis latency, std::string& error) {
  format_ = format;
  latency_ = latency;
  // Until a stream says how much it buffers, assume what was asked of it (the dose clock relies on it).
  delay_.store(ms_to_frames(latency, format.rate), std::memory_order_relaxed);
  // While it plays, a look a second is enough (a stream that stops calling back is given 2 s); while it is
  // lost, the ring drains at real-time pace in steps shorter than half of it.
  poll_ = std::chrono::milliseconds(1000);
  lost_poll_ = std::clamp<std::chrono::milliseconds>(std::chrono::duration_cast<std::chrono::milliseconds>(latency / 2),
                                                     std::chrono::milliseconds(10), std::chrono::milliseconds(100));
  system_ = std::make_unique<PortAudioSystem>();
  if (!system_->ok()) {
    error = system_->error();
    return false;
  }
  return true;
}

int PortAudioSink::callback(const void*, void* output, unsigned long frames, const PaStreamCallbackTimeInfo*,
                            PaStreamCallbackFlags flags, void* context) {
  auto* c = static_cast<CallbackContext*>(context);
  pull_frames(*c->ring, *c->counters, static_cast<float*>(output), frames);
  if ((flags & paOutputUnderflow) != 0) c->counters->device_underflows.fetch_add(1, std::memory_order_relaxed);
  c->frames_asked.fetch_add(frames, std::memory_order_relaxed);
  c->period.store(frames, std::memory_order_relaxed);
  c->callbacks.fetch_add(1, std::memory_order_relaxed);
  return paContinue;
}

bool PortAudioSink::open_stream(std::string& error) {
  std::lock_guard lock(PortAudioSystem::mutex());
  const PaDeviceIndex device = find_device(device_, format_.channels, error);
  if (device < 0) return false;
  PaStreamParameters params{};
  params.device = device;
  params.channelCount = format_.channels;
  params.sampleFormat = paFloat32;
  params.suggestedLatency = std::chrono::duration<double>(latency_).count();
  PaError err = Pa_OpenStream(&stream_, nullptr, &params, format_.rate, paFramesPerBufferUnspecified,
                              paClipOff | paDitherOff, &PortAudioSink::callback, &context_);
  if (err == paNoError) err = Pa_StartStream(stream_);
  if (err != paNoError) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(device);
    error = std::string(info != nullptr && info->name != nullptr ? info->name : device_) + ": " + Pa_GetErrorText(err);
    if (stream_ != nullptr) Pa_CloseStream(stream_);
    stream_ = nullptr;
    return false;
  }
  const PaStreamInfo* info = Pa_GetStreamInfo(stream_);
  delay_ = info != nullptr ? static_cast<std::int64_t>(info->outputLatency * format_.rate) : 0;
  return true;
}

bool PortAudioSink::supports_rate(int rate) const {
  if (!system_ || !system_->ok()) return true;  // nothing known: let opening the stream tell
  std::lock_guard lock(PortAudioSystem::mutex());
  std::string error;
  const PaDeviceIndex device = find_device(device_, format_.channels, error);
  if (device < 0) return true;
  PaStreamParameters params{};
  params.device = device;
  params.channelCount = format_.channels;
  params.sampleFormat = paFloat32;
  params.suggestedLatency = std::chrono::duration<double>(latency_).count();
  return Pa_IsFormatSupported(nullptr, &params, rate) == paFormatIsSupported;
}

void PortAudioSink::close_stream(bool drain) {
  std::lock_guard lock(PortAudioSystem::mutex());
  if (stream_ == nullptr) return;
  // Stop (not abort) lets what is buffered play out: the end of a fade is heard. A lost device never
  // plays it out (a dead JACK server leaves PortAudio's thread polling forever): abort at once.
  if (!drain || Pa_StopStream(stream_) != paNoError) Pa_AbortStream(stream_);
  Pa_CloseStream(stream_);
  stream_ = nullptr;
}

void PortAudioSink::set_error(std::string error) {
  std::lock_guard lock(error_mutex_);
  error_ = std::move(error);
}

std::string PortAudioSink::last_error() const {
  std::lock_guard lock(error_mutex_);
  return error_;
}

void PortAudioSink::start(FrameRing& ring, SinkCounters& counters, std::function<void()>) {
  ring_ = &ring;
  counters_ = &counters;
  context_.ring = &ring;
  context_.counters = &counters;
  {
    std::lock_guard lock(wait_mutex_);
    paused_ = true;
  }
  running_ = true;
  monitor_ = std::thread([this] { monitor(); });
}

void PortAudioSink::pause() {
  // The monitor holds wait_mutex_ whenever it touches the stream or the ring: with it held here, the
  // stream is closed (playing out what the device holds) and nothing reads the ring once this returns.
  std::lock_guard lock(wait_mutex_);
  paused_ = true;
  ++pauses_;
  bool active = false;
  {
    std::lock_guard pa(PortAudioSystem::mutex());
    active = stream_ != nullptr && Pa_IsStreamActive(stream_) == 1;
  }
  if (on_probation_ && active) {
    // A reopened device that played until the engine had nothing more for it is back.
    on_probation_ = false;
    counters_->device_returns.fetch_add(1, std::memory_order_relaxed);
  }
  close_stream(true);
  wake_.notify_all();
}

void PortAudioSink::resume(std::uint64_t) {
  {
    std::lock_guard lock(wait_mutex_);
    paused_ = false;
  }
  wake_.notify_all();
}

void PortAudioSink::stop() {
  if (!running_.exchange(false)) return;
  wake_.notify_all();
  if (monitor_.joinable()) monitor_.join();
  close_stream(true);
  system_.reset();
}

void PortAudioSink::drop(std::size_t frames) {
  // The ring holds a fraction of a second; the rest is owed, for the player to mix away.
  const std::size_t gone = ring_->discard(frames);
  counters_->frames_played.fetch_add(gone, std::memory_order_relaxed);
  if (gone < frames) counters_->frames_owed.fetch_add(frames - gone, std::memory_order_relaxed);
}

void PortAudioSink::monitor() {
  // PortAudio's callback thread and the ALSA plugins' threads are started from here: they inherit the name.
  name_this_thread("sr-output");
  bool playing = false;
  // Lost: no stream, the ring drains at real-time pace so the session's timeline keeps going.
  bool lost = false;
  // A reopened stream counts as back once it has run this long (some failures only show on the first write);
  // on_probation_ is a member so that pause() can count a stream that played until then as back.
  auto probation_ends = clock::now();
  auto retry_in = kFirstRetry;
  auto next_try = clock::now();
  auto last_callback = clock::now();
  std::uint64_t seen_callbacks = 0;
  // When the device stops asking, it stopped after `base`, a look at which it was already asking
  // (the look before the last one that saw it ask), and it asked at real-time pace from then.
  auto base_time = clock::now();
  std::uint64_t base_asked = 0;
  auto look_time = clock::now();
  std::uint64_t look_asked = 0;
  auto lost_since = clock::now();
  std::int64_t drained = 0;

  auto lose = [&](std::string why) {
    // The timeline has been standing since the device last asked for audio (a dead server is only
    // noticed after kSilentCallback): drain from then, so the music stays on the dose clock. The monitor
    // looks only once a second: when, between two looks, follows from what the device asked for since base,
    // a period at a time; it fell silent somewhere in the period it asked for last: the middle errs least.
    const auto now = clock::now();
    auto stopped_at = now;
    if (playing) {
      const auto asked = static_cast<std::int64_t>(context_.frames_asked.load(std::memory_order_relaxed) - base_asked) -
                         static_cast<std::int64_t>(context_.period.load(std::memory_order_relaxed) / 2);
      stopped_at = std::min(now, base_time + std::chrono::microseconds(std::max<std::int64_t>(0, asked) * 1'000'000 /
                                                                       format_.rate));
    }
    close_stream(false);
    set_error(std::move(why));
    if (on_probation_) {
      retry_in = std::min<std::chrono::milliseconds>(retry_in * 2, kLongestRetry);  // still lost: back off
    } else if (!lost) {
      counters_->device_losses.fetch_add(1, std::memory_order_relaxed);
    }
    on_probation_ = false;
    playing = false;
    lost = true;
    lost_since = stopped_at;
    drained = 0;
    next_try = lost_since + retry_in;
  };
  auto play = [&](const clock::time_point now) {
    playing = true;
    last_callback = now;
    seen_callbacks = context_.callbacks.load(std::memory_order_relaxed);
    base_time = look_time = now;
    base_asked = look_asked = context_.frames_asked.load(std::memory_order_relaxed);
  };

  std::unique_lock wait_lock(wait_mutex_);
  // Every pause() is seen, however quickly resume() followed it (and the first resume after start()).
  std::uint64_t seen_pauses = ~std::uint64_t{0};
  while (running_.load()) {
    if (paused_ || seen_pauses != pauses_) {
      // pause() closed the stream; a lost device stays lost, to be tried again at once on resume.
      seen_pauses = pauses_;
      if (!on_probation_ && playing) retry_in = kFirstRetry;  // pause() found it back
      playing = false;
      wake_.wait(wait_lock, [this] { return !paused_ || !running_.load(); });
      if (!running_.load()) break;
      if (seen_pauses != pauses_) continue;
      const auto now = clock::now();
      if (lost) {
        lost_since = now;
        drained = 0;
        next_try = now;
      } else {
        std::string error;
        if (open_stream(error)) {
          play(now);
        } else {
          lose(error);
        }
      }
      continue;
    }
    wake_.wait_for(wait_lock, playing && !on_probation_ ? poll_ : lost_poll_);
    if (!running_.load() || paused_ || seen_pauses != pauses_) continue;
    const auto now = clock::now();
    if (playing) {
      const std::uint64_t calls = context_.callbacks.load(std::memory_order_relaxed);
      if (calls != seen_callbacks) {
        seen_callbacks = calls;
        last_callback = now;
        base_time = look_time;
        base_asked = look_asked;
      }
      look_time = now;
      look_asked = context_.frames_asked.load(std::memory_order_relaxed);
      int active = 0;
      {
        std::lock_guard lock(PortAudioSystem::mutex());
        active = Pa_IsStreamActive(stream_);
      }
      if (active != 1) {
        lose("the output stream stopped (device gone?)");
      } else if (now - last_callback > kSilentCallback) {
        lose("the output device stopped asking for audio");
      } else if (on_probation_ && now >= probation_ends) {
        on_probation_ = false;
        retry_in = kFirstRetry;
        counters_->device_returns.fetch_add(1, std::memory_order_relaxed);
      }
      continue;
    }
    const auto lost_for = std::chrono::duration_cast<std::chrono::microseconds>(now - lost_since).count();
    const std::int64_t due = lost_for * format_.rate / 1'000'000 - drained;
    if (due > 0) {
      drop(static_cast<std::size_t>(due));
      drained += due;
    }
    if (now < next_try) continue;
    // The drain keeps the ring as far ahead of what would be heard as a playing device keeps it. A new
    // stream starts with its buffer full of silence and first asks once the device has played a period of
    // it: skip the music that period would have held (the size the last stream asked for at a time, the same
    // settings), so the music comes back where the dose clock is.
    const std::size_t primed = context_.period.load(std::memory_order_relaxed);
    drop(primed);
    drained += static_cast<std::int64_t>(primed);
    std::string error;
    bool reopened = false;
    {
      std::lock_guard lock(PortAudioSystem::mutex());
      reopened = system_->rescan(error) && open_stream(error);
    }
    if (reopened) {
      play(now);
      lost = false;
      on_probation_ = true;
      probation_ends = now + kProbation;
    } else {
      set_error(error);
      retry_in = std::min<std::chrono::milliseconds>(retry_in * 2, kLongestRetry);
      next_try = now + retry_in;
    }
  }
}

}  // namespace stillroom::audio
