#include "room/LightDriver.hpp"

#include "room/LightDrivers.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace stillroom::room {

namespace light_scale {

int steps(double pct, int top) noexcept {
  if (!(pct > 0.0)) return 0;
  const double clamped = std::min(pct, 100.0);
  return std::clamp(static_cast<int>(std::lround(clamped * top / 100.0)), 1, top);
}

int mired(int kelvin) noexcept {
  if (kelvin <= 0) return 0;
  return static_cast<int>(std::lround(1e6 / kelvin));
}

std::string seconds(Millis duration) {
  const auto ms = std::max<Millis::rep>(0, duration.count());
  char text[32];
  if (ms % 1000 == 0) {
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(ms / 1000));
  } else {
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(ms) / 1000.0);
    std::string s = text;
    while (s.back() == '0') s.pop_back();
    return s;
  }
  return text;
}

std::optional<double> reported_pct(double value, int top) noexcept {
  if (!std::isfinite(value) || value < 0.0 || value > top) return std::nullopt;
  return value * 100.0 / top;
}

std::string check_template(std::string_view payload_template) {
  static const std::vector<std::string_view> known = {"brightness_pct", "brightness_255", "brightness_254",
                                                      "mired",          "kelvin",         "transition_s",
                                                      "on"};
  for (std::size_t open = payload_template.find('{'); open != std::string_view::npos;
       open = payload_template.find('{', open + 1)) {
    const auto close = payload_template.find('}', open);
    if (close == std::string_view::npos) break;
    const auto name = payload_template.substr(open + 1, close - open - 1);
    // Only identifiers are placeholders; JSON braces around them are left alone.
    const bool identifier = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
    if (identifier && std::find(known.begin(), known.end(), name) == known.end())
      return "unknown placeholder {" + std::string(name) +
             "} (known: {brightness_pct}, {brightness_255}, {brightness_254}, {mired}, {kelvin}, {transition_s}, {on})";
  }
  return {};
}

}  // namespace light_scale

std::unique_ptr<LightDriver> make_light_driver(const config::LightDevice& device, const std::string& source) {
  if (device.kind == "zigbee2mqtt") return make_zigbee2mqtt_driver(device);
  if (device.kind == "homeassistant") return make_homeassistant_driver(device);
  if (device.kind == "tasmota") return make_tasmota_driver(device);
  if (device.kind == "shelly") return make_shelly_driver(device, source);
  if (device.kind == "template") {
    if (auto problem = light_scale::check_template(device.payload_template); !problem.empty())
      throw std::invalid_argument("light '" + device.id + "': " + problem);
    return make_template_driver(device);
  }
  throw std::invalid_argument("light '" + device.id + "': unknown kind '" + device.kind +
                              "' (zigbee2mqtt, homeassistant, tasmota, shelly or template)");
}

}  // namespace stillroom::room
