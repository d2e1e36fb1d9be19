// Lights absent or not following, through the real `stillroom run`: two
// zigbee2mqtt lights, one that never reports its state and one that reports the
// wrong level. Each raises `light_not_following` with its own id once
// lights.follow_timeout has passed; the session goes on; each fault clears when
// its light reports the level it was sent. The bridge is a real MQTT client on
// the real broker, as zigbee2mqtt's own user.
#include "record/RecordReader.hpp"
#include "daemon/DaemonRoom.hpp"

using namespace stillroom;
using namespace stillroom::test;

namespace {

using steady = std::chrono::steady_clock;

/** The first `set` the bridge received for `light`, and the last one so far. */
std::pair<ProbeMessage, ProbeMessage> sets(const MqttProbe& bridge, const std::string& light) {
  const auto all = bridge.received("zigbee2mqtt/" + light + "/set");
  REQUIRE_MESSAGE(!all.empty(), "no command for " << light);
  return {all.front(), all.back()};
}

/** The lights a state shows as not following, by id. */
std::vector<std::string> lights_at_fault(const json& state) {
  std::vector<std::string> ids;
  for (const auto& f : state["faults"])
    if (f["code"] == "light_not_following") ids.push_back(f["subject"]);
  return ids;
}

}  // namespace

TEST_CASE("a light that never reports and one that reports the wrong level: faults by id, the session goes on, both clear") {
  DaemonRoom room(false);
  room.edit_room("lights:\n", "lights:\n  follow_timeout: 2s\n");
  room.edit_room("    - { id: ceiling, kind: zigbee2mqtt, topic: zigbee2mqtt/ceiling }\n",
                 "    - { id: ceiling, kind: zigbee2mqtt, topic: zigbee2mqtt/ceiling }\n"
                 "    - { id: lamp, kind: zigbee2mqtt, topic: zigbee2mqtt/lamp }\n");
  MqttProbe bridge(room.broker().port(), "zigbee2mqtt-bridge", "zigbee2mqtt", "z-secret");
  bridge.subscribe("zigbee2mqtt/+/set");
  room.start();
  (void)room.begin_session("c-7");  // onset: the dim scene (20 %) over 2 s

  // The lamp answers its first command with full brightness and stays there; the ceiling says nothing.
  REQUIRE(bridge.wait_for("zigbee2mqtt/lamp/set", nullptr, 10s).has_value());
  REQUIRE(bridge.publish("zigbee2mqtt/lamp", R"({"state":"ON","brightness":254})").ok);

  const auto fault_for = [&](const std::string& light) {
    const auto m = room.tablet->wait_for("stillroom/room-1/events", [&](const ProbeMessage& msg) {
      const auto e = msg.json();
      return e["type"] == "fault" && e["code"] == "light_not_following" && e["subject"] == light;
    }, 15s);
    REQUIRE_MESSAGE(m.has_value(), room.log());
    return *m;
  };
  const auto ceiling_fault = fault_for("ceiling");
  const auto lamp_fault = fault_for("lamp");
  CHECK(ceiling_fault.json()["message"].get<std::string>().find("light 'ceiling' has not reached 20 %") != std::string::npos);
  CHECK(ceiling_fault.json()["message"].get<std::string>().find("no state reported") != std::string::npos);
  CHECK(lamp_fault.json()["message"].get<std::string>().find("it reports 100 %") != std::string::npos);
  // Raised once follow_timeout (2 s) has passed since the last command was due: the fade's last step.
  for (const auto& [light, fault] : {std::pair{std::string("ceiling"), ceiling_fault}, std::pair{std::string("lamp"), lamp_fault}}) {
    const auto [first, last] = sets(bridge, light);
    const double after_last = std::chrono::duration<double>(fault.arrived - last.arrived).count();
    const double after_first = std::chrono::duration<double>(fault.arrived - first.arrived).count();
    MESSAGE(light << ": fault " << after_first << " s after its first command, " << after_last << " s after its last");
    CHECK(after_last >= 1.9);
    CHECK(after_last <= 3.0);
  }

  // The session goes on: the dose clock runs, commands are answered, the state shows both faults.
  const auto both = room.tablet->wait_for("stillroom/room-1/state", [&](const ProbeMessage& m) {
    const auto s = m.json();
    return m.order > lamp_fault.order && lights_at_fault(s).size() == 2;
  }, 8s);
  REQUIRE(both.has_value());
  CHECK(both->json()["state"] == "running");
  CHECK(room.command("during", {{"cmd", "volume"}, {"db", -8}})["ok"] == true);
  const double dose_then = both->json()["since_dose_s"].get<double>();
  CHECK(room.tablet->wait_for("stillroom/room-1/state", [&](const ProbeMessage& m) {
    const auto s = m.json();
    return s["state"] == "running" && s["since_dose_s"].get<double>() > dose_then + 1.0;
  }, 8s).has_value());

  // Catching up: each light reports the level it was last sent; its fault clears, the other's stays.
  const auto catch_up = [&](const std::string& light) {
    const auto [first, last] = sets(bridge, light);
    const int brightness = last.json()["brightness"].get<int>();
    REQUIRE(bridge.publish("zigbee2mqtt/" + light, json({{"state", "ON"}, {"brightness", brightness}}).dump()).ok);
    const auto cleared = room.event("fault_cleared", 5s, [&](const json& e) {
      return e["code"] == "light_not_following" && e["subject"] == light;
    });
    REQUIRE_MESSAGE(cleared.has_value(), room.log());
  };
  catch_up("lamp");
  const auto one_left = room.tablet->wait_for("stillroom/room-1/state", [&](const ProbeMessage& m) {
    return lights_at_fault(m.json()).size() == 1;
  }, 8s);
  REQUIRE(one_left.has_value());
  CHECK(lights_at_fault(one_left->json()) == std::vector<std::string>{"ceiling"});
  catch_up("ceiling");
  const auto none_left = room.tablet->wait_for("stillroom/room-1/state", [&](const ProbeMessage& m) {
    return m.order > one_left->order && lights_at_fault(m.json()).empty();
  }, 8s);
  REQUIRE(none_left.has_value());
  CHECK(none_left->json()["state"] == "running");
  CHECK(room.terminate() == 0);

  // On file: both faults and both clearances, in a chain that verifies.
  record::RecordReader reader(room.record());
  CHECK(reader.verify().problem == record::VerifyResult::Problem::None);
  int raised = 0, cleared = 0;
  for (const auto& e : reader.events_after(0, 10000)) {
    if (e.type == "fault" && e.payload.find("light_not_following") != std::string::npos) ++raised;
    if (e.type == "fault_cleared" && e.payload.find("light_not_following") != std::string::npos) ++cleared;
  }
  CHECK(raised == 2);
  CHECK(cleared == 2);
}
