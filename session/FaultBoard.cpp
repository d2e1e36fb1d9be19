#include "session/FaultBoard.hpp"

#include <algorithm>

namespace stillroom::session {

bool FaultBoard::raise(const std::string& code, const std::string& subject, const std::string& message,
                       std::chrono::system_clock::time_point now) {
  auto [it, inserted] = faults_.try_emplace({code, subject}, FaultInfo{code, subject, message, now});
  if (!inserted) it->second.message = message;
  return inserted;
}

bool FaultBoard::clear(const std::string& code, const std::string& subject) {
  return faults_.erase({code, subject}) > 0;
}

std::vector<FaultInfo> FaultBoard::clear_all(const std::string& code) {
  std::vector<FaultInfo> cleared;
  for (auto it = faults_.begin(); it != faults_.end();) {
    if (it->first.first == code) {
      cleared.push_back(std::move(it->second));
      it = faults_.erase(it);
    } else {
      ++it;
    }
  }
  return cleared;
}

bool FaultBoard::active(const std::string& code, const std::string& subject) const {
  return faults_.count({code, subject}) > 0;
}

std::vector<FaultInfo> FaultBoard::list() const {
  std::vector<FaultInfo> out;
  out.reserve(faults_.size());
  for (const auto& [key, fault] : faults_) out.push_back(fault);
  std::stable_sort(out.begin(), out.end(), [](const FaultInfo& a, const FaultInfo& b) { return a.since < b.since; });
  return out;
}

}  // namespace stillroom::session
