// MqttMessage: one message to publish, as the pure builders (lights, discovery)
// return it and RoomLink sends it.
#pragma once

#include <string>

namespace stillroom::room {

struct MqttMessage {
  /** Absolute topic. */
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retained = false;

  friend bool operator==(const MqttMessage&, const MqttMessage&) = default;
};

}  // namespace stillroom::room
