#include "LinkHarness.hpp"
#include "room/CommandParser.hpp"
#include "room/Discovery.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace stillroom;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

/** What Home Assistant sends for a button press: its command_template rendered at press `n` (now() as n seconds). */
std::string press(const json& button, int n) {
  std::string text = button["command_template"].get<std::string>();
  const auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, from << " in " << text);
    text.replace(at, from.size(), to);
  };
  replace("{{ now().timestamp() | round(3) }}", std::to_string(1764627000 + n) + ".125");
  replace("{{ now().isoformat() }}", config::format_instant(std::chrono::system_clock::now()));
  return text;
}

}  // namespace

TEST_CASE("Home Assistant discovery: one device with sensors - availability and the panel's buttons") {
  const auto config = test::test_room();
  const room::Topics topics("stillroom", "room-1");
  const auto message = room::make_discovery(config, topics, "0.1.0");
  CHECK(message.topic == "homeassistant/device/stillroom_room-1/config");
  CHECK(message.retained);
  CHECK(message.qos == 1);

  const json payload = json::parse(message.payload);
  CHECK(payload["dev"]["ids"] == json::array({"stillroom_room-1"}));
  CHECK(payload["dev"]["name"] == "Room 1");
  CHECK(payload["o"]["name"] == "stillroom");
  CHECK(payload["availability_topic"] == "stillroom/room-1/status");
  CHECK(payload["payload_available"] == "online");
  CHECK(payload["payload_not_available"] == "offline");

  const auto& cmps = payload["cmps"];
  for (const char* sensor : {"state", "phase", "since_dose", "next_reminder", "track", "faults"}) {
    CAPTURE(sensor);
    REQUIRE(cmps.contains(sensor));
    CHECK(cmps[sensor]["p"] == "sensor");
    CHECK(cmps[sensor]["state_topic"] == "stillroom/room-1/state");
    CHECK(cmps[sensor]["value_template"].get<std::string>().find("value_json.") != std::string::npos);
    CHECK(cmps[sensor]["uniq_id"] == std::string("stillroom_room-1_") + sensor);
  }
  CHECK(cmps["since_dose"]["unit_of_measurement"] == "min");

  // Buttons exist exactly for what the homeassistant device's role (panel) may send, and each press is a valid command.
  const room::CommandParser parser(config, topics);
  std::set<std::string> buttons;
  for (const auto& [key, c] : cmps.items()) {
    if (c["p"] != "button") continue;
    buttons.insert(key);
    CHECK(c["command_topic"] == "stillroom/room-1/cmd/homeassistant");
    const auto parsed = parser.parse(c["command_topic"].get<std::string>(), press(c, 1));
    CHECK_MESSAGE(std::holds_alternative<session::Command>(parsed), press(c, 1));
    // Every press is its own command (the room answers a repeated id with its first reply and does nothing).
    CHECK(press(c, 1) != press(c, 2));
  }
  CHECK(buttons == std::set<std::string>{"start", "pause", "resume", "talk_on", "talk_off", "stop", "emergency"});

  // Without a homeassistant device there are no buttons; without a prefix no discovery at all.
  auto no_device = config;
  no_device.devices.erase("homeassistant");
  const json sensors_only = json::parse(room::make_discovery(no_device, topics, "0.1.0").payload);
  for (const auto& [key, c] : sensors_only["cmps"].items()) CHECK(c["p"] == "sensor");
  auto disabled = config;
  disabled.mqtt.discovery_prefix.clear();
  CHECK(room::make_discovery(disabled, topics, "0.1.0").topic.empty());

  const auto removal = room::make_discovery_removal(config);
  CHECK(removal.topic == message.topic);
  CHECK(removal.payload.empty());
  CHECK(removal.retained);
}

TEST_CASE("discovery is published on connect - again when Home Assistant comes online - and can be removed") {
  test::Mosquitto broker(test::room_broker_options());
  test::TempDir dir("stillroom-link");
  const auto config = test::room_for(broker, dir);
  test::ToyRoom toy;
  room::RoomLink link(config, toy);
  const auto attached = toy.attach(link);
  link.start();
  REQUIRE(link.wait_connected(10s));

  test::MqttProbe ha(broker.port(), "ha", "homeassistant", "h-secret");
  ha.subscribe("homeassistant/device/+/config");
  const auto retained = ha.wait_for("homeassistant/device/stillroom_room-1/config");
  REQUIRE(retained.has_value());
  CHECK(retained->retained);
  CHECK(retained->json()["cmps"]["state"]["p"] == "sensor");

  ha.clear();
  REQUIRE(ha.publish("homeassistant/status", "online").ok);
  const auto again = ha.wait_for("homeassistant/device/stillroom_room-1/config");
  REQUIRE(again.has_value());
  CHECK_FALSE(again->retained);  // a fresh publish, not the broker's copy

  // A button press from Home Assistant is an ordinary command from device `homeassistant`.
  ha.subscribe("stillroom/room-1/reply/homeassistant");
  const auto pause = again->json()["cmps"]["pause"];
  REQUIRE(ha.publish(pause["command_topic"].get<std::string>(), press(pause, 7)).ok);
  const auto reply = ha.wait_for("stillroom/room-1/reply/homeassistant");
  REQUIRE(reply.has_value());
  CHECK(reply->json()["id"].get<std::string>().rfind("ha-pause-", 0) == 0);
  CHECK(reply->json()["error"] == "'pause' needs state running (the room is idle)");

  ha.clear();
  link.remove_discovery();
  const auto removed = ha.wait_for("homeassistant/device/stillroom_room-1/config");
  REQUIRE(removed.has_value());
  CHECK(removed->payload.empty());
  test::MqttProbe later(broker.port(), "ha2", "homeassistant", "h-secret");
  later.subscribe("homeassistant/device/+/config");
  // Retained messages come right after the subscription, before anything published later on it: once this
  // marker is back, a retained discovery message would have arrived.
  REQUIRE(later.publish("homeassistant/device/marker/config", "marker").ok);
  REQUIRE(later.wait_for("homeassistant/device/marker/config").has_value());
  CHECK(later.received("homeassistant/device/stillroom_room-1/config").empty());  // nothing retained any more
}
