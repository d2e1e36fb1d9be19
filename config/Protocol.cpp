#include "config/Protocol.hpp"

namespace stillroom::config {

int Protocol::phase_index(const std::string& phase_name) const noexcept {
  for (std::size_t i = 0; i < phases.size(); ++i)
    if (phases[i].name == phase_name) return static_cast<int>(i);
  return -1;
}

}  // namespace stillroom::config
