#include "controller/CommandLedger.hpp"

namespace stillroom::controller {

std::optional<std::string> CommandLedger::find(const std::string& device, const std::string& id) const {
  const auto it = replies_.find({device, id});
  if (it == replies_.end()) return std::nullopt;
  return it->second.reply;
}

void CommandLedger::remember(const std::string& device, const std::string& id, std::string reply,
                             std::chrono::system_clock::time_point at) {
  replies_.emplace(std::make_pair(device, id), Entry{std::move(reply), at});
}

void CommandLedger::prune(std::chrono::system_clock::time_point now) {
  for (auto it = replies_.begin(); it != replies_.end();) {
    if (now - it->second.at > kMemory) it = replies_.erase(it);
    else ++it;
  }
}

}  // namespace stillroom::controller
