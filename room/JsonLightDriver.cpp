// zigbee2mqtt and Home Assistant's MQTT JSON schema speak the same JSON:
// {"state":"ON","brightness":N,"color_temp":<mired>,"transition":<s>}; they
// differ in the brightness scale (254 vs 255) and in the topics.
#include "room/LightDrivers.hpp"

#include <nlohmann/json.hpp>

namespace stillroom::room {
namespace {

using nlohmann::ordered_json;

ordered_json seconds_number(Millis transition) {
  const auto ms = std::max<Millis::rep>(0, transition.count());
  if (ms % 1000 == 0) return ms / 1000;
  return static_cast<double>(ms) / 1000.0;
}

class JsonLightDriver final : public LightDriver {
 public:
  JsonLightDriver(std::string command_topic, std::string state_topic, int top)
      : command_topic_(std::move(command_topic)), state_topic_(std::move(state_topic)), top_(top) {}

  std::vector<MqttMessage> command(const LightLevel& level, Millis transition) const override {
    ordered_json payload;
    const int brightness = light_scale::steps(level.brightness_pct, top_);
    payload["state"] = brightness > 0 ? "ON" : "OFF";
    if (brightness > 0) {
      payload["brightness"] = brightness;
      if (level.color_temp_k) payload["color_temp"] = light_scale::mired(*level.color_temp_k);
    }
    payload["transition"] = seconds_number(transition);
    return {MqttMessage{command_topic_, payload.dump(), 0, false}};
  }

  std::string state_topic() const override { return state_topic_; }

  std::optional<double> reported_brightness(std::string_view payload) const override {
    const auto state = nlohmann::json::parse(payload, nullptr, false);
    if (!state.is_object()) return std::nullopt;
    const auto power = state.find("state");
    if (power != state.end() && power->is_string() && *power == "OFF") return 0.0;
    const auto brightness = state.find("brightness");
    if (brightness == state.end() || !brightness->is_number()) return std::nullopt;
    return light_scale::reported_pct(brightness->get<double>(), top_);
  }

  double quantised(double pct) const override { return light_scale::steps(pct, top_) * 100.0 / top_; }

 private:
  std::string command_topic_;
  std::string state_topic_;
  int top_;
};

}  // namespace

std::unique_ptr<LightDriver> make_zigbee2mqtt_driver(const config::LightDevice& device) {
  // zigbee2mqtt publishes the device's state on its base topic.
  return std::make_unique<JsonLightDriver>(device.topic + "/set",
                                           device.state_topic.empty() ? device.topic : device.state_topic, 254);
}

std::unique_ptr<LightDriver> make_homeassistant_driver(const config::LightDevice& device) {
  return std::make_unique<JsonLightDriver>(device.topic, device.state_topic, 255);
}

}  // namespace stillroom::room
