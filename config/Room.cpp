#include "config/Room.hpp"

namespace stillroom::config {

const std::vector<std::string>& all_commands() {
  static const std::vector<std::string> commands = {
      "preload", "enter_dose", "start", "dose", "pause", "resume", "talk", "volume", "skip",
      "alternate", "booster", "ack", "vitals", "stop", "emergency", "clear", "history", "observe",
      "ready_to_leave", "discharge", "sign", "addendum", "summary"};
  return commands;
}

}  // namespace stillroom::config
