// Daemon: `stillroom run` — the room's controller process. It wires the real
// parts around the session core: the MQTT link, the audio engine (PortAudio,
// or the null output when the box has no sound card), the lights, and the
// clinical record on its own writer thread. Each input is decided and acted on
// at once on the controller thread (light and music first), then recorded in
// order; a command is answered `ok` only once its events are durable. After a
// crash or a power cut it restores the session from the record through the same
// apply the live session uses, and the music resumes where the dose clock is.
//
// Threads: the controller thread (run()) owns the session and the lights; the
// record writer owns the record and its forwarder; Paho's, the engine's, the
// preflight worker's, the heartbeat's and the signal thread's calls are posted
// to the controller's Inbox. An exception escaping any of them is fatal: it is
// logged, raised as the `fatal` fault, and the process exits 70 so systemd
// restarts the room. systemd: READY=1 once online, WATCHDOG=1 from the loop,
// STOPPING=1.
#pragma once

#include "config/Library.hpp"

#include <memory>
#include <string>

namespace stillroom::controller {

class Log;

struct DaemonOptions {
  /** Password instead of mqtt.password_file (tests). */
  std::string mqtt_password;
  /** Where the daemon's log lines go (required). */
  Log* log = nullptr;
};

class Daemon {
 public:
  Daemon(const config::Library& library, DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  /** Runs until stop() or a fatal fault; returns the process exit code (0, or 70 after a fatal fault). */
  int run();
  /** Any thread (and the signal thread): an orderly stop. */
  void stop();
  /** Any thread: something failed that the room cannot run on; logged, raised, and the process ends with 70. */
  void fatal(const std::string& thread, const std::string& what);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stillroom::controller
