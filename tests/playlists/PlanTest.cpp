#include "PlanFixture.hpp"
#include "playlists/PhaseTimeline.hpp"
#include "playlists/PlayOrder.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using namespace stillroom;
using namespace stillroom::test;
using Kind = plan::SessionEvent::Kind;

namespace {

/** Three phases, each with tracks that do not fit exactly. */
PlanFixture three_phases() {
  PlanFixture f;
  f.phase("onset", min(0), min(10), "dim");
  f.phase("peak", min(10), min(30), "dark");
  f.phase("return", min(30), min(40), "dim");
  f.track("onset", min(4), "o1");
  f.track("onset", min(4), "o2");
  f.track("onset", min(4), "o3");
  f.track("peak", min(7), "p1");
  f.track("peak", min(7), "p2");
  f.track("peak", min(7), "p3");
  f.track("return", min(6), "r1");
  f.track("return", min(6), "r2");
  return f;
}

std::vector<std::string> titles(const plan::Plan& p) {
  std::vector<std::string> out;
  for (const auto& s : p.segments) out.push_back(s.title);
  return out;
}

const plan::Segment& by_title(const plan::Plan& p, const std::string& title, int nth = 0) {
  for (const auto& s : p.segments)
    if (s.title == title && nth-- == 0) return s;
  FAIL("no segment titled " << title);
  return p.segments.front();
}

}  // namespace

TEST_CASE("tracks join gaplessly inside a phase and crossfade at the boundary") {
  auto f = three_phases();
  const auto p = f.make();
  REQUIRE(titles(p) == std::vector<std::string>{"o1", "o2", "o3", "p1", "p2", "p3", "r1", "r2"});

  const auto& o1 = by_title(p, "o1");
  const auto& o2 = by_title(p, "o2");
  CHECK(o1.start == min(0));
  CHECK(o1.fade_in == f.room.audio.ramps.resume);  // the session starts by fading in
  CHECK(o2.start == min(4));
  CHECK(o2.joins == o1.id);
  CHECK(o2.fade_in == 0ms);
  CHECK(o1.natural_end);

  // o3 (8..12 min) is cut at the 10 min boundary: an 8 s equal-power crossfade into p1.
  const auto& o3 = by_title(p, "o3");
  REQUIRE(o3.fade_outs.size() == 1);
  CHECK(o3.fade_outs[0].at == min(10));
  CHECK(o3.fade_outs[0].length == sec(8));
  CHECK(o3.fade_outs[0].shape == plan::FadeShape::EqualPower);
  CHECK(o3.end == min(10) + sec(8));
  const auto& p1 = by_title(p, "p1");
  CHECK(p1.start == min(10));
  CHECK(p1.fade_in == sec(8));
  CHECK(p1.joins == 0);
  CHECK(p1.phase == "peak");
  CHECK(p1.source_offset == 0ms);

  // p3 would run 24..31: cut at 30 into r1.
  CHECK(by_title(p, "r1").start == min(30));
  // The music ends with the protocol's end fade at the session end (40 min).
  const auto& r2 = by_title(p, "r2");
  CHECK(r2.end == min(40));
  REQUIRE_FALSE(r2.fade_outs.empty());
  CHECK(r2.fade_outs.back().at == min(40) - sec(30));
  CHECK(p.music_end == min(40));
  CHECK(p.flags.empty());
}

TEST_CASE("a track ending within the boundary tolerance plays out and the next phase joins it") {
  PlanFixture f;
  f.phase("onset", min(0), min(10));
  f.phase("peak", min(10), min(20));
  f.track("onset", min(5), "a");
  f.track("onset", min(5) + sec(15), "b");  // ends at 10:15, 15 s after the boundary
  f.track("peak", min(12), "c");
  const auto p = f.make();
  const auto& b = by_title(p, "b");
  CHECK(b.natural_end);
  CHECK(b.end == min(10) + sec(15));
  CHECK(b.fade_outs.empty());
  const auto& c = by_title(p, "c");
  CHECK(c.start == min(10) + sec(15));
  CHECK(c.joins == b.id);
  CHECK(c.phase == "peak");
  // The boundary itself did not move.
  CHECK(p.phases[1].start == min(10));

  SUBCASE("beyond the tolerance it is cut") {
    f.room.audio.boundary_tolerance = sec(10);
    const auto q = f.make();
    CHECK(by_title(q, "b").end == min(10) + sec(8));
    CHECK(by_title(q, "c").start == min(10));
  }
}

TEST_CASE("a track ending exactly on the boundary joins the next phase without a crossfade") {
  PlanFixture f;
  f.phase("onset", min(0), min(10));
  f.phase("peak", min(10), min(20));
  f.track("onset", min(10), "a");
  f.track("peak", min(12), "b");
  const auto p = f.make();
  CHECK(by_title(p, "b").start == min(10));
  CHECK(by_title(p, "b").joins == by_title(p, "a").id);
  CHECK(by_title(p, "a").fade_outs.empty());
}

TEST_CASE("pause fades out, resume continues the same track where it was, boundaries stay") {
  auto f = three_phases();
  f.event(Kind::Pause, min(5));
  f.event(Kind::Resume, min(7));
  const auto p = f.make();
  const auto& o2a = by_title(p, "o2", 0);  // 4..8, paused at 5
  REQUIRE_FALSE(o2a.fade_outs.empty());
  CHECK(o2a.fade_outs[0].at == min(5));
  CHECK(o2a.fade_outs[0].shape == plan::FadeShape::Smooth);
  CHECK(o2a.end == min(5) + f.room.audio.ramps.pause);
  const auto& o2b = by_title(p, "o2", 1);  // resumed at 7 from 1:00 into the track
  CHECK(o2b.start == min(7));
  CHECK(o2b.source_offset == min(1));
  CHECK(o2b.fade_in == f.room.audio.ramps.resume);
  CHECK(o2b.id != o2a.id);
  // the rest of o2 (3 min) ends at 10 = the boundary: p1 joins it
  CHECK(by_title(p, "p1").start == min(10));
  for (std::size_t i = 0; i < f.protocol.phases.size(); ++i) {
    CHECK(p.phases[i].start == f.protocol.phases[i].start);
    CHECK(p.phases[i].end == f.protocol.phases[i].end);
  }
  // nothing sounds while paused (after the fade)
  CHECK(p.segment_at(min(6)) == nullptr);
}

TEST_CASE("a pause across a boundary resumes with the new phase's music") {
  auto f = three_phases();
  f.event(Kind::Pause, min(8));
  f.event(Kind::Resume, min(12));
  const auto p = f.make();
  const auto* now = p.segment_at(min(12) + sec(1));
  REQUIRE(now != nullptr);
  CHECK(now->title == "p1");
  CHECK(now->start == min(12));
  CHECK(now->source_offset == 0ms);
  CHECK(now->fade_in == f.room.audio.ramps.resume);
  // The lights followed the phase even while the music was paused.
  const auto dark = std::find_if(p.lights.begin(), p.lights.end(), [](const auto& c) { return c.scene == "dark"; });
  REQUIRE(dark != p.lights.end());
  CHECK(dark->at == min(10));
}

TEST_CASE("skip crossfades to the next entry, the phase boundaries do not move") {
  auto f = three_phases();
  f.event(Kind::Skip, min(1));
  const auto p = f.make();
  const auto& o1 = by_title(p, "o1");
  REQUIRE(o1.fade_outs.size() == 1);
  CHECK(o1.fade_outs[0].at == min(1));
  CHECK(o1.fade_outs[0].length == f.room.audio.ramps.manual_crossfade);
  const auto& o2 = by_title(p, "o2");
  CHECK(o2.start == min(1));
  CHECK(o2.fade_in == f.room.audio.ramps.manual_crossfade);
  CHECK(by_title(p, "o3").start == min(5));
  CHECK(by_title(p, "p1").start == min(10));
  // the list ran out (o3 ends at 9): it repeats, flagged because the list does not loop
  const auto& again = by_title(p, "o1", 1);
  CHECK(again.role == plan::Segment::Role::Repeat);
  CHECK(again.start == min(9));
  CHECK(std::count_if(p.flags.begin(), p.flags.end(),
                      [](const auto& fl) { return fl.kind == plan::Flag::Kind::ShortPhase; }) == 1);
}

TEST_CASE("alternate plays an alternate track, then the list continues after the one it replaced") {
  auto f = three_phases();
  f.alternate("peak", min(3), "alt-a");
  f.alternate("peak", min(3), "alt-b");
  f.event(Kind::Alternate, min(12));
  f.event(Kind::Alternate, min(13));
  const auto p = f.make();
  const auto& a = by_title(p, "alt-a");
  CHECK(a.role == plan::Segment::Role::Alternate);
  CHECK(a.start == min(12));
  const auto& b = by_title(p, "alt-b");
  CHECK(b.start == min(13));
  CHECK(a.end == min(13) + f.room.audio.ramps.manual_crossfade);
  // alt-b ends at 16; the list continues with p2 (after p1, which alt-a replaced)
  const auto& p2 = by_title(p, "p2");
  CHECK(p2.start == min(16));
  CHECK(p2.joins == b.id);

  SUBCASE("without alternates the event is refused and nothing changes") {
    auto g = three_phases();
    g.event(Kind::Alternate, min(12));
    const auto q = g.make();
    CHECK(titles(q) == titles(three_phases().make()));
    REQUIRE(q.flags.size() == 1);
    CHECK(q.flags[0].kind == plan::Flag::Kind::EventIgnored);
    CHECK(q.flags[0].message == "alternate at +0:12:00: phase 'peak' has no alternates");
  }
}

TEST_CASE("skip at the instant a track begins replaces it and keeps the gapless join") {
  auto f = three_phases();
  f.event(Kind::Skip, min(4));  // o2 begins exactly at 4
  const auto p = f.make();
  CHECK(std::none_of(p.segments.begin(), p.segments.end(), [](const auto& s) { return s.title == "o2"; }));
  const auto& o3 = by_title(p, "o3");
  CHECK(o3.start == min(4));
  CHECK(o3.joins == by_title(p, "o1").id);
}

TEST_CASE("booster rules move later boundaries only") {
  auto f = three_phases();
  f.protocol.monitoring_end = min(60);
  f.protocol.booster = {config::BoosterKind::Extend, min(12), min(20), min(5), 1, {}, {}};

  SUBCASE("extend") {
    f.event(Kind::Booster, min(15));
    const auto p = f.make();
    CHECK(p.phases[0].start == min(0));
    CHECK(p.phases[0].end == min(10));
    CHECK(p.phases[1].start == min(10));
    CHECK(p.phases[1].end == min(35));
    CHECK(p.phases[2].start == min(35));
    CHECK(p.phases[2].end == min(45));
    CHECK(p.session_end == min(45));
    CHECK(p.monitoring_end == min(65));
    CHECK(by_title(p, "r1").start == min(35));
  }
  SUBCASE("reanchor: the phase containing the booster runs its full length again from it") {
    f.protocol.booster.kind = config::BoosterKind::Reanchor;
    f.event(Kind::Booster, min(15));
    const auto p = f.make();
    CHECK(p.phases[1].start == min(10));
    CHECK(p.phases[1].end == min(35));  // 15 + 20
    CHECK(p.phases[2].start == min(35));
    CHECK(p.session_end == min(45));
  }
  SUBCASE("record: nothing moves") {
    f.protocol.booster.kind = config::BoosterKind::Record;
    f.event(Kind::Booster, min(15));
    const auto p = f.make();
    CHECK(p.phases[2].start == min(30));
  }
  SUBCASE("outside the window or beyond the count: refused and flagged") {
    f.event(Kind::Booster, min(11));
    f.event(Kind::Booster, min(14));
    f.event(Kind::Booster, min(16));
    f.music("peak").loop = true;
    const auto p = f.make();
    CHECK(p.phases[2].start == min(35));  // only the booster at 14 counted
    REQUIRE(p.flags.size() == 2);
    CHECK(p.flags[0].message ==
          "booster ignored: a booster is accepted from +0:12:00 to +0:20:00 after the dose, not at +0:11:00");
    CHECK(p.flags[1].message == "booster ignored: protocol 'test' allows 1 booster");
  }
  SUBCASE("the music before the booster is the plan without it") {
    const auto before = f.make();
    f.event(Kind::Booster, min(15));
    const auto after = f.make();
    for (const auto& s : before.segments) {
      if (s.start >= min(15)) continue;
      const auto it = std::find_if(after.segments.begin(), after.segments.end(), [&](const auto& t) { return t.id == s.id; });
      REQUIRE(it != after.segments.end());
      CHECK(it->start == s.start);
    }
  }
}

TEST_CASE("stop fades the music out and returns the lights, reminders continue") {
  auto f = three_phases();
  f.protocol.monitoring_end = min(60);
  f.protocol.reminders.push_back({"bp-40", "Blood pressure", config::ReminderAnchor::Dose, min(40), min(5), {}});
  f.event(Kind::Stop, min(20));
  const auto p = f.make();
  REQUIRE(p.stopped_at);
  CHECK(*p.stopped_at == min(20));
  CHECK(p.music_end == min(20) + f.room.audio.ramps.stop);
  for (const auto& s : p.segments) CHECK(s.start < min(20));
  REQUIRE_FALSE(p.lights.empty());
  CHECK(p.lights.back().scene == "bright");
  CHECK(p.lights.back().reason == plan::LightCue::Reason::Stop);
  CHECK(p.lights.back().at == min(20));
  CHECK(p.lights.back().fade == f.room.lights.return_fade);
  REQUIRE(p.reminders.size() == 1);
  CHECK(p.reminders[0].due == min(40));
}

TEST_CASE("emergency during a crossfade: a shorter fade takes over, full light at once") {
  auto f = three_phases();
  f.protocol.phases[1].crossfade = sec(30);
  f.event(Kind::Emergency, min(10) + sec(5));
  const auto p = f.make();
  const auto& o3 = by_title(p, "o3");
  REQUIRE(o3.fade_outs.size() == 2);
  CHECK(o3.fade_outs[0].length == sec(30));
  CHECK(o3.fade_outs[1].at == min(10) + sec(5));
  CHECK(o3.fade_outs[1].length == f.room.audio.ramps.emergency);
  CHECK(o3.end == min(10) + sec(5) + f.room.audio.ramps.emergency);
  CHECK(p.music_end == min(10) + sec(5) + f.room.audio.ramps.emergency);
  REQUIRE_FALSE(p.lights.empty());
  CHECK(p.lights.back().reason == plan::LightCue::Reason::Emergency);
  CHECK(p.lights.back().scene == "full");
  CHECK(p.lights.back().fade == 0ms);
  CHECK(p.lights.back().brightness_pct == 100);
}

TEST_CASE("talk and volume become ramped master cues within the room's range, the client's limit is the ceiling") {
  auto f = three_phases();
  f.room.audio.max_volume_db = -2;
  f.room.audio.default_volume_db = -6;
  f.client.max_volume_db = -4;
  f.input.client = &f.client;
  f.event(Kind::TalkOn, min(3));
  f.event(Kind::Volume, min(4), +6);
  f.event(Kind::TalkOff, min(5));
  const auto p = f.make();
  CHECK(p.cap_db == -4);
  REQUIRE(p.master.size() == 4);
  CHECK(p.master[0].target_db == -6);
  CHECK(p.master[1].talk);
  CHECK(p.master[1].target_db == -6 + f.room.audio.talk_duck_db);
  CHECK(p.master[1].ramp == f.room.audio.ramps.talk);
  CHECK(p.master[2].volume_db == -2);  // +6 asked, held at the room's maximum
  CHECK(p.master[2].target_db == -2 + f.room.audio.talk_duck_db);
  CHECK(p.master[2].ramp == f.room.audio.ramps.volume);
  CHECK_FALSE(p.master[3].talk);
  CHECK(p.master[3].target_db == -2);
  CHECK(p.master_at(min(4) + sec(30))->volume_db == -2);
  // What the client hears never passes their limit: the mixer applies cap_db once, on the final level.
}

TEST_CASE("lights follow the phases, shaped by the client's preferences") {
  auto f = three_phases();
  f.client.max_brightness_pct = 10;
  f.client.color_temp_k = 2400;
  f.input.client = &f.client;
  const auto p = f.make();
  REQUIRE(p.lights.size() == 4);
  CHECK(p.lights[0].at == min(0));
  CHECK(p.lights[0].reason == plan::LightCue::Reason::Start);
  CHECK(p.lights[0].scene == "dim");
  CHECK(p.lights[0].brightness_pct == 10);  // scene says 20, the client caps at 10
  CHECK(p.lights[0].color_temp_k == 2400);
  CHECK(p.lights[1].scene == "dark");
  CHECK(p.lights[1].brightness_pct == 5);
  CHECK(p.lights[1].fade == sec(60));
  CHECK(p.lights[3].reason == plan::LightCue::Reason::End);
  CHECK(p.lights[3].at == min(40));
  CHECK(p.lights[3].scene == "bright");
  CHECK(p.lights[3].brightness_pct == 80);  // the room's normal light is not the client's
}

TEST_CASE("reminders anchor on the dose, the session end or the monitoring end") {
  auto f = three_phases();
  f.protocol.monitoring_end = min(120);
  f.protocol.booster = {config::BoosterKind::Extend, min(10), min(30), min(10), 1, {}, {}};
  f.protocol.reminders = {
      {"bp-pre", "BP before dosing", config::ReminderAnchor::Dose, min(-5), {}, {}},
      {"bp-40", "BP at 40", config::ReminderAnchor::Dose, min(40), min(5), {}},
      {"bp-out", "BP before discharge", config::ReminderAnchor::MonitoringEnd, min(-10), min(5), {}},
      {"wrap", "Wrap up", config::ReminderAnchor::SessionEnd, min(-5), {}, {}},
  };
  f.protocol.minutes_left = {min(15), min(5)};
  f.event(Kind::Booster, min(20));
  const auto p = f.make();
  REQUIRE(p.reminders.size() == 4);
  CHECK(p.reminders[0].id == "bp-pre");
  CHECK(p.reminders[0].due == min(0));  // its time had passed when the session started: due at once
  CHECK(p.reminders[1].id == "bp-40");
  CHECK(p.reminders[1].due == min(40));  // fixed on the dose clock
  CHECK(p.reminders[1].repeat == min(5));
  CHECK(p.reminders[2].id == "wrap");
  CHECK(p.reminders[2].due == min(45));  // the session end moved to 50 with the booster
  CHECK(p.reminders[3].due == min(120));  // monitoring end moved to 130
  REQUIRE(p.notices.size() == 2);
  CHECK(p.notices[0].at == min(35));
  CHECK(p.notices[1].at == min(45));
  CHECK(p.notices[1].remaining == min(5));
}

TEST_CASE("a session that starts before the dose begins with the settle phase, one that starts late, mid-phase") {
  auto f = three_phases();
  f.phase("settle", min(-10), min(0), "dim");
  std::rotate(f.protocol.phases.rbegin(), f.protocol.phases.rbegin() + 1, f.protocol.phases.rend());
  f.track("settle", min(12), "s1");
  SUBCASE("early") {
    f.input.start_at = min(-10);
    const auto p = f.make();
    CHECK(by_title(p, "s1").start == min(-10));
    CHECK(by_title(p, "o1").start == min(0));
  }
  SUBCASE("late") {
    f.input.start_at = min(6);
    const auto p = f.make();
    REQUIRE_FALSE(p.segments.empty());
    CHECK(p.segments.front().title == "o1");
    CHECK(p.segments.front().start == min(6));
    CHECK(p.lights.front().at == min(6));
    CHECK(p.lights.front().reason == plan::LightCue::Reason::Start);
  }
  SUBCASE("before the first phase: silence until it starts") {
    f.input.start_at = min(-30);
    const auto p = f.make();
    CHECK(p.segments.front().start == min(-10));
  }
}

TEST_CASE("planned silence, trims and gains") {
  PlanFixture f;
  f.phase("only", min(0), min(20));
  auto& a = f.track("only", min(5), "a");
  a.trim_start = sec(10);
  a.trim_end = sec(20);
  a.gain_db = -1.5;
  f.protocol.phases[0].volume_db = -6;
  f.silence("only", min(2));
  f.track("only", min(30), "b");
  const auto p = f.make();
  const auto& sa = by_title(p, "a");
  CHECK(sa.source_offset == sec(10));
  CHECK(sa.end == min(5) - sec(30));
  CHECK(sa.level_db == -6);
  CHECK(sa.gain_db == -1.5);
  REQUIRE(p.segments.size() == 3);
  CHECK(p.segments[1].silence);
  CHECK(p.segments[1].start == sa.end);
  CHECK(p.segments[1].end == sa.end + min(2));
  CHECK(p.segments[2].start == p.segments[1].end);
  CHECK(p.segments[2].joins == p.segments[1].id);
}

TEST_CASE("problems are flagged: lyrics in a phase that forbids them, no music, unknown durations") {
  auto f = three_phases();
  f.music("peak").entries[1].lyrics = true;   // p2: peak forbids lyrics
  f.protocol.phases[2].lyrics_allowed = true;
  f.music("return").entries[0].lyrics = true;  // r1: return allows them
  auto& peak = f.music("peak").entries;
  config::Entry ghost;
  ghost.file = "/music/ghost.flac";
  peak.insert(peak.begin(), ghost);  // no duration known
  f.playlist.phases.erase(f.playlist.phases.begin());
  f.music("onset");  // an onset list with no entries
  f.playlist.id = "pl";
  const auto p = f.make();
  std::vector<std::string> messages;
  for (const auto& fl : p.flags) messages.push_back(fl.message);
  CHECK(messages == std::vector<std::string>{
                        "phase 'onset' has no music in playlist 'pl': silence until the next phase",
                        "no duration known for '/music/ghost.flac': left out",
                        "'p2' has lyrics and plays in phase 'peak', which does not allow them",
                    });
  CHECK(p.segments.front().start == min(10));  // silence, then the peak's music
  CHECK(p.segments.front().title == "p1");
}

TEST_CASE("a list shorter than its phase repeats, with loop it is not flagged") {
  PlanFixture f;
  f.phase("long", min(0), min(60));
  f.track("long", min(25), "a");
  f.track("long", min(20), "b");
  auto p = f.make();
  CHECK(titles(p) == std::vector<std::string>{"a", "b", "a"});
  CHECK(p.segments[2].role == plan::Segment::Role::Repeat);
  REQUIRE(p.flags.size() == 1);
  CHECK(p.flags[0].kind == plan::Flag::Kind::ShortPhase);
  CHECK(p.flags[0].message ==
        "phase 'long' lasts 1h but its music in playlist '' runs out at +0:45:00: the list starts again from the "
        "top (add tracks, or set loop: true if that is intended)");
  f.music("long").loop = true;
  p = f.make();
  CHECK(p.flags.empty());
}

TEST_CASE("a seeded shuffle is reproducible and depends on the seed") {
  const auto a = plan::play_order(12, true, 42);
  CHECK(a == plan::play_order(12, true, 42));
  CHECK(a != plan::play_order(12, true, 43));
  auto sorted = a;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == plan::play_order(12, false, 0));
  // mt19937_64 is specified by the standard, so this order is the same everywhere.
  CHECK(plan::play_order(5, true, 1) == plan::play_order(5, true, 1));

  PlanFixture f;
  f.phase("p", min(0), min(30));
  for (int i = 0; i < 8; ++i) f.track("p", min(3), "t" + std::to_string(i));
  f.music("p").shuffle = true;
  f.input.shuffle_seed = 7;
  const auto first = titles(f.make());
  CHECK(first == titles(f.make()));
  f.input.shuffle_seed = 8;
  CHECK(first != titles(f.make()));
  f.music("p").seed = 99;  // a fixed seed ignores the session's
  const auto fixed = titles(f.make());
  f.input.shuffle_seed = 1234;
  CHECK(fixed == titles(f.make()));
}

TEST_CASE("an eight-hour protocol plans to the millisecond") {
  PlanFixture f;
  const std::vector<std::pair<std::string, double>> phases = {
      {"pre-onset", 30}, {"onset", 60}, {"building", 90}, {"peak", 120}, {"re-entry", 90}, {"return", 90}};
  double t = -30;
  for (const auto& [name, length] : phases) {
    f.phase(name, min(t), min(t + length), "dim", sec(20));
    f.music(name).loop = true;
    for (int i = 0; i < 3; ++i) f.track(name, sec(200 + 37 * i + 0.123 * i));
    t += length;
  }
  f.input.start_at = min(-30);
  const auto p = f.make();
  CHECK(p.session_end == min(450));
  CHECK(p.flags.empty());
  for (std::size_t i = 1; i < p.phases.size(); ++i) {
    const auto first = std::find_if(p.segments.begin(), p.segments.end(),
                                    [&](const auto& s) { return s.phase_index == static_cast<int>(i); });
    REQUIRE(first != p.segments.end());
    // each phase's music begins exactly at its boundary (or joins a track that plays out)
    CHECK(((first->start == p.phases[i].start) ||
           (first->joins != 0 && first->start - p.phases[i].start <= f.room.audio.boundary_tolerance)));
  }
  CHECK(p.segments.size() > 100);
  CHECK(p.music_end == min(450));
}
