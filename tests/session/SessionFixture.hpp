// A session core with everything it talks to recorded in memory: the record
// (a vector that can be told to fail), the music it was asked to play, the
// lights, the therapist's signals. The daemon tests run the same core against
// the real SQLite record, audio engine and broker.
#pragma once

#include "record/RecordError.hpp"
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
  explicit RecordingOutput(session::Clock& clock) : clock_(clock) {}

  record::RecordEvent record(const record::EventDraft& draft) override {
    if (failing) throw record::RecordError(record::RecordError::Kind::DiskFull, "database or disk is full");
    record::RecordEvent e;
    e.seq = static_cast<std::int64_t>(events.size()) + 1;
    e.session = draft.session;
    e.type = draft.type;
    e.actor_device = draft.actor.device;
    e.actor_role = draft.actor.role;
    e.payload = draft.payload.dump();
    const auto now = clock_.now();
    e.utc = config::format_instant(now.wall);
    e.monotonic_ns = now.monotonic.count();
    e.boot_id = clock_.boot_id();
    e.clock_synced = now.synced;
    events.push_back(e);
    return e;
  }
  void play(const plan::Plan& plan, Millis dose_now) override {
    plans.push_back(plan);
    play_times.push_back(dose_now);
  }
  void lights(const plan::LightCue& cue) override { light_cues.push_back(cue); }
  void signal(const nlohmann::json& event) override { signals.push_back(event); }
  int previous_sessions(const std::string&) override { return previous; }

  [[nodiscard]] std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.type);
    return out;
  }
  [[nodiscard]] std::vector<const record::RecordEvent*> of_type(const std::string& type) const {
    std::vector<const record::RecordEvent*> out;
    for (const auto& e : events)
      if (e.type == type) out.push_back(&e);
    return out;
  }
  [[nodiscard]] const record::RecordEvent& last() const { return events.back(); }

  std::vector<record::RecordEvent> events;
  std::vector<plan::Plan> plans;
  std::vector<Millis> play_times;
  std::vector<plan::LightCue> light_cues;
  std::vector<nlohmann::json> signals;
  bool failing = false;
  int previous = 0;

 private:
  session::Clock& clock_;
};

/** A room with an IM-like protocol: settle -10..0, onset 0..5, peak 5..25, return 25..45, integration 45..60. */
struct SessionFixture {
  config::Library library;
  session::ManualClock clock;
  RecordingOutput out{clock};
  std::map<std::string, Millis> durations;

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
    const auto phase = [&](const char* name, int from, int to, const char* scene) {
      config::Phase ph;
      ph.name = name;
      ph.start = Millis{from * 60'000};
      ph.end = Millis{to * 60'000};
      ph.light_scene = scene;
      ph.crossfade = 8s;
      ph.light_fade = 60s;
      p.phases.push_back(ph);
    };
    phase("settle", -10, 0, "dim");
    phase("onset", 0, 5, "dim");
    phase("peak", 5, 25, "low");
    phase("return", 25, 45, "dim");
    phase("integration", 45, 60, "bright");
    p.monitoring_end = 90min;
    p.end_fade = 30s;
    p.reminders.push_back({"bp-40", "Blood pressure, 40 minutes after dosing", config::ReminderAnchor::Dose, 40min,
                           5min, {}});
    p.booster = {config::BoosterKind::Extend, 15min, 30min, 10min, 1, {}};
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

    auto& c = library.clients["c-1"];
    c.id = "c-1";
    c.protocol = "im";
    c.playlist = "calm";
    auto& c2 = library.clients["c-2"];
    c2.id = "c-2";
    c2.protocol = "im";
    c2.playlist = "calm";
    c2.max_volume_db = -6;
  }

  static session::Command command(session::CommandKind kind, const std::string& device = "tablet-1",
                               const std::string& role = "tablet") {
    session::Command c;
    c.id = std::string(session::to_string(kind)) + "-1";
    c.kind = kind;
    c.device = device;
    c.role = role;
    return c;
  }

  /** Preload (with the preflight answered from `durations`) and start; dose given now. */
  void begin(session::Session& session, const std::string& client = "c-1") {
    auto preload = command(session::CommandKind::Preload);
    preload.client = client;
    auto handled = session.handle(preload);
    REQUIRE(handled.preflight);
    session::PreflightResult result;
    result.durations = durations;
    REQUIRE(session.finish_preload(preload, result).ok);
    REQUIRE(session.handle(command(session::CommandKind::Start)).reply->ok);
  }

  /** Moves the clock in one-second ticks. */
  void run_for(session::Session& session, Millis d) {
    for (Millis t{0}; t < d; t += 1s) {
      clock.advance(1s);
      session.tick();
    }
  }

  session::Reply send(session::Session& session, session::Command c) {
    auto h = session.handle(c);
    REQUIRE(h.reply);
    return *h.reply;
  }
};

}  // namespace stillroom::test
