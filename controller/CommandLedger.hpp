// CommandLedger: the commands this room has answered, by (device, id). QoS 1
// redelivers, and a tablet retries when its reply is lost: a command already
// answered is answered again with its first reply and changes nothing. The
// answers are stored with their events in the record (table `answered`), so the
// ledger survives a restart; it remembers the last 24 hours. Controller thread.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace stillroom::controller {

class CommandLedger {
 public:
  static constexpr std::chrono::hours kMemory{24};

  /** The first reply (JSON text) to (device, id), if it was answered. */
  [[nodiscard]] std::optional<std::string> find(const std::string& device, const std::string& id) const;
  /** Remembers the reply to (device, id) (the first one stays). */
  void remember(const std::string& device, const std::string& id, std::string reply,
                std::chrono::system_clock::time_point at);
  /** Forgets answers older than kMemory before `now`. */
  void prune(std::chrono::system_clock::time_point now);
  [[nodiscard]] std::size_t size() const noexcept { return replies_.size(); }

 private:
  struct Entry {
    std::string reply;
    std::chrono::system_clock::time_point at;
  };
  std::map<std::pair<std::string, std::string>, Entry> replies_;
};

}  // namespace stillroom::controller
