#include "room/Discovery.hpp"

#include "session/Command.hpp"

#include <nlohmann/json.hpp>

namespace stillroom::room {
namespace {

using nlohmann::ordered_json;

std::string object_id(const std::string& room_id) {
  std::string id = "stillroom_";
  for (const char c : room_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    id += ok ? c : '_';
  }
  return id;
}

struct Button {
  const char* key;
  const char* name;
  session::CommandKind kind;
  const char* extra;  // JSON members after "cmd", or ""
  const char* icon;
};

/** Commands that need no argument a button could not know. */
constexpr Button buttons[] = {
    {"start", "Start session", session::CommandKind::Start, "", "mdi:play-circle-outline"},
    {"pause", "Pause", session::CommandKind::Pause, "", "mdi:pause"},
    {"resume", "Resume", session::CommandKind::Resume, "", "mdi:play"},
    {"talk_on", "Talk", session::CommandKind::Talk, R"(,"on":true)", "mdi:account-voice"},
    {"talk_off", "Talk off", session::CommandKind::Talk, R"(,"on":false)", "mdi:music"},
    {"skip", "Skip track", session::CommandKind::Skip, "", "mdi:skip-next"},
    {"alternate", "Alternate track", session::CommandKind::Alternate, "", "mdi:swap-horizontal"},
    {"stop", "Stop session", session::CommandKind::Stop, "", "mdi:stop"},
    {"emergency", "Emergency light", session::CommandKind::Emergency, "", "mdi:alarm-light"},
    {"clear", "Clear", session::CommandKind::Clear, "", "mdi:broom"},
};

bool role_allows(const config::Room& room, const std::string& role, session::CommandKind kind) {
  const auto it = room.roles.find(role);
  return it != room.roles.end() && (it->second.count("all") > 0 || it->second.count(to_string(kind)) > 0);
}

ordered_json sensor(const std::string& uid, const char* name, const std::string& state_topic, const char* tpl,
                    const char* icon) {
  ordered_json c;
  c["p"] = "sensor";
  c["name"] = name;
  c["uniq_id"] = uid;
  c["state_topic"] = state_topic;
  c["value_template"] = tpl;
  c["icon"] = icon;
  return c;
}

}  // namespace

std::string discovery_topic(const config::Room& room) {
  if (room.mqtt.discovery_prefix.empty()) return {};
  return room.mqtt.discovery_prefix + "/device/" + object_id(room.id) + "/config";
}

MqttMessage make_discovery(const config::Room& room, const Topics& topics, const std::string& version) {
  const std::string topic = discovery_topic(room);
  if (topic.empty()) return {};
  const std::string id = object_id(room.id);
  const std::string state = topics.state();

  ordered_json payload;
  payload["dev"] = {{"ids", ordered_json::array({id})},
                    {"name", room.name.empty() ? room.id : room.name},
                    {"mf", "stillroom"},
                    {"mdl", "Treatment room controller"},
                    {"sw", version}};
  payload["o"] = {{"name", "stillroom"}, {"sw", version}};
  payload["availability_topic"] = topics.status();
  payload["payload_available"] = "online";
  payload["payload_not_available"] = "offline";
  payload["qos"] = 1;

  ordered_json cmps;
  cmps["state"] = sensor(id + "_state", "Session state", state, "{{ value_json.state }}", "mdi:meditation");
  cmps["phase"] = sensor(id + "_phase", "Phase", state, "{{ value_json.phase if value_json.phase else 'none' }}",
                         "mdi:chart-timeline-variant");
  auto since = sensor(id + "_since_dose", "Time since dose", state,
                      "{{ (value_json.since_dose_s / 60) | round(1) if value_json.since_dose_s is not none else none }}",
                      "mdi:timer-outline");
  since["unit_of_measurement"] = "min";
  since["device_class"] = "duration";
  cmps["since_dose"] = std::move(since);
  cmps["next_reminder"] = sensor(
      id + "_next_reminder", "Next reminder", state,
      "{{ value_json.next_reminder.text ~ ' (+' ~ ((value_json.next_reminder.at_s / 60) | round(0) | int) ~ ' min)' "
      "if value_json.next_reminder else 'none' }}",
      "mdi:bell-outline");
  cmps["track"] = sensor(id + "_track", "Track", state, "{{ value_json.track.title if value_json.track else 'none' }}",
                         "mdi:music-note");
  cmps["faults"] = sensor(id + "_faults", "Faults", state, "{{ value_json.faults | count }}", "mdi:alert-circle-outline");

  const auto device = room.devices.find(discovery_device_user);
  if (device != room.devices.end()) {
    const std::string command_topic = topics.command(discovery_device_user);
    for (const auto& b : buttons) {
      if (!role_allows(room, device->second.role, b.kind)) continue;
      ordered_json c;
      c["p"] = "button";
      c["name"] = b.name;
      c["uniq_id"] = id + "_" + b.key;
      c["command_topic"] = command_topic;
      // Every press is a new command: the room answers a repeated (device, id) with its first reply and does
      // nothing, so each press carries its own id and the time it was sent.
      c["command_template"] = std::string(R"({"id":"ha-)") + b.key + R"(-{{ now().timestamp() | round(3) }}","cmd":")" +
                              to_string(b.kind) + "\"" + b.extra + R"(,"sent_at":"{{ now().isoformat() }}"})";
      c["icon"] = b.icon;
      cmps[b.key] = std::move(c);
    }
  }
  payload["cmps"] = std::move(cmps);
  return MqttMessage{topic, payload.dump(), 1, true};
}

MqttMessage make_discovery_removal(const config::Room& room) { return MqttMessage{discovery_topic(room), "", 1, true}; }

}  // namespace stillroom::room
