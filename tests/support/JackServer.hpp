// JackServer: a private jackd (dummy backend, no real-time scheduling) for
// tests that need real-time pace and real underflow flags without a sound
// card. Started under the first free name of a small pool (JACK_DEFAULT_SERVER
// is set for this process), waited for with jack_wait, and always killed. The
// name stays this object's while it lives, the server down or not: a lock file
// per name keeps tests running in parallel off it.
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
  /** Takes the lock on pool name `slot` (without waiting); false if another live JackServer holds it. */
  bool claim(int slot);
  void release();

  std::string name_;
  int lock_fd_ = -1;
  int rate_;
  int period_;
  pid_t pid_ = -1;
};

}  // namespace stillroom::test
