// TrackSurvey: every audio file a library refers to, looked at once — its
// length for the plan, and (deep) whether every frame decodes and, in the same
// pass, what its loudness is, measured into the loudness cache. Shared by
// `stillroom check` (read-only), `stillroom cache`, `stillroom plan`,
// `simulate` and the preflight before a session is ready.
// Runs on the caller's thread plus worker threads (one per core); I/O only.
#pragma once

#include "audio/LoudnessCache.hpp"
#include "config/Library.hpp"
#include "config/Problems.hpp"

#include <map>
#include <string>
#include <vector>

namespace stillroom::controller {

struct TrackSurvey {
  /** Full length of every file that could be opened, by absolute path. */
  std::map<std::string, config::Millis> durations;
  /** Files that failed, with the reason. */
  std::map<std::string, std::string> failures;
  /** Files decoded and measured into the cache by this survey (the rest were known or failed). */
  std::size_t measured = 0;
};

/** Every audio file named by the playlists, each with the first place that names it. */
[[nodiscard]] std::map<std::string, config::SourceMark> referenced_files(const config::Library& library);

/** Only the files of one playlist. */
[[nodiscard]] std::map<std::string, config::SourceMark> referenced_files(const config::Playlist& playlist);

/**
 * Probes each file's header; with `deep`, also decodes every frame, unless
 * `cache` holds a verified entry for the unchanged file. When `cache` writes
 * (LoudnessCache::writes), the same pass measures the loudness into it; a
 * read-only cache or none writes nothing. Each failure becomes an error at the
 * place that names the file.
 */
[[nodiscard]] TrackSurvey survey_tracks(const std::map<std::string, config::SourceMark>& files, bool deep,
                                        audio::LoudnessCache* cache, config::Problems& problems);

/**
 * Plans every pairing a clinic will use — each client's protocol and playlist
 * (and those of its series), and each playlist with every protocol whose
 * phases it was written for — and reports what the plan flags (lyrics where a
 * phase forbids them, a phase with no music, a list that runs out) as warnings.
 */
void check_pairings(const config::Library& library, const TrackSurvey& survey, config::Problems& problems);

}  // namespace stillroom::controller
