// PlanReport: a plan as people read it (a table on the dose clock) and as
// programs read it (JSON). Pure formatting; used by `stillroom plan`.
#pragma once

#include "playlists/Plan.hpp"

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <string>

namespace stillroom::controller {

/** What the plan is for, printed above it. */
struct PlanHeading {
  std::string client;
  std::string protocol;
  std::string protocol_name;
  std::string route;
  std::string playlist;
  int session_number = 0;
};

/** A table, one line per thing that happens, in dose-clock order. */
void print_plan_table(std::ostream& out, const plan::Plan& plan, const PlanHeading& heading);

/** Everything in the plan, times in milliseconds on the dose clock. */
[[nodiscard]] nlohmann::json plan_to_json(const plan::Plan& plan, const PlanHeading& heading);

}  // namespace stillroom::controller
