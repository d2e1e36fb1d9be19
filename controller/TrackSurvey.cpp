#include "controller/TrackSurvey.hpp"

#include "audio/SoundFile.hpp"
#include "playlists/Plan.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

namespace stillroom::controller {
namespace {

void add_entries(const std::vector<config::Entry>& entries, std::map<std::string, config::SourceMark>& files) {
  for (const auto& e : entries)
    if (e.kind == config::Entry::Kind::Track && !e.file.empty()) files.emplace(e.file, e.where);
}

struct Outcome {
  std::optional<config::Millis> duration;
  std::string error;
  bool measured = false;
};

Outcome survey_one(const std::string& path, bool deep, audio::LoudnessCache* cache) {
  Outcome out;
  std::error_code ignored;
  if (!std::filesystem::exists(path, ignored)) return out;  // the loader reports missing files
  const auto info = audio::probe_sound_file(path, out.error);
  if (!info) return out;
  // A verified cache entry means this very file (same size and mtime) decoded in full before.
  const auto cached = deep && cache != nullptr ? cache->find(path) : std::nullopt;
  if (deep && !(cached && cached->verified)) {
    // One pass: every frame decoded, and the loudness measured on the way when the cache keeps it.
    const bool measure = cache != nullptr && cache->writes();
    const auto check = audio::check_sound_file(path, measure ? cache->out_channels() : 0);
    if (!check.ok) {
      out.error = check.error;
      return out;
    }
    if (measure && check.loudness) {
      std::string unwritten;  // an unwritable cache is measured again next time; the file is good
      (void)cache->store(path, *check.loudness, unwritten, true);
      out.measured = true;
    }
  }
  out.error.clear();
  out.duration = info->duration();
  return out;
}

}  // namespace

std::map<std::string, config::SourceMark> referenced_files(const config::Playlist& playlist) {
  std::map<std::string, config::SourceMark> files;
  for (const auto& phase : playlist.phases) {
    add_entries(phase.entries, files);
    add_entries(phase.alternates, files);
  }
  return files;
}

std::map<std::string, config::SourceMark> referenced_files(const config::Library& library) {
  std::map<std::string, config::SourceMark> files;
  for (const auto& [id, playlist] : library.playlists)
    for (auto& [file, where] : referenced_files(playlist)) files.emplace(file, where);
  return files;
}

TrackSurvey survey_tracks(const std::map<std::string, config::SourceMark>& files, bool deep,
                          audio::LoudnessCache* cache, config::Problems& problems) {
  const std::vector<std::pair<std::string, config::SourceMark>> work(files.begin(), files.end());
  std::vector<Outcome> outcomes(work.size());
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    for (std::size_t i = next++; i < work.size(); i = next++) outcomes[i] = survey_one(work[i].first, deep, cache);
  };
  const unsigned helpers = std::min<unsigned>(std::max(1U, std::thread::hardware_concurrency()), 8U) - 1;
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < helpers && i + 1 < work.size(); ++i) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  TrackSurvey survey;
  for (std::size_t i = 0; i < work.size(); ++i) {
    const auto& [file, where] = work[i];
    if (outcomes[i].measured) ++survey.measured;
    if (outcomes[i].duration) {
      survey.durations[file] = *outcomes[i].duration;
    } else if (outcomes[i].error.empty()) {
      survey.failures[file] = "no such file";
    } else {
      survey.failures[file] = outcomes[i].error;
      problems.error(where, "audio file '" + file + "': " + outcomes[i].error);
    }
  }
  return survey;
}

void check_pairings(const config::Library& library, const TrackSurvey& survey, config::Problems& problems) {
  struct Pairing {
    const config::Protocol* protocol;
    const config::Playlist* playlist;
    const config::Client* client;
  };
  std::vector<Pairing> pairings;
  std::set<std::pair<std::string, std::string>> seen;
  const auto add = [&](const std::string& protocol, const std::string& playlist, const config::Client* client) {
    const auto* pr = library.protocol(protocol);
    const auto* pl = library.playlist(playlist);
    if (pr == nullptr || pl == nullptr) return;  // the loader has reported the missing reference
    if (seen.emplace(protocol + "\n" + playlist + "\n" + (client ? client->id : ""), "").second)
      pairings.push_back({pr, pl, client});
  };
  for (const auto& [id, client] : library.clients) {
    add(client.protocol, client.playlist, &client);
    for (const auto& [number, step] : client.series)
      add(step.protocol.empty() ? client.protocol : step.protocol, step.playlist, &client);
  }
  for (const auto& [pl_id, playlist] : library.playlists) {
    for (const auto& [pr_id, protocol] : library.protocols) {
      const bool fits = !playlist.phases.empty() &&
                        std::all_of(playlist.phases.begin(), playlist.phases.end(),
                                    [&](const auto& m) { return protocol.phase_index(m.phase) >= 0; });
      if (fits) add(pr_id, pl_id, nullptr);
    }
  }

  // The same fact found with several protocols is one warning naming them all.
  std::map<std::pair<std::string, std::string>, std::pair<config::SourceMark, std::set<std::string>>> found;
  for (const auto& pairing : pairings) {
    plan::PlanInput input;
    input.room = &library.room;
    input.protocol = pairing.protocol;
    input.playlist = pairing.playlist;
    input.client = pairing.client;
    input.start_at = pairing.protocol->phases.empty() ? config::Millis{0} : pairing.protocol->phases.front().start;
    input.durations = survey.durations;
    for (const auto& flag : plan::make_plan(input).flags) {
      if (flag.kind == plan::Flag::Kind::MissingDuration) continue;  // the file's own error says why
      if (flag.kind == plan::Flag::Kind::NoMusic) {
        // Silent because its files failed (reported above), not because nobody chose music.
        const auto* music = pairing.playlist->music_for(flag.phase);
        if (music != nullptr && !music->entries.empty()) continue;
      }
      const auto where = flag.where.file.empty() ? pairing.playlist->where : flag.where;
      auto& slot = found[{where.str(), flag.message}];
      slot.first = where;
      slot.second.insert(pairing.protocol->id);
    }
  }
  for (const auto& [key, value] : found) {
    std::string protocols;
    for (const auto& id : value.second) protocols += (protocols.empty() ? "" : ", ") + id;
    problems.warning(value.first, key.second + " (with protocol" + (value.second.size() > 1 ? "s " : " ") + protocols + ")");
  }
}

}  // namespace stillroom::controller
