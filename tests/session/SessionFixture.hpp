// A session core with everything it acts on recorded in memory: the music it
// was asked to play, the lights, the therapist's events, and the events it
// asked to record (kept in order, as the record would keep them). The daemon
// tests run the same core against the real SQLite record, audio engine and
// broker.
#pragma once

#include "session/EventCodec.hpp"
#include "session/Session.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace stillroom::test {

using config::Millis;
using namespace std::chrono_literals;

class RecordingOutput final : public session::SessionOutput {
 public:
  void play(const plan::Plan& plan, Millis dose_now) override {
    plans.push_back(plan);
    play_times.push_back(dose_now);
  }
  void lights(const plan::LightCue& cue) override { light_cues.push_back(cue); }
  void signal(const session::Happened& event) override { signalled.push_back(std::string(session::type_name(event.event))); }
  void notice(const nlohmann::json& notice) override { notices.push_back(notice); }

  std::vector<plan::Plan> plans;
  std::vector<Millis> play_times;
  std::vector<plan::LightCue> light_cues;
  std::vector<std::string> signalled;
  std::vector<nlohmann::json> notices;
};

/** A room with an IM-like protocol: settle -10..0, onset 0..5, peak 5..25, return 25..45, integration 45..60. */
struct SessionFixture {
  config::Library library;
  session::ManualClock clock;
  RecordingOutput out;
  std::map<std::string, Millis> durations;
  /** What the record would hold: every event the session returned, in order. */
  std::vector<session::Happened> recorded;

  SessionFixture() {
    auto& room = library.room;
    room.id = "room-1";
    room.lights.scenes["bright"] = {"bright", 80, 4000, {}};
    room.lights.scenes["dim"] = {"dim", 20, 2700, {}};
    room.lights.scenes["low"] = {"low", 8, 2200, {}};
    room.lights.scenes["full"] = {"full", 100, 5000, {}};
    room.lights.normal_scene = "bright";
    room.lights.emergency_scene = "full";
    room.audio.max_volume_db = 0;
    room.audio.default_volume_db = -2;

    auto& p = library.protocols["im"];
    p.id = "im";
    p.name = "Intramuscular";
    p.route = "im";
    p.medication = "ketamine";
    p.dose = {20, 150, {}};
    const auto phase = [&](const char* name, int from, int to, const char* scene, double volume_db) {
      config::Phase ph;
      ph.name = name;
      ph.start = Millis{from * 60'000};
      ph.end = Millis{to * 60'000};
      ph.light_scene = scene;
      ph.crossfade = 8s;
      ph.light_fade = 60s;
      ph.volume_db = volume_db;
      p.phases.push_back(ph);
    };
    phase("settle", -10, 0, "dim", -8);
    phase("onset", 0, 5, "dim", -6);
    phase("peak", 5, 25, "low", -2);
    phase("return", 25, 45, "dim", -6);
    phase("integration", 45, 60, "bright", -10);
    p.monitoring_end = 90min;
    p.end_fade = 30s;
    p.reminders.push_back({"bp-40", "Blood pressure, 40 minutes after dosing", config::ReminderAnchor::Dose, 40min,
                           5min, {}});
    p.booster = {config::BoosterKind::Extend, 15min, 30min, 10min, 1, config::DoseRange{10, 75, {}}, {}};
    p.minutes_left = {10min};

    auto& pl = library.playlists["calm"];
    pl.id = "calm";
    for (const auto* name : {"settle", "onset", "peak", "return", "integration"}) {
      config::PhaseMusic m;
      m.phase = name;
      m.loop = true;
      for (int i = 0; i < 3; ++i) {
        config::Entry e;
        e.file = std::string("/music/") + name + "-" + std::to_string(i) + ".flac";
        e.title = std::string(name) + " " + std::to_string(i);
        durations[e.file] = Millis{(170 + 20 * i) * 1000};
        m.entries.push_back(e);
      }
      if (std::string(name) == "peak") {
        config::Entry alt;
        alt.file = "/music/alt.flac";
        alt.title = "alt";
        durations[alt.file] = 150s;
        m.alternates.push_back(alt);
      }
      pl.phases.push_back(m);
    }

    for (const char* id : {"c-1", "c-2", "c-3"}) {
      auto& c = library.clients[id];
      c.id = id;
      c.protocol = "im";
      c.playlist = "calm";
    }
    library.clients["c-2"].max_volume_db = -6;
    library.clients["c-1"].series[3] = {"calm", "", 60.0, {}};
  }

  static session::Command command(session::CommandKind kind, const std::string& device = "tablet-1",
                                  const std::string& role = "tablet") {
    static int counter = 0;
    session::Command c;
    c.id = std::string(session::to_string(kind)) + "-" + std::to_string(++counter);
    c.kind = kind;
    c.device = device;
    c.role = role;
    return c;
  }

  session::Outcome keep(session::Outcome outcome) {
    for (const auto& e : outcome.events) recorded.push_back(e);
    return outcome;
  }

  session::Outcome handle(session::Session& s, const session::Command& c) { return keep(s.handle(c)); }

  /** A command's answer (commands that need a preflight: run it with `durations`). */
  session::Reply send(session::Session& s, const session::Command& c) {
    auto outcome = handle(s, c);
    if (outcome.preflight) outcome = finish(s, c);
    REQUIRE(outcome.reply);
    return *outcome.reply;
  }

  session::Outcome finish(session::Session& s, const session::Command& c, std::vector<std::string> problems = {}) {
    session::PreflightResult result;
    result.durations = durations;
    result.problems = std::move(problems);
    return keep(s.finish_preload(c, result));
  }

  /** Preload `client` with a dose of `mg` entered, then start with the dose given now. */
  void begin(session::Session& s, const std::string& client = "c-1", double mg = 50) {
    auto preload = command(session::CommandKind::Preload);
    preload.client = client;
    preload.doses.push_back({client, mg, std::string("L-1")});
    REQUIRE(send(s, preload).ok);
    const auto started = send(s, command(session::CommandKind::Start));
    REQUIRE_MESSAGE(started.ok, started.error);
  }

  void tick(session::Session& s) { keep(s.tick()); }

  /** Moves the clock in one-second ticks. */
  void run_for(session::Session& s, Millis d) {
    for (Millis t{0}; t < d; t += 1s) {
      clock.advance(1s);
      tick(s);
    }
  }

  [[nodiscard]] std::vector<std::string> types() const {
    std::vector<std::string> names;
    for (const auto& e : recorded) names.emplace_back(session::type_name(e.event));
    return names;
  }
  template <class T>
  [[nodiscard]] std::vector<T> of_type() const {
    std::vector<T> found;
    for (const auto& e : recorded)
      if (const auto* t = std::get_if<T>(&e.event)) found.push_back(*t);
    return found;
  }
  [[nodiscard]] const session::Happened& last() const { return recorded.back(); }
};

}  // namespace stillroom::test
