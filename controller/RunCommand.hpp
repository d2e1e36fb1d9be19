// RunCommand: `stillroom run` — loads the room and runs the daemon until
// SIGTERM or SIGINT (an orderly stop: `offline` published, audio faded).
#pragma once

#include <iosfwd>
#include <string>

namespace stillroom::controller {

struct RunOptions {
  std::string room_file;
  /** Info lines on the console too (under systemd everything goes to the journal anyway). */
  bool verbose = false;
};

int run_daemon(const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace stillroom::controller
