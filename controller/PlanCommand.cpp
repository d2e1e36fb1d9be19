#include "controller/PlanCommand.hpp"

#include "controller/PlanReport.hpp"
#include "session/SessionChoice.hpp"
#include "controller/TrackSurvey.hpp"
#include "playlists/Plan.hpp"

#include <ostream>

namespace stillroom::controller {

using session::choose_session;

int run_plan(const PlanOptions& options, std::ostream& out, std::ostream& err) {
  config::Problems problems;
  const auto library = config::load_library(options.room_file, problems);
  if (problems.has_errors()) {
    problems.print(err);
    return 1;
  }
  std::string error;
  const auto choice = choose_session(library, options.client, options.protocol, options.playlist, options.session, error);
  if (!choice) {
    err << "stillroom plan: " << error << '\n';
    return 1;
  }

  plan::PlanInput input;
  input.room = &library.room;
  input.protocol = choice->protocol;
  input.playlist = choice->playlist;
  input.client = choice->client;
  input.shuffle_seed = options.seed;
  input.start_at = choice->protocol->phases.empty() ? config::Millis{0} : choice->protocol->phases.front().start;
  if (!options.start.empty()) {
    const auto start = config::parse_duration(options.start);
    if (!start) {
      err << "stillroom plan: --start expects a dose-relative time like -10m or 5m, got '" << options.start << "'\n";
      return 1;
    }
    input.start_at = *start;
  }
  for (const auto& text : options.boosters) {
    const auto at = config::parse_duration(text);
    if (!at) {
      err << "stillroom plan: --booster expects a time after the dose like 25m, got '" << text << "'\n";
      return 1;
    }
    input.events.push_back({plan::SessionEvent::Kind::Booster, *at, 0.0});
  }
  std::sort(input.events.begin(), input.events.end(), [](const auto& a, const auto& b) { return a.at < b.at; });

  config::Problems track_problems;
  input.durations = survey_tracks(referenced_files(*choice->playlist), false, nullptr, track_problems).durations;
  if (track_problems.has_errors()) {
    track_problems.print(err);
    return 1;
  }

  const auto result = plan::make_plan(input);
  const PlanHeading heading{choice->client->id, choice->protocol->id, choice->protocol->name, choice->protocol->route,
                            choice->playlist->id, options.session};
  if (options.format == "json") {
    out << plan_to_json(result, heading).dump(2) << '\n';
  } else {
    print_plan_table(out, result, heading);
  }
  return 0;
}

}  // namespace stillroom::controller
