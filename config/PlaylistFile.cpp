#include "config/PlaylistFile.hpp"

#include "config/FileKind.hpp"
#include "config/FileList.hpp"
#include "config/M3u.hpp"
#include "config/MapReader.hpp"
#include "config/Scalars.hpp"
#include "config/Suggest.hpp"
#include "config/YamlFile.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace stillroom::config {
namespace {

using namespace std::chrono_literals;

/** What libsndfile decodes; anything else is probably a mistake (an .m3u among tracks, an .aac). */
const std::vector<std::string> audio_extensions = {".wav", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff"};

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool is_m3u(const std::string& path) {
  const auto ext = lower(std::filesystem::path(path).extension().string());
  return ext == ".m3u" || ext == ".m3u8";
}

/** Reports a missing or unusual audio file at `at`. */
void check_audio_file(Problems& problems, const SourceMark& at, const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    const auto dir = std::filesystem::path(path).parent_path();
    std::error_code dir_ec;
    if (!std::filesystem::is_directory(dir, dir_ec)) {
      problems.error(at, "audio file not found: " + display_path(path) + " (there is no directory " +
                             display_path(dir) + ")");
      return;
    }
    const auto near = nearest_sibling(path);
    problems.error(at, "audio file not found: " + display_path(path) +
                           (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    return;
  }
  if (!std::filesystem::is_regular_file(status)) {
    problems.error(at, "not a regular file: " + display_path(path));
    return;
  }
  const auto ext = lower(std::filesystem::path(path).extension().string());
  if (is_m3u(path))
    problems.error(at, "an M3U list cannot be played as a track: write it as '{ m3u: ... }'");
  else if (std::find(audio_extensions.begin(), audio_extensions.end(), ext) == audio_extensions.end())
    problems.warning(at, "'" + ext + "' is not a known audio format (WAV, FLAC, Ogg Vorbis, Opus, MP3, AIFF)");
}

/** Expands an M3U list into entries, reporting at the list's own lines. */
void expand_m3u(const Reader& r, const Value& v, std::vector<Entry>& entries) {
  const auto path = r.path(v);
  if (!path) return;
  std::string text;
  std::string reason;
  if (!read_text_file(*path, text, reason)) {
    const auto near = nearest_sibling(*path);
    r.error(v.at, "cannot read M3U list " + display_path(*path) + ": " + reason +
                      (near.empty() ? "" : " (did you mean '" + near + "'?)"));
    return;
  }
  const std::string shown = display_path(*path);
  const M3uList list = parse_m3u(text, std::filesystem::path(*path).parent_path());
  for (const auto& problem : list.problems) r.error({shown, problem.line, 1}, problem.message);
  if (list.items.empty() && list.problems.empty()) r.warning(v.at, "M3U list " + shown + " has no entries");
  for (const auto& item : list.items) {
    Entry e;
    e.kind = Entry::Kind::Track;
    e.file = item.path;
    e.title = item.title;
    e.artist = item.artist;
    e.where = {shown, item.line, 1};
    check_audio_file(r.problems(), e.where, e.file);
    entries.push_back(std::move(e));
  }
}

/** One item of `tracks:` or `alternates:`; an M3U item may add many entries. */
void read_entry(const Reader& r, const Value& v, std::vector<Entry>& entries) {
  if (v.node.IsScalar()) {  // shorthand: just the file
    Entry e;
    e.where = v.at;
    if (const auto path = r.path(v)) {
      e.file = *path;
      check_audio_file(r.problems(), v.at, e.file);
      entries.push_back(std::move(e));
    }
    return;
  }
  if (!v.node.IsMap()) {
    r.error(v.at, "expected a track ('file', 'silence' or 'm3u'), got " + Reader::describe(v.node));
    return;
  }
  const YAML::Node& node = v.node;
  const int kinds = (node["file"] ? 1 : 0) + (node["silence"] ? 1 : 0) + (node["m3u"] ? 1 : 0);
  if (kinds != 1) {
    if (kinds == 0)  // most likely a misspelt key: let the key check suggest the right one
      (void)MapReader(r, v, "track", {"file", "silence", "m3u", "title", "artist", "trim_start", "trim_end", "gain_db", "lyrics"});
    r.error(v.at, kinds == 0 ? "a track needs one of 'file', 'silence' or 'm3u'"
                             : "a track has exactly one of 'file', 'silence' or 'm3u'");
    return;
  }
  if (node["m3u"]) {
    const MapReader m(r, v, "M3U entry", {"m3u"});
    expand_m3u(r, m.get("m3u"), entries);
    return;
  }
  Entry e;
  e.where = v.at;
  if (node["silence"]) {
    const MapReader m(r, v, "silence entry", {"silence"});
    e.kind = Entry::Kind::Silence;
    const auto length = r.duration(m.get("silence"), {1s, 1h});
    if (!length) return;
    e.silence = *length;
    entries.push_back(std::move(e));
    return;
  }
  const MapReader m(r, v, "track", {"file", "title", "artist", "trim_start", "trim_end", "gain_db", "lyrics"});
  const Value file = m.get("file");
  const auto path = r.path(file);
  if (!path) return;
  e.file = *path;
  check_audio_file(r.problems(), file.at, e.file);
  e.title = r.text(m.get("title")).value_or("");
  e.artist = r.text(m.get("artist")).value_or("");
  e.trim_start = r.duration(m.get("trim_start"), {0ms, 1h}).value_or(0ms);
  e.trim_end = r.duration(m.get("trim_end"), {0ms, 1h}).value_or(0ms);
  e.gain_db = r.decibels(m.get("gain_db"), -12.0, 12.0).value_or(0.0);
  e.lyrics = r.boolean(m.get("lyrics")).value_or(false);
  entries.push_back(std::move(e));
}

/** Entries of a `tracks:` list, or of an M3U file when `m3u` is given instead. */
std::vector<Entry> read_entries(const Reader& r, const Value& v) {
  std::vector<Entry> entries;
  for (const auto& item : r.items(v)) read_entry(r, item, entries);
  return entries;
}

std::optional<PhaseMusic> read_phase_music(const Reader& r, const Value& key, const Value& v) {
  PhaseMusic music;
  music.phase = key.node.Scalar();
  music.where = key.at;
  if (v.node.IsSequence()) {  // shorthand: the phase is just its track list
    music.entries = read_entries(r, v);
    if (v.node.size() == 0) r.error(v.at, "phase '" + music.phase + "' has no tracks");
    return music;
  }
  if (v.node.IsNull()) {
    r.error(key.at, "phase '" + music.phase + "' has no tracks");
    return std::nullopt;
  }
  const MapReader m(r, v, "phase music", {"tracks", "m3u", "loop", "crossfade", "shuffle", "seed", "alternates"});
  if (!m) return std::nullopt;
  const Value tracks = m.get("tracks");
  const Value m3u = m.get("m3u");
  if (tracks.present() && m3u.present()) {
    r.error(m3u.at, "give either 'tracks' or 'm3u', not both (an M3U list can be one of the tracks: '- { m3u: ... }')");
  } else if (m3u.present()) {
    expand_m3u(r, m3u, music.entries);
  } else if (tracks.present()) {
    music.entries = read_entries(r, tracks);
    if (tracks.node.IsSequence() && tracks.node.size() == 0) r.error(tracks.at, "phase '" + music.phase + "' has no tracks");
  } else {
    r.error(m.at(), "phase music for '" + music.phase + "' needs 'tracks' or 'm3u'");
  }
  music.loop = r.boolean(m.get("loop")).value_or(false);
  music.crossfade = r.duration(m.get("crossfade"), {0ms, 2min}).value_or(0ms);
  music.shuffle = r.boolean(m.get("shuffle")).value_or(false);
  const Value seed = m.get("seed");
  if (const auto s = r.integer(seed, 0, std::numeric_limits<long long>::max())) {
    music.seed = static_cast<std::uint64_t>(*s);
    if (!music.shuffle) r.warning(seed.at, "'seed' is ignored without 'shuffle: true'");
  }
  music.alternates = read_entries(r, m.get("alternates"));
  return music;
}

}  // namespace

std::optional<Playlist> read_playlist(const YamlFile& file, const Known& known, Problems& problems) {
  if (!file.parsed()) return std::nullopt;
  const Reader r(file, problems);
  if (!check_file_kind(r, "playlist")) return std::nullopt;
  const MapReader top(r, r.value(file.root()), "playlist file", {"playlist", "phases"});
  const MapReader head(r, top.get("playlist", Need::Required), "playlist", {"id", "name"});
  Playlist playlist;
  playlist.where = head ? head.at() : file.whole();
  const Value id = head.get("id");
  if (id.present()) {
    const auto name = r.name(id, "playlist id");
    if (!name) return std::nullopt;
    playlist.id = *name;
    if (playlist.id != file.stem())
      r.warning(id.at, "playlist id '" + playlist.id + "' differs from the file name '" + file.stem() +
                           "': clients refer to it as '" + playlist.id + "'");
  } else if (is_name(file.stem())) {
    playlist.id = file.stem();
  } else {
    r.error(file.whole(), "the file name '" + file.stem() + "' is not a valid playlist id: give one with 'id:'");
    return std::nullopt;
  }
  playlist.name = r.nonempty_text(head.get("name")).value_or(playlist.id);

  const Value phases = top.get("phases", Need::Required);
  const MapReader m = MapReader::free_keys(r, phases, "phases");
  const auto phase_names = known.phase_names();
  const auto entries = m.entries();
  if (m && entries.empty()) r.error(phases.at, "a playlist needs music for at least one phase");
  for (const auto& [key, value] : entries) {
    const auto name = r.name(key, "phase name");
    if (!name) continue;
    // With a protocol file unreadable (or none at all) the phase names are unknown: do not guess.
    if (known.all_protocols_read() && !phase_names.empty() && std::find(phase_names.begin(), phase_names.end(), *name) == phase_names.end())
      r.error(key.at, "phase '" + *name + "' is not a phase of any protocol" + did_you_mean(*name, phase_names));
    if (auto music = read_phase_music(r, key, value)) playlist.phases.push_back(std::move(*music));
  }
  return playlist;
}

}  // namespace stillroom::config
