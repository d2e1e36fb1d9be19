#include "support/JackRecorder.hpp"

#include <algorithm>
#include <stdexcept>

namespace stillroom::test {

JackRecorder::JackRecorder(double seconds) {
  jack_status_t status{};
  client_ = jack_client_open("stillroom-recorder", JackNoStartServer, &status);
  if (client_ == nullptr) throw std::runtime_error("the recorder could not join the JACK server");
  rate_ = static_cast<int>(jack_get_sample_rate(client_));
  data_.assign(static_cast<std::size_t>(seconds * rate_) * 2, 0.0f);
  for (int c = 0; c < 2; ++c) {
    inputs_[c] = jack_port_register(client_, ("in_" + std::to_string(c + 1)).c_str(), JACK_DEFAULT_AUDIO_TYPE,
                                    JackPortIsInput, 0);
    if (inputs_[c] == nullptr) throw std::runtime_error("the recorder could not register its inputs");
  }
  jack_set_process_callback(client_, &JackRecorder::process, this);
  if (jack_activate(client_) != 0) throw std::runtime_error("the recorder could not start");
}

JackRecorder::~JackRecorder() {
  if (client_ != nullptr) jack_client_close(client_);
}

std::string JackRecorder::port(int channel) const {
  return std::string(jack_get_client_name(client_)) + ":in_" + std::to_string(channel + 1);
}

int JackRecorder::process(jack_nframes_t frames, void* self) {
  auto* r = static_cast<JackRecorder*>(self);
  const auto* left = static_cast<const float*>(jack_port_get_buffer(r->inputs_[0], frames));
  const auto* right = static_cast<const float*>(jack_port_get_buffer(r->inputs_[1], frames));
  const std::size_t at = r->frames_.load(std::memory_order_relaxed);
  const std::size_t n = std::min<std::size_t>(frames, r->data_.size() / 2 - at);
  for (std::size_t i = 0; i < n; ++i) {
    r->data_[2 * (at + i)] = left[i];
    r->data_[2 * (at + i) + 1] = right[i];
  }
  r->frames_.store(at + n, std::memory_order_release);
  return 0;
}

Samples JackRecorder::recorded() const {
  const std::size_t n = frames_.load(std::memory_order_acquire);
  Samples s{rate_, 2, {}};
  s.data.assign(data_.begin(), data_.begin() + static_cast<std::ptrdiff_t>(2 * n));
  return s;
}

}  // namespace stillroom::test
