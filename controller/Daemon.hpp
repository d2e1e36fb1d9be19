// Daemon: `stillroom run` — the room's controller process. It wires the real
// parts around the session core: the clinical record (SQLite) and its
// forwarder, the audio engine (PortAudio, or the null output when the box has
// no sound card), the MQTT link, the lights. After a crash or a power cut it
// restores the running session from the record and the music resumes where the
// dose clock is.
//
// Threads: the controller thread (run()) owns the session, the record, the
// lights and the forwarder and is the only one to touch them; Paho's, the
// engine's, the preflight worker's and the signal thread's calls are posted to
// its Inbox. systemd: READY=1 once online, WATCHDOG=1 from the loop, STOPPING=1.
#pragma once

#include "config/Library.hpp"

#include <atomic>
#include <functional>
#include <iosfwd>
#include <memory>
#include <string>

namespace stillroom::controller {

struct DaemonOptions {
  /** Password instead of mqtt.password_file (tests). */
  std::string mqtt_password;
  /** Where the daemon's log lines go. */
  std::ostream* log = nullptr;
};

class Daemon {
 public:
  Daemon(const config::Library& library, DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  /** Runs until stop() or SIGTERM/SIGINT; returns the process exit code. */
  int run();
  /** Any thread (and the signal thread): an orderly stop. */
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stillroom::controller
