// The shipped example room (config/examples) must load without a single
// problem, and must say what the protocols and clients are meant to say.
#include "MiniRoom.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace stillroom::config;
using stillroom::test::lines;
using stillroom::test::source_path;
using stillroom::test::TempDir;

namespace {

/** The demo music the example playlists name (generated into config/examples/music/). */
const std::vector<std::string> demo_music = {
    "settle-harbour.flac", "settle-linen.wav",    "onset-drift.ogg",       "onset-lanterns.mp3",
    "peak-deep-field.flac", "peak-tidal.ogg",     "peak-slow-light.flac",  "return-shoreline.mp3",
    "return-morning.flac", "return-voices.flac",  "integration-rest.wav",  "integration-open.ogg",
    "alt-still-water.flac", "alt-cloud.mp3"};

/** Copies config/examples without its music and puts empty placeholders in the music's place. */
std::filesystem::path copy_examples(const TempDir& dir) {
  const auto from = source_path("config/examples");
  const auto to = dir / "config/examples";
  std::filesystem::create_directories(to);
  for (const auto& entry : std::filesystem::directory_iterator(from))
    if (entry.path().filename() != "music")
      std::filesystem::copy(entry.path(), to / entry.path().filename(), std::filesystem::copy_options::recursive);
  std::filesystem::create_directories(to / "music");
  for (const auto& name : demo_music) std::ofstream(to / "music" / name).flush();
  return to / "room.yaml";
}

Millis minutes(long long m) { return Millis{m * 60'000}; }

}  // namespace

TEST_CASE("the example room loads with no problems at all") {
  TempDir dir("stillroom-examples");
  Problems problems;
  const Library library = load_library(copy_examples(dir).string(), problems);
  CHECK(lines(problems) == std::vector<std::string>{});

  const Room& room = library.room;
  CHECK(room.id == "room-1");
  CHECK(room.audio.output == "portaudio");
  CHECK(room.audio.device == "default");
  CHECK(room.mqtt.host == "127.0.0.1");
  CHECK(room.mqtt.port == 18830);
  CHECK(room.mqtt.username == "controller");
  CHECK(room.mqtt.password_file == (dir / ".cache/mosquitto/controller.password").string());
  CHECK(room.record.path == (dir / ".cache/record.db").string());
  CHECK(room.audio.loudness_cache == (dir / ".cache/loudness").string());
  CHECK(room.lights.scenes.count(room.lights.normal_scene) == 1);
  CHECK(room.lights.scenes.count(room.lights.emergency_scene) == 1);
  CHECK(room.devices.size() == 3);
  CHECK(room.roles.at("observer").empty());

  std::vector<std::string> protocol_ids;
  for (const auto& [id, p] : library.protocols) protocol_ids.push_back(id);
  CHECK(protocol_ids == std::vector<std::string>{"im", "intranasal", "iv", "psilocybin", "sublingual"});
  const std::vector<std::string> ketamine_phases = {"settle", "onset", "peak", "return", "integration"};
  for (const char* id : {"im", "sublingual", "iv", "intranasal"}) {
    INFO(id);
    const Protocol& p = *library.protocol(id);
    std::vector<std::string> names;
    for (const auto& phase : p.phases) names.push_back(phase.name);
    CHECK(names == ketamine_phases);
    CHECK(p.route == id);
    // No lyrics before the return phase.
    for (const auto& phase : p.phases) CHECK(phase.lyrics_allowed == (phase.name == "return" || phase.name == "integration"));
  }
}

TEST_CASE("the example protocols follow the routes' timelines") {
  TempDir dir("stillroom-examples");
  Problems problems;
  const Library library = load_library(copy_examples(dir).string(), problems);
  REQUIRE_FALSE(problems.has_errors());

  const Protocol& im = *library.protocol("im");
  CHECK(im.phases.at(1).end == minutes(5));  // onset within 2-5 min
  CHECK(im.session_end() >= minutes(60));
  CHECK(im.monitoring_end <= minutes(90));
  CHECK(im.booster.kind == BoosterKind::Extend);
  CHECK(im.booster.earliest == minutes(15));
  CHECK(im.booster.latest == minutes(30));
  CHECK(im.booster.extend_by == minutes(15));

  CHECK(library.protocol("sublingual")->booster.kind == BoosterKind::Reanchor);
  CHECK(library.protocol("iv")->booster.kind == BoosterKind::Record);
  CHECK(library.protocol("iv")->phases.at(2).end == minutes(40));  // peak at the end of the infusion

  const Protocol& in = *library.protocol("intranasal");
  CHECK(in.booster.kind == BoosterKind::None);
  CHECK(in.monitoring_end == minutes(120));
  std::vector<std::pair<std::string, Millis>> bp;
  for (const auto& r : in.reminders)
    if (r.id.rfind("bp-", 0) == 0) bp.emplace_back(r.id, in.reminder_due(r));
  CHECK(bp == std::vector<std::pair<std::string, Millis>>{
                  {"bp-pre", minutes(-5)}, {"bp-40", minutes(40)}, {"bp-discharge", minutes(110)}});

  CHECK(in.medication == "esketamine");
  const Protocol& psilocybin = *library.protocol("psilocybin");
  CHECK(psilocybin.medication == "psilocybin");
  CHECK(psilocybin.route == "oral");
  std::vector<std::string> names;
  for (const auto& phase : psilocybin.phases) names.push_back(phase.name);
  CHECK(names == std::vector<std::string>{"pre-onset", "onset", "building", "peak", "re-entry", "return"});
  CHECK(psilocybin.session_end() >= minutes(360));
  CHECK(psilocybin.session_end() <= minutes(480));
}

TEST_CASE("the example playlists and clients") {
  TempDir dir("stillroom-examples");
  Problems problems;
  const Library library = load_library(copy_examples(dir).string(), problems);
  REQUIRE_FALSE(problems.has_errors());
  CHECK(library.playlists.size() == 3);

  int silences = 0;
  int m3u_entries = 0;
  std::vector<std::string> lyric_phases;
  for (const auto& [id, playlist] : library.playlists) {
    for (const auto& music : playlist.phases) {
      CHECK(music.loop);
      for (const auto& e : music.entries) {
        silences += e.kind == Entry::Kind::Silence ? 1 : 0;
        m3u_entries += e.where.file.find(".m3u") != std::string::npos ? 1 : 0;
        if (e.lyrics) lyric_phases.push_back(id + "/" + music.phase);
      }
    }
  }
  CHECK(silences == 3);
  CHECK(m3u_entries == 6);
  CHECK(lyric_phases == std::vector<std::string>{"long-journey/return", "open-sky/return"});

  const auto* onset = library.playlist("gentle-tide")->music_for("onset");
  REQUIRE(onset != nullptr);
  REQUIRE(onset->entries.size() == 2);
  CHECK(onset->entries[0].title == "Drift");
  CHECK(onset->entries[0].file == (dir / "config/examples/music/onset-drift.ogg").string());
  CHECK(library.playlist("gentle-tide")->music_for("peak")->alternates.size() == 2);

  const Client& c1042 = *library.client("c-1042");
  CHECK(c1042.protocol == "im");
  CHECK(c1042.playlist == "gentle-tide");
  CHECK(c1042.max_volume_db == -3.0);
  CHECK(c1042.max_brightness_pct == 40.0);
  CHECK(c1042.color_temp_k == 2700);
  CHECK(c1042.series.at(2).protocol == "sublingual");
  const Client& c2077 = *library.client("c-2077");
  CHECK(c2077.protocol == "intranasal");
  CHECK(c2077.playlist == "open-sky");
  CHECK(c2077.series.size() == 3);
  CHECK(c2077.series.at(1).playlist == "open-sky");  // the client's own playlist when the session names none
  CHECK(c2077.series.at(3).playlist == "gentle-tide");
  CHECK(c2077.series.at(3).dose_mg == 84.0);
}

TEST_CASE("the example room in place, once its demo music has been generated") {
  const auto music = source_path("config/examples/music");
  const bool generated = std::all_of(demo_music.begin(), demo_music.end(),
                                     [&](const std::string& name) { return std::filesystem::exists(music / name); });
  if (!generated) {
    MESSAGE("demo music not generated yet: only the copy with placeholders was checked");
    return;
  }
  Problems problems;
  (void)load_library(source_path("config/examples/room.yaml").string(), problems);
  CHECK(lines(problems) == std::vector<std::string>{});
}

namespace {

/** YAML without comments, blank lines and trailing spaces: what the reference shows of an example file. */
std::string without_comments(const std::string& text, bool yaml) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (yaml) {
      const auto first = line.find_first_not_of(' ');
      if (first != std::string::npos && line[first] == '#') continue;
      const auto comment = line.find("  #");
      if (comment != std::string::npos) line.erase(comment);
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
    if (!line.empty()) out += line + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("the complete example in docs/configuration.md is the shipped example, comments aside") {
  const std::string doc = stillroom::test::read_file(source_path("docs/configuration.md"));
  REQUIRE_FALSE(doc.empty());
  const auto section = doc.find("## Complete example");
  REQUIRE(section != std::string::npos);
  int compared = 0;
  // Each file is shown as a line "`path`" (maybe followed by words) and a fenced block.
  for (auto at = doc.find("\n`", section); at != std::string::npos; at = doc.find("\n`", at + 1)) {
    const auto name_end = doc.find('`', at + 2);
    const std::string name = doc.substr(at + 2, name_end - at - 2);
    const auto line_end = doc.find('\n', name_end);
    const auto fence = doc.find("\n```", line_end == std::string::npos ? name_end : line_end - 1);
    // The block must follow the name, with nothing but blank lines between.
    if (fence == std::string::npos || doc.find_first_not_of('\n', line_end) != fence + 1) continue;
    const auto body = doc.find('\n', fence + 1) + 1;
    const auto close = doc.find("\n```", body);
    const std::string shown = doc.substr(body, close - body + 1);
    const bool yaml = name.find(".yaml") != std::string::npos;
    INFO(name);
    const std::string shipped = stillroom::test::read_file(source_path("config/examples/" + name));
    REQUIRE_FALSE(shipped.empty());
    CHECK(without_comments(shown, yaml) == without_comments(shipped, yaml));
    ++compared;
  }
  CHECK(compared == 5);
}
