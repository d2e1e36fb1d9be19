// Backoff: the delays between reconnect attempts — doubling from `first` up to
// `cap`, back to `first` once connected. Pure. The cap is kept short (500 ms by
// default) because the broker is local: the room must be back online within
// 2 s of the broker returning, and a refused loopback connect costs nothing.
#pragma once

#include "config/Duration.hpp"

namespace stillroom::room {

class Backoff {
 public:
  Backoff(config::Millis first, config::Millis cap) noexcept;

  /** The delay before the next attempt; each call doubles the following one, up to the cap. */
  [[nodiscard]] config::Millis next() noexcept;
  void reset() noexcept { current_ = first_; }

 private:
  config::Millis first_;
  config::Millis cap_;
  config::Millis current_;
};

}  // namespace stillroom::room
