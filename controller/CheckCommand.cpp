#include "controller/CheckCommand.hpp"

#include "controller/TrackSurvey.hpp"

#include <ostream>

namespace stillroom::controller {

int run_check(const CheckOptions& options, std::ostream& out, std::ostream&) {
  config::Problems problems;
  const auto library = config::load_library(options.room_file, problems);
  // Read-only: cached entries spare decoding files known to be good; nothing is written.
  audio::LoudnessCache cache(library.room.audio.loudness_cache, library.room.audio.channels,
                             audio::LoudnessCache::Access::ReadOnly);
  const auto survey = survey_tracks(referenced_files(library), true, &cache, problems);
  check_pairings(library, survey, problems);
  problems.print(out);
  return problems.empty() ? 0 : 1;
}

}  // namespace stillroom::controller
