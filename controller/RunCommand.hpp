// RunCommand: `stillroom run` — refuses root unless allowed, loads the room,
// takes the room's lock (one controller per room and record), checks that its
// secrets are not readable by other users, and runs the daemon until SIGTERM or
// SIGINT (an orderly stop: `offline` published, audio faded).
#pragma once

#include <iosfwd>
#include <string>

namespace stillroom::controller {

struct RunOptions {
  std::string room_file;
  /** Info lines on the console too (under systemd everything goes to the journal anyway). */
  bool verbose = false;
  /** Run even as root (tests and CI containers run as root; a room box runs the controller as its own user). */
  bool allow_root = false;
};

int run_daemon(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace stillroom::controller
