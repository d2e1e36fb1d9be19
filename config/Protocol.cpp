#include "config/Protocol.hpp"

namespace stillroom::config {

Millis Protocol::reminder_due(const Reminder& reminder) const noexcept {
  switch (reminder.anchor) {
    case ReminderAnchor::Dose: return reminder.offset;
    case ReminderAnchor::SessionEnd: return session_end() + reminder.offset;
    case ReminderAnchor::MonitoringEnd: return monitoring_end + reminder.offset;
  }
  return reminder.offset;
}

int Protocol::phase_index(const std::string& phase_name) const noexcept {
  for (std::size_t i = 0; i < phases.size(); ++i)
    if (phases[i].name == phase_name) return static_cast<int>(i);
  return -1;
}

}  // namespace stillroom::config
