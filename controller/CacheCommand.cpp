#include "controller/CacheCommand.hpp"

#include "controller/TrackSurvey.hpp"

#include <ostream>

namespace stillroom::controller {

int run_cache(const CacheOptions& options, std::ostream& out, std::ostream& err) {
  config::Problems problems;
  const auto library = config::load_library(options.room_file, problems);
  if (problems.has_errors()) {
    problems.print(err);
    return 1;
  }
  const auto& audio = library.room.audio;
  if (audio.loudness_cache.empty()) {
    err << options.room_file << ": audio.loudness_cache is not set: there is no cache to fill\n";
    return 1;
  }
  audio::LoudnessCache cache(audio.loudness_cache, audio.channels);
  const auto files = referenced_files(library);
  const auto survey = survey_tracks(files, true, &cache, problems);
  problems.print(err);
  const std::size_t known = survey.durations.size() - survey.measured;
  out << "loudness cache " << audio.loudness_cache << ": " << survey.measured << " measured, " << known
      << " already known, " << survey.failures.size() << " failed (" << files.size() << " files)\n";
  return survey.failures.empty() && !problems.has_errors() ? 0 : 1;
}

}  // namespace stillroom::controller
