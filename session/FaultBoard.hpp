// FaultBoard: the faults the therapist must see (audio underrun, device lost,
// light not following, broker reconnect, record problems), keyed by code and
// subject, with the transitions that become `fault` / `fault_cleared` events.
// Pure and single-threaded: the controller owns one and feeds it.
#pragma once

#include "session/RoomState.hpp"

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace stillroom::session {

class FaultBoard {
 public:
  /** Raises a fault; true when it was not active (emit a `fault` event), false when only the message changed. */
  bool raise(const std::string& code, const std::string& subject, const std::string& message,
             std::chrono::system_clock::time_point now);
  /** Clears a fault; true when it was active (emit `fault_cleared`). */
  bool clear(const std::string& code, const std::string& subject = {});
  /** Clears every fault with this code (all subjects); returns the ones cleared. */
  std::vector<FaultInfo> clear_all(const std::string& code);

  [[nodiscard]] bool active(const std::string& code, const std::string& subject = {}) const;
  /** Active faults, oldest first (what `state.faults` shows). */
  [[nodiscard]] std::vector<FaultInfo> list() const;
  [[nodiscard]] bool empty() const noexcept { return faults_.empty(); }

 private:
  /** By (code, subject). */
  std::map<std::pair<std::string, std::string>, FaultInfo> faults_;
};

}  // namespace stillroom::session
