#include "controller/Preflight.hpp"

#include "controller/TrackSurvey.hpp"
#include "playlists/Plan.hpp"

namespace stillroom::controller {

session::PreflightResult run_preflight(const session::PreflightJob& job, audio::LoudnessCache* cache) {
  session::PreflightResult result;
  config::Problems problems;
  const auto survey = survey_tracks(referenced_files(*job.playlist), true, cache, problems);
  result.durations = survey.durations;
  for (const auto& [file, why] : survey.failures) result.problems.push_back("'" + file + "': " + why);

  plan::PlanInput input;
  input.room = &job.library->room;
  input.protocol = job.protocol;
  input.playlist = job.playlist;
  input.client = job.client;
  input.shuffle_seed = job.shuffle_seed;
  input.start_at = job.protocol->phases.empty() ? config::Millis{0} : job.protocol->phases.front().start;
  input.durations = result.durations;
  const auto plan = plan::make_plan(input);
  for (const auto& flag : plan.flags)
    if (flag.kind == plan::Flag::Kind::NoMusic) result.problems.push_back(flag.message);
  if (job.protocol->phases.empty()) result.problems.push_back("protocol '" + job.protocol->id + "' has no phases");
  return result;
}

}  // namespace stillroom::controller
