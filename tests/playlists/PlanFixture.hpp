// Builders for plan tests: a room, a protocol and a playlist written in code,
// with track durations given as data (the plan never opens audio files).
#pragma once

#include "playlists/Plan.hpp"

#include <string>
#include <vector>

namespace stillroom::test {

using config::Millis;
using namespace std::chrono_literals;

inline Millis min(double m) { return Millis{static_cast<long long>(m * 60'000)}; }
inline Millis sec(double s) { return Millis{static_cast<long long>(s * 1000)}; }

struct PlanFixture {
  config::Room room;
  config::Protocol protocol;
  config::Playlist playlist;
  config::Client client;
  plan::PlanInput input;

  PlanFixture() {
    room.id = "room-1";
    room.audio.boundary_tolerance = sec(20);
    room.lights.scenes["bright"] = {"bright", 80, 4000, {}};
    room.lights.scenes["dim"] = {"dim", 20, 2700, {}};
    room.lights.scenes["dark"] = {"dark", 5, 2200, {}};
    room.lights.scenes["full"] = {"full", 100, 4000, {}};
    room.lights.normal_scene = "bright";
    room.lights.emergency_scene = "full";
    protocol.id = "test";
    protocol.end_fade = sec(30);
    client.id = "c-1";
    input.room = &room;
    input.protocol = &protocol;
    input.playlist = &playlist;
  }

  config::Phase& phase(const std::string& name, Millis from, Millis to, const std::string& scene = "dim",
                       Millis crossfade = sec(8)) {
    config::Phase p;
    p.name = name;
    p.start = from;
    p.end = to;
    p.light_scene = scene;
    p.crossfade = crossfade;
    p.light_fade = sec(60);
    protocol.phases.push_back(p);
    protocol.monitoring_end = std::max(protocol.monitoring_end, to);
    return protocol.phases.back();
  }

  config::PhaseMusic& music(const std::string& phase_name) {
    if (auto* found = const_cast<config::PhaseMusic*>(playlist.music_for(phase_name))) return *found;
    config::PhaseMusic m;
    m.phase = phase_name;
    playlist.phases.push_back(m);
    return playlist.phases.back();
  }

  /** Adds a track of `length` to the phase's list (file name unique per call). */
  config::Entry& track(const std::string& phase_name, Millis length, const std::string& name = {}) {
    config::Entry e;
    e.file = "/music/" + (name.empty() ? phase_name + "-" + std::to_string(counter_++) : name) + ".flac";
    e.title = name.empty() ? e.file : name;
    input.durations[e.file] = length;
    auto& m = music(phase_name);
    m.entries.push_back(e);
    return m.entries.back();
  }

  config::Entry& alternate(const std::string& phase_name, Millis length, const std::string& name) {
    config::Entry e;
    e.file = "/music/" + name + ".flac";
    e.title = name;
    input.durations[e.file] = length;
    auto& m = music(phase_name);
    m.alternates.push_back(e);
    return m.alternates.back();
  }

  void silence(const std::string& phase_name, Millis length) {
    config::Entry e;
    e.kind = config::Entry::Kind::Silence;
    e.silence = length;
    music(phase_name).entries.push_back(e);
  }

  void event(plan::SessionEvent::Kind kind, Millis at, double volume_db = 0) {
    input.events.push_back({kind, at, volume_db});
  }

  [[nodiscard]] plan::Plan make() const { return plan::make_plan(input); }

 private:
  int counter_ = 0;
};

/** Gain of a segment's fades at time t (fade-in * every fade-out), 0..1, shape-agnostic: 1 = untouched. */
inline bool fading_at(const plan::Segment& s, Millis t) {
  if (t < s.start + s.fade_in) return true;
  for (const auto& f : s.fade_outs)
    if (t >= f.at) return true;
  return false;
}

}  // namespace stillroom::test
