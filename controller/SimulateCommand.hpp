// SimulateCommand: `stillroom simulate` — a whole session on a virtual clock,
// rendered to a file as fast as the CPU allows: the same session core as the
// daemon, the offline renderer instead of the sound card, and the therapist's
// commands from an events file at dose-relative times. Prints the event log
// with dose-relative times, and a progress bar when stderr is a terminal.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

namespace stillroom::controller {

struct SimulateOptions {
  std::string room_file;
  std::string client;
  std::string protocol;
  std::string playlist;
  int session = 0;
  /** The dose as entered; absent: the series' suggestion for `session`, else the protocol's lowest. */
  std::optional<double> dose_mg;
  std::string events_file;
  std::string out_file;
  bool progress = true;
};

/** 0 rendered, 1 a problem (configuration, preflight, events file, writing). */
int run_simulate(const SimulateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace stillroom::controller
