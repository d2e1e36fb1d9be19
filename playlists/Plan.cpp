#include "playlists/Plan.hpp"

namespace stillroom::plan {

Plan make_plan(const PlanInput&) { return {}; }

}  // namespace stillroom::plan
