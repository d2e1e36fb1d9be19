#include "config/Room.hpp"

namespace stillroom::config {

const std::vector<std::string>& all_commands() {
  static const std::vector<std::string> commands = {
      "preload", "start", "pause", "resume", "talk", "volume", "skip", "alternate",
      "booster", "ack",   "vitals", "stop", "emergency", "clear"};
  return commands;
}

}  // namespace stillroom::config
