#include "room/Backoff.hpp"

#include <algorithm>

namespace stillroom::room {

Backoff::Backoff(config::Millis first, config::Millis cap) noexcept
    : first_(std::max(first, config::Millis{1})), cap_(std::max(cap, first_)), current_(first_) {}

config::Millis Backoff::next() noexcept {
  const config::Millis delay = current_;
  current_ = std::min(current_ * 2, cap_);
  return delay;
}

}  // namespace stillroom::room
