// PlanCommand: `stillroom plan` — the plan of one client's session on the dose
// clock, as a table or JSON, with optional boosters to see how they move the
// phases. Reads headers of audio files only (lengths), never plays anything.
#pragma once

#include "config/Duration.hpp"

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace stillroom::controller {

struct PlanOptions {
  std::string room_file;
  std::string client;
  std::string protocol;
  std::string playlist;
  /** Session number in the client's series (0: the client's defaults). */
  int session = 0;
  std::vector<std::string> boosters;
  /** Dose time the session starts ("" = the first phase's start). */
  std::string start;
  std::uint64_t seed = 1;
  std::string format = "table";
};

/** 0 printed, 1 the configuration or the request has a problem. */
int run_plan(const PlanOptions& options, std::ostream& out, std::ostream& err);

}  // namespace stillroom::controller
