// The concrete light dialects behind make_light_driver(); one file each.
#pragma once

#include "room/LightDriver.hpp"

namespace stillroom::room {

[[nodiscard]] std::unique_ptr<LightDriver> make_zigbee2mqtt_driver(const config::LightDevice& device);
[[nodiscard]] std::unique_ptr<LightDriver> make_homeassistant_driver(const config::LightDevice& device);
[[nodiscard]] std::unique_ptr<LightDriver> make_tasmota_driver(const config::LightDevice& device);
[[nodiscard]] std::unique_ptr<LightDriver> make_shelly_driver(const config::LightDevice& device, const std::string& source);
[[nodiscard]] std::unique_ptr<LightDriver> make_template_driver(const config::LightDevice& device);

}  // namespace stillroom::room
