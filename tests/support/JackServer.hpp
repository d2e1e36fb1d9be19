// JackServer: a private jackd (dummy backend, no real-time scheduling) for
// tests that need real-time pace and real underflow flags without a sound
// card. Started under the first free name of a small pool (JACK_DEFAULT_SERVER
// is set for this process), waited for with jack_wait, and always killed.
#pragma once

#include <string>
#include <sys/types.h>

namespace stillroom::test {

class JackServer {
 public:
  /** Starts jackd at `rate` with `period` frames; throws std::runtime_error if it is not up in 10 s. */
  explicit JackServer(int rate = 48000, int period = 1024);
  ~JackServer();
  JackServer(const JackServer&) = delete;
  JackServer& operator=(const JackServer&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  /** Kills the server now (a lost device). */
  void kill();
  /** SIGKILL: the server vanishes without a word, as a crashed or unplugged device does. */
  void crash();
  /** Starts the server again under the same name (after kill() or crash()); throws like the constructor. */
  void restart();
  [[nodiscard]] bool running() const noexcept { return pid_ > 0; }

 private:
  static constexpr int kSlots = 8;
  /** Starts jackd as name_ and waits for it; false if it exited first or was not up in 10 s. */
  bool try_launch();

  std::string name_;
  int rate_;
  int period_;
  pid_t pid_ = -1;
};

}  // namespace stillroom::test
