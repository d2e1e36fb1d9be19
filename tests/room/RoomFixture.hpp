// RoomFixture: the room configuration the room tests share — a panel, a
// tablet, an observer and Home Assistant as devices, with the roles of the
// example room.
#pragma once

#include "config/Room.hpp"

namespace stillroom::test {

inline config::Room test_room() {
  config::Room room;
  room.id = "room-1";
  room.name = "Room 1";
  room.mqtt.host = "127.0.0.1";
  room.mqtt.topic_prefix = "stillroom";
  room.mqtt.max_payload = 4096;
  room.mqtt.username = "controller";
  room.mqtt.keepalive = std::chrono::seconds(5);
  room.audio.max_volume_db = 0.0;
  room.devices["panel-1"] = {"panel-1", "panel", {}};
  room.devices["tablet-1"] = {"tablet-1", "tablet", {}};
  room.devices["observer-1"] = {"observer-1", "observer", {}};
  room.devices["homeassistant"] = {"homeassistant", "panel", {}};
  room.roles["panel"] = {"start", "pause", "resume", "talk", "stop", "emergency", "ack"};
  room.roles["tablet"] = {"all"};
  room.roles["observer"] = {};
  return room;
}

}  // namespace stillroom::test
