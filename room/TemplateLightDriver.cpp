// Template: the room file gives the payload with placeholders, for dialects
// without a driver (WLED, deCONZ, groups). {on} is true/false so JSON templates
// stay valid; {mired} and {kelvin} are null when the scene has no colour
// temperature. It reports no state, so it is never checked for following.
#include "room/LightDrivers.hpp"

namespace stillroom::room {
namespace {

class TemplateLightDriver final : public LightDriver {
 public:
  explicit TemplateLightDriver(const config::LightDevice& device)
      : topic_(device.topic), template_(device.payload_template) {}

  std::vector<MqttMessage> command(const LightLevel& level, Millis transition) const override {
    const int pct = light_scale::steps(level.brightness_pct, 100);
    const auto value = [&](std::string_view name) -> std::optional<std::string> {
      if (name == "brightness_pct") return std::to_string(pct);
      if (name == "brightness_255") return std::to_string(light_scale::steps(level.brightness_pct, 255));
      if (name == "brightness_254") return std::to_string(light_scale::steps(level.brightness_pct, 254));
      if (name == "mired") return level.color_temp_k ? std::to_string(light_scale::mired(*level.color_temp_k)) : "null";
      if (name == "kelvin") return level.color_temp_k ? std::to_string(*level.color_temp_k) : "null";
      if (name == "transition_s") return light_scale::seconds(transition);
      if (name == "on") return pct > 0 ? "true" : "false";
      return std::nullopt;
    };
    std::string payload;
    std::size_t at = 0;
    while (at < template_.size()) {
      const auto open = template_.find('{', at);
      const auto close = open == std::string::npos ? std::string::npos : template_.find('}', open);
      if (close == std::string::npos) break;
      const auto replacement = value(std::string_view(template_).substr(open + 1, close - open - 1));
      if (!replacement) {  // a JSON brace, not a placeholder
        payload.append(template_, at, open + 1 - at);
        at = open + 1;
        continue;
      }
      payload.append(template_, at, open - at);
      payload += *replacement;
      at = close + 1;
    }
    payload.append(template_, at, std::string::npos);
    return {MqttMessage{topic_, payload, 0, false}};
  }

  std::string state_topic() const override { return {}; }
  std::optional<double> reported_brightness(std::string_view) const override { return std::nullopt; }
  double quantised(double pct) const override { return light_scale::steps(pct, 100); }

 private:
  std::string topic_;
  std::string template_;
};

}  // namespace

std::unique_ptr<LightDriver> make_template_driver(const config::LightDevice& device) {
  return std::make_unique<TemplateLightDriver>(device);
}

}  // namespace stillroom::room
