#include "room/LightDriver.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace stillroom;
using namespace std::chrono_literals;
using room::LightLevel;

namespace {

config::LightDevice device(const std::string& kind, const std::string& topic) {
  config::LightDevice d;
  d.id = kind + "-light";
  d.kind = kind;
  d.topic = topic;
  return d;
}

room::MqttMessage only(const std::vector<room::MqttMessage>& messages) {
  REQUIRE(messages.size() == 1);
  return messages.front();
}

}  // namespace

TEST_CASE("zigbee2mqtt: brightness 0-254 - mired - transition in seconds - state on the base topic") {
  const auto driver = room::make_light_driver(device("zigbee2mqtt", "zigbee2mqtt/ceiling"), "stillroom-room-1");
  const auto on = only(driver->command(LightLevel{40.0, 2700}, 500ms));
  CHECK(on.topic == "zigbee2mqtt/ceiling/set");
  CHECK(on.payload == R"({"state":"ON","brightness":102,"color_temp":370,"transition":0.5})");
  CHECK(only(driver->command(LightLevel{0.0, 2700}, 2s)).payload == R"({"state":"OFF","transition":2})");
  CHECK(only(driver->command(LightLevel{0.1, std::nullopt}, 0ms)).payload ==
        R"({"state":"ON","brightness":1,"transition":0})");  // dim, but on
  CHECK(driver->state_topic() == "zigbee2mqtt/ceiling");
  CHECK(*driver->reported_brightness(R"({"state":"ON","brightness":127,"linkquality":80})") == doctest::Approx(50.0));
  CHECK(*driver->reported_brightness(R"({"state":"OFF","brightness":127})") == doctest::Approx(0.0));
  CHECK_FALSE(driver->reported_brightness(R"({"linkquality":80})").has_value());
  CHECK_FALSE(driver->reported_brightness("not json").has_value());
}

TEST_CASE("Home Assistant JSON schema: brightness 0-255 on the configured command and state topics") {
  auto d = device("homeassistant", "home/lights/lamp/set");
  d.state_topic = "home/lights/lamp/state";
  const auto driver = room::make_light_driver(d, "stillroom-room-1");
  const auto on = only(driver->command(LightLevel{50.0, std::nullopt}, 3s));
  CHECK(on.topic == "home/lights/lamp/set");
  CHECK(on.payload == R"({"state":"ON","brightness":128,"transition":3})");
  CHECK(driver->state_topic() == "home/lights/lamp/state");
  CHECK(*driver->reported_brightness(R"({"state":"ON","brightness":255})") == doctest::Approx(100.0));
}

TEST_CASE("Tasmota: one Backlog with a one-shot fade speed, results on stat/<topic>/RESULT") {
  const auto driver = room::make_light_driver(device("tasmota", "tasmota_lamp"), "stillroom-room-1");
  const auto fade = only(driver->command(LightLevel{40.0, 2700}, 1500ms));
  CHECK(fade.topic == "cmnd/tasmota_lamp/Backlog");
  CHECK(fade.payload == "Fade 1; Speed2 3; CT 370; Speed2 3; Dimmer 40");
  CHECK(only(driver->command(LightLevel{100.0, std::nullopt}, 0ms)).payload == "Fade 0; Dimmer 100");
  CHECK(only(driver->command(LightLevel{100.0, 10000}, 0ms)).payload == "Fade 0; CT 153; Dimmer 100");  // CT range
  CHECK(only(driver->command(LightLevel{0.0, 2700}, 30s)).payload == "Fade 1; Speed2 40; Dimmer 0");
  CHECK(driver->state_topic() == "stat/tasmota_lamp/RESULT");
  CHECK(*driver->reported_brightness(R"({"POWER":"ON","Dimmer":40})") == doctest::Approx(40.0));
  CHECK(*driver->reported_brightness(R"({"POWER":"OFF"})") == doctest::Approx(0.0));
  CHECK_FALSE(driver->reported_brightness(R"({"CT":370})").has_value());
}

TEST_CASE("Shelly Gen2: Light.Set RPC on <prefix>/rpc, status on <prefix>/status/light:<id>") {
  auto d = device("shelly", "shellyprodm1pm-abc");
  d.channel = 1;
  const auto driver = room::make_light_driver(d, "stillroom-room-1");
  const auto on = only(driver->command(LightLevel{40.0, 2700}, 5s));
  CHECK(on.topic == "shellyprodm1pm-abc/rpc");
  CHECK(on.payload ==
        R"({"id":1,"src":"stillroom-room-1","method":"Light.Set","params":{"id":1,"on":true,"brightness":40,"transition_duration":5}})");
  CHECK(only(driver->command(LightLevel{0.0, std::nullopt}, 0ms)).payload ==
        R"({"id":1,"src":"stillroom-room-1","method":"Light.Set","params":{"id":1,"on":false}})");
  CHECK(driver->state_topic() == "shellyprodm1pm-abc/status/light:1");
  CHECK(*driver->reported_brightness(R"({"id":1,"source":"rpc","output":true,"brightness":40})") == doctest::Approx(40.0));
  CHECK(*driver->reported_brightness(R"({"id":1,"output":false,"brightness":40})") == doctest::Approx(0.0));
}

TEST_CASE("a reported level off the device's scale tells nothing (found by the light_state fuzz target)") {
  auto hass = device("homeassistant", "home/lights/lamp/set");
  hass.state_topic = "home/lights/lamp/state";
  const auto z2m = room::make_light_driver(device("zigbee2mqtt", "zigbee2mqtt/ceiling"), "stillroom-room-1");
  const auto ha = room::make_light_driver(hass, "stillroom-room-1");
  const auto tasmota = room::make_light_driver(device("tasmota", "lamp"), "stillroom-room-1");
  const auto shelly = room::make_light_driver(device("shelly", "strip"), "stillroom-room-1");
  CHECK(*z2m->reported_brightness(R"({"state":"ON","brightness":254})") == doctest::Approx(100.0));
  CHECK_FALSE(z2m->reported_brightness(R"({"state":"ON","brightness":255})").has_value());
  CHECK_FALSE(z2m->reported_brightness(R"({"state":"ON","brightness":-1})").has_value());
  CHECK_FALSE(z2m->reported_brightness(R"({"state":"ON","brightness":1e308})").has_value());
  CHECK(*ha->reported_brightness(R"({"state":"ON","brightness":255})") == doctest::Approx(100.0));
  CHECK_FALSE(ha->reported_brightness(R"({"state":"ON","brightness":256})").has_value());
  CHECK_FALSE(tasmota->reported_brightness(R"({"POWER":"ON","Dimmer":101})").has_value());
  CHECK_FALSE(tasmota->reported_brightness(R"({"POWER":"ON","Dimmer":-20})").has_value());
  CHECK_FALSE(shelly->reported_brightness(R"({"output":true,"brightness":150})").has_value());
  CHECK(*shelly->reported_brightness(R"({"output":true,"brightness":0})") == doctest::Approx(0.0));
}

TEST_CASE("template: placeholders filled - JSON braces kept - unknown placeholders refused") {
  auto d = device("template", "wled/room/api");
  d.payload_template = R"({"on":{on},"bri":{brightness_255},"pct":{brightness_pct},"tt":{transition_s},"ct":{kelvin},"m":{mired}})";
  const auto driver = room::make_light_driver(d, "stillroom-room-1");
  const auto msg = only(driver->command(LightLevel{40.0, std::nullopt}, 1250ms));
  CHECK(msg.topic == "wled/room/api");
  CHECK(msg.payload == R"({"on":true,"bri":102,"pct":40,"tt":1.25,"ct":null,"m":null})");
  CHECK(only(driver->command(LightLevel{0.0, 2700}, 0ms)).payload == R"({"on":false,"bri":0,"pct":0,"tt":0,"ct":2700,"m":370})");
  CHECK(driver->state_topic().empty());

  d.payload_template = R"({"bri":{brightnes}})";
  CHECK_THROWS_WITH_AS(room::make_light_driver(d, "x"),
                       doctest::Contains("light 'template-light': unknown placeholder {brightnes}"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(room::make_light_driver(device("hue", "x"), "x"),
                       "light 'hue-light': unknown kind 'hue' (zigbee2mqtt, homeassistant, tasmota, shelly or template)",
                       std::invalid_argument);
}
