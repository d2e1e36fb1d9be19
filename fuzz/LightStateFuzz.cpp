// Fuzz target "light_state": state reports of the lights of the example room
// (zigbee2mqtt, tasmota, shelly) and a Home Assistant JSON light, as their
// drivers parse them. Each input line is one message: its first byte picks
// the light, the rest is the payload. A parsed brightness must be a percentage
// (0..100) or nothing; the controller fed with the reports must never throw, and
// every fault change it announces must say which light and why.
#include "FuzzSupport.hpp"

#include "room/LightController.hpp"

#include <cmath>
#include <string>

using namespace stillroom;

namespace {

config::LightSettings fuzz_lights() {
  config::LightSettings settings = fuzz::example_library().room.lights;
  config::LightDevice hass;
  hass.id = "desk";
  hass.kind = "homeassistant";
  hass.topic = "homeassistant/light/desk/set";
  hass.state_topic = "homeassistant/light/desk/state";
  settings.devices.push_back(hass);
  return settings;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const config::LightSettings settings = fuzz_lights();
  static const std::vector<std::unique_ptr<room::LightDriver>> drivers = [] {
    std::vector<std::unique_ptr<room::LightDriver>> list;
    for (const auto& device : settings.devices) list.push_back(room::make_light_driver(device, "stillroom-fuzz"));
    return list;
  }();

  room::LightController lights(settings, "stillroom-fuzz");
  config::Millis now{0};
  lights.go_to_scene("dim", config::Millis{4000}, now);
  const auto check_faults = [](const std::vector<room::LightFaultChange>& changes) {
    for (const auto& change : changes)
      if (change.light.empty() || change.message.empty()) fuzz::fail("a light fault change without a light or a message");
  };
  check_faults(lights.tick(now).faults);

  std::string_view rest = fuzz::as_text(data, size);
  while (!rest.empty()) {
    std::string_view line = fuzz::next_line(rest);
    if (line.empty()) continue;
    const std::size_t which = static_cast<unsigned char>(line.front()) % drivers.size();
    line.remove_prefix(1);
    const auto& driver = *drivers[which];
    if (const auto pct = driver.reported_brightness(line); pct && !(std::isfinite(*pct) && *pct >= 0.0 && *pct <= 100.0))
      fuzz::fail("light '" + settings.devices[which].id + "' reports a brightness that is no percentage: " +
                 std::to_string(*pct));
    now += config::Millis{3000};
    check_faults(lights.on_state(driver.state_topic(), line, now));
    check_faults(lights.tick(now).faults);
  }
  return 0;
}
