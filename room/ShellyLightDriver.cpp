// Shelly Gen2+: JSON-RPC "Light.Set" on <prefix>/rpc. The Light component has
// no colour temperature (that is the CCT component), so it is not sent. An
// at-once change leaves out transition_duration, so the device's own (short)
// default applies. Status comes back on <prefix>/status/light:<id>.
#include "room/LightDrivers.hpp"

#include <nlohmann/json.hpp>

namespace stillroom::room {
namespace {

using nlohmann::ordered_json;

class ShellyLightDriver final : public LightDriver {
 public:
  ShellyLightDriver(const config::LightDevice& device, std::string source)
      : topic_(device.topic),
        state_topic_(device.state_topic.empty() ? device.topic + "/status/light:" + std::to_string(device.channel)
                                                : device.state_topic),
        source_(std::move(source)),
        channel_(device.channel) {}

  std::vector<MqttMessage> command(const LightLevel& level, Millis transition) const override {
    const int brightness = light_scale::steps(level.brightness_pct, 100);
    ordered_json params;
    params["id"] = channel_;
    params["on"] = brightness > 0;
    if (brightness > 0) params["brightness"] = brightness;
    if (transition.count() > 0) {
      const auto ms = transition.count();
      params["transition_duration"] = ms % 1000 == 0 ? ordered_json(ms / 1000) : ordered_json(static_cast<double>(ms) / 1000.0);
    }
    ordered_json request;
    request["id"] = 1;
    request["src"] = source_;
    request["method"] = "Light.Set";
    request["params"] = std::move(params);
    return {MqttMessage{topic_ + "/rpc", request.dump(), 0, false}};
  }

  std::string state_topic() const override { return state_topic_; }

  std::optional<double> reported_brightness(std::string_view payload) const override {
    const auto status = nlohmann::json::parse(payload, nullptr, false);
    if (!status.is_object()) return std::nullopt;
    const auto output = status.find("output");
    if (output != status.end() && output->is_boolean() && !output->get<bool>()) return 0.0;
    const auto brightness = status.find("brightness");
    if (brightness == status.end() || !brightness->is_number()) return std::nullopt;
    return light_scale::reported_pct(brightness->get<double>(), 100);
  }

  double quantised(double pct) const override { return light_scale::steps(pct, 100); }

 private:
  std::string topic_;
  std::string state_topic_;
  std::string source_;
  int channel_;
};

}  // namespace

std::unique_ptr<LightDriver> make_shelly_driver(const config::LightDevice& device, const std::string& source) {
  return std::make_unique<ShellyLightDriver>(device, source);
}

}  // namespace stillroom::room
