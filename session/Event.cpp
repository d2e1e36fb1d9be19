#include "session/Event.hpp"

namespace stillroom::session {

std::string_view type_name(const Event& event) noexcept {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kType; }, event);
}

bool is_recorded(const Event& event) noexcept {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kRecorded; }, event);
}

bool needs_session(const Event& event) noexcept {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::kInSession; }, event);
}

}  // namespace stillroom::session
