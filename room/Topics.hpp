// Topics: the room's topic names under "<prefix>/<room>/" and the parsing of a
// command topic back into the sending device. Pure; no MQTT.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stillroom::room {

class Topics {
 public:
  Topics(std::string prefix, std::string room_id);

  /** "<prefix>/<room>" */
  [[nodiscard]] const std::string& base() const noexcept { return base_; }
  /** "<prefix>/<room>/<sub>" */
  [[nodiscard]] std::string at(std::string_view sub) const;

  [[nodiscard]] std::string status() const { return at("status"); }
  [[nodiscard]] std::string state() const { return at("state"); }
  [[nodiscard]] std::string events() const { return at("events"); }
  [[nodiscard]] std::string stats() const { return at("stats"); }
  /** "<prefix>/<room>/cmd/+": every device's command topic. */
  [[nodiscard]] std::string commands_filter() const { return at("cmd/+"); }
  [[nodiscard]] std::string command(std::string_view device) const;
  [[nodiscard]] std::string reply(std::string_view device) const;

  /** The device of a command topic ("<base>/cmd/<device>"), or nullopt for any other topic. */
  [[nodiscard]] std::optional<std::string> command_device(std::string_view topic) const;

 private:
  std::string base_;
};

/** True when `filter` (with + and # wildcards) matches `topic`. */
[[nodiscard]] bool topic_matches(std::string_view filter, std::string_view topic) noexcept;

}  // namespace stillroom::room
