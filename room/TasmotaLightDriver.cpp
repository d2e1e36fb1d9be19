// Tasmota: one Backlog on cmnd/<topic>/Backlog. "Speed2" is a one-shot fade
// speed in half seconds (1..40, so native fades end at 20 s) that leaves the
// saved Speed alone; it is repeated before each command in case a firmware
// consumes it on the first. State comes back on stat/<topic>/RESULT.
#include "room/LightDrivers.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace stillroom::room {
namespace {

class TasmotaLightDriver final : public LightDriver {
 public:
  explicit TasmotaLightDriver(const config::LightDevice& device)
      : topic_(device.topic), state_topic_(device.state_topic.empty() ? "stat/" + device.topic + "/RESULT"
                                                                      : device.state_topic) {}

  std::vector<MqttMessage> command(const LightLevel& level, Millis transition) const override {
    const int dimmer = light_scale::steps(level.brightness_pct, 100);
    std::string backlog;
    std::string speed;
    if (transition.count() > 0) {
      const auto half_seconds = std::clamp<long long>(std::llround(static_cast<double>(transition.count()) / 500.0), 1, 40);
      speed = "Speed2 " + std::to_string(half_seconds) + "; ";
      backlog = "Fade 1; ";
    } else {
      backlog = "Fade 0; ";
    }
    if (level.color_temp_k && dimmer > 0)
      backlog += speed + "CT " + std::to_string(std::clamp(light_scale::mired(*level.color_temp_k), 153, 500)) + "; ";
    backlog += speed + "Dimmer " + std::to_string(dimmer);
    return {MqttMessage{"cmnd/" + topic_ + "/Backlog", backlog, 0, false}};
  }

  std::string state_topic() const override { return state_topic_; }

  std::optional<double> reported_brightness(std::string_view payload) const override {
    const auto result = nlohmann::json::parse(payload, nullptr, false);
    if (!result.is_object()) return std::nullopt;
    for (const char* key : {"POWER", "POWER1"}) {
      const auto power = result.find(key);
      if (power != result.end() && power->is_string() && *power == "OFF") return 0.0;
    }
    const auto dimmer = result.find("Dimmer");
    if (dimmer == result.end() || !dimmer->is_number()) return std::nullopt;
    return light_scale::reported_pct(dimmer->get<double>(), 100);
  }

  double quantised(double pct) const override { return light_scale::steps(pct, 100); }

 private:
  std::string topic_;
  std::string state_topic_;
};

}  // namespace

std::unique_ptr<LightDriver> make_tasmota_driver(const config::LightDevice& device) {
  return std::make_unique<TasmotaLightDriver>(device);
}

}  // namespace stillroom::room
