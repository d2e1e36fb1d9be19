// Discovery: the room as one Home Assistant device (MQTT device discovery,
// Home Assistant 2024.11 and later): sensors read the retained state, buttons
// send commands as the device user `homeassistant`, whose role in the room file
// decides which buttons exist. Pure message builders; RoomLink publishes them.
#pragma once

#include "config/Room.hpp"
#include "room/MqttMessage.hpp"
#include "room/Topics.hpp"

#include <string>

namespace stillroom::room {

/** The MQTT user (and room device id) Home Assistant's buttons command as. */
inline constexpr const char* discovery_device_user = "homeassistant";

/** "<discovery_prefix>/device/stillroom_<room>/config" (room id reduced to [A-Za-z0-9_-]). */
[[nodiscard]] std::string discovery_topic(const config::Room& room);

/** The retained discovery message (empty topic when discovery is disabled). */
[[nodiscard]] MqttMessage make_discovery(const config::Room& room, const Topics& topics, const std::string& version);

/** The empty retained message that removes the device from Home Assistant. */
[[nodiscard]] MqttMessage make_discovery_removal(const config::Room& room);

}  // namespace stillroom::room
