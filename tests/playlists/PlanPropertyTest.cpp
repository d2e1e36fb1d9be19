// Properties of the plan over random protocols, playlists and event sequences:
// phase boundaries never move except by the booster rule, nothing is silent
// that should sound, nothing overlaps except inside fades, the same input always
// gives the same plan, and an event never rewrites what came before it.
#include "PlanFixture.hpp"
#include "playlists/PhaseTimeline.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <sstream>

using namespace stillroom;
using namespace stillroom::test;
using Kind = plan::SessionEvent::Kind;

namespace {

struct Scenario {
  PlanFixture f;
  std::string description;
};

long long pick(std::mt19937_64& r, long long lo, long long hi) {
  return lo + static_cast<long long>(r() % static_cast<unsigned long long>(hi - lo + 1));
}

Scenario random_scenario(std::uint64_t seed, bool with_boosters) {
  std::mt19937_64 r(seed);
  Scenario s;
  auto& f = s.f;
  f.room.audio.boundary_tolerance = sec(static_cast<double>(pick(r, 0, 30)));
  const int phases = static_cast<int>(pick(r, 1, 6));
  Millis t = pick(r, 0, 1) ? min(-static_cast<double>(pick(r, 1, 15))) : min(0);
  for (int i = 0; i < phases; ++i) {
    const Millis length = sec(static_cast<double>(pick(r, 30, 3600)));
    const std::string name = "ph" + std::to_string(i);
    f.phase(name, t, t + length, i % 2 ? "dim" : "dark", sec(static_cast<double>(pick(r, 0, 20))));
    t += length;
    const int tracks = static_cast<int>(pick(r, 0, 6));
    for (int k = 0; k < tracks; ++k) {
      if (pick(r, 0, 9) == 0) {
        f.silence(name, sec(static_cast<double>(pick(r, 1, 120))));
      } else {
        auto& e = f.track(name, Millis{pick(r, 5'000, 600'000)});
        if (pick(r, 0, 4) == 0) e.trim_start = Millis{pick(r, 0, 3'000)};
        if (pick(r, 0, 4) == 0) e.trim_end = Millis{pick(r, 0, 3'000)};
      }
    }
    if (tracks > 0) {
      auto& m = f.music(name);
      m.loop = pick(r, 0, 1) != 0;
      m.crossfade = pick(r, 0, 3) == 0 ? sec(static_cast<double>(pick(r, 1, 6))) : Millis{0};
      m.shuffle = pick(r, 0, 2) == 0;
      for (int a = 0, n = static_cast<int>(pick(r, 0, 2)); a < n; ++a)
        f.alternate(name, Millis{pick(r, 5'000, 300'000)}, name + "-alt" + std::to_string(a));
    }
  }
  f.protocol.monitoring_end = t + min(static_cast<double>(pick(r, 0, 60)));
  f.protocol.end_fade = sec(static_cast<double>(pick(r, 1, 60)));
  f.input.shuffle_seed = r();
  f.input.start_at = f.protocol.phases.front().start + Millis{pick(r, 0, 1) ? 0 : pick(r, 0, 120'000)};
  if (with_boosters) {
    f.protocol.booster.kind = pick(r, 0, 1) ? config::BoosterKind::Extend : config::BoosterKind::Reanchor;
    f.protocol.booster.earliest = Millis{0};
    f.protocol.booster.latest = t;
    f.protocol.booster.extend_by = min(static_cast<double>(pick(r, 1, 30)));
    f.protocol.booster.max_boosters = static_cast<int>(pick(r, 1, 2));
  }

  const int events = static_cast<int>(pick(r, 0, 14));
  Millis at = f.input.start_at;
  const Millis horizon = t + min(5);
  for (int i = 0; i < events; ++i) {
    at += Millis{pick(r, 0, (horizon - f.input.start_at).count() / 6 + 1)};
    static constexpr Kind kinds[] = {Kind::Pause, Kind::Resume, Kind::Skip, Kind::Alternate, Kind::TalkOn,
                                     Kind::TalkOff, Kind::Volume, Kind::Skip, Kind::Pause, Kind::Resume};
    Kind kind = kinds[pick(r, 0, 9)];
    if (with_boosters && pick(r, 0, 5) == 0) kind = Kind::Booster;
    if (i == events - 1 && pick(r, 0, 3) == 0) kind = pick(r, 0, 1) ? Kind::Stop : Kind::Emergency;
    f.event(kind, at, static_cast<double>(pick(r, -40, 6)));
  }
  std::ostringstream d;
  d << "seed " << seed << ": " << phases << " phases, " << events << " events";
  s.description = d.str();
  return s;
}

std::string fingerprint(const plan::Plan& p) {
  std::ostringstream out;
  for (const auto& s : p.segments) {
    out << s.id << ' ' << s.start.count() << ' ' << s.end.count() << ' ' << s.source_offset.count() << ' '
        << s.fade_in.count() << ' ' << s.joins << ' ' << s.file << ' ' << s.fade_outs.size() << '\n';
  }
  for (const auto& c : p.master) out << c.at.count() << ' ' << c.target_db << '\n';
  for (const auto& c : p.lights) out << c.at.count() << ' ' << c.scene << '\n';
  for (const auto& f : p.flags) out << f.message << '\n';
  return out.str();
}

/** Intervals [from, to) in which music is expected: running, not paused, not stopped. */
std::vector<std::pair<Millis, Millis>> expected_playing(const PlanFixture& f, const plan::Plan& p) {
  std::vector<std::pair<Millis, Millis>> out;
  const Millis from = std::max(f.input.start_at, p.phases.front().start);
  Millis open = from;
  bool playing = true;
  auto events = f.input.events;
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  for (const auto& e : events) {
    if (e.kind == Kind::Pause && playing) {
      out.emplace_back(open, e.at);
      playing = false;
    } else if (e.kind == Kind::Resume && !playing && e.at < p.stopped_at.value_or(Millis::max())) {
      open = std::max(e.at, from);
      playing = true;
    } else if ((e.kind == Kind::Stop || e.kind == Kind::Emergency)) {
      if (playing) out.emplace_back(open, e.at);
      playing = false;
      break;
    }
  }
  if (playing) out.emplace_back(open, p.session_end);
  return out;
}

bool phase_has_music(const PlanFixture& f, const plan::PhaseSpan& phase) {
  const auto* m = f.playlist.music_for(phase.name);
  return m != nullptr && !m->entries.empty();
}

}  // namespace

TEST_CASE("property: identical inputs give identical plans") {
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    const auto a = random_scenario(seed, seed % 3 == 0);
    const auto b = random_scenario(seed, seed % 3 == 0);
    INFO(a.description);
    CHECK(fingerprint(a.f.make()) == fingerprint(b.f.make()));
  }
}

TEST_CASE("property: phase boundaries never move, except by the booster rule") {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const bool boosters = seed % 2 == 0;
    const auto s = random_scenario(seed, boosters);
    INFO(s.description);
    const auto p = s.f.make();
    const auto& protocol = s.f.protocol;
    REQUIRE(p.phases.size() == protocol.phases.size());
    if (!boosters) {
      for (std::size_t i = 0; i < p.phases.size(); ++i) {
        CHECK(p.phases[i].start == protocol.phases[i].start);
        CHECK(p.phases[i].end == protocol.phases[i].end);
      }
      continue;
    }
    // Each accepted booster moves only boundaries after it, by its rule's shift.
    std::vector<Millis> bounds;
    for (const auto& ph : protocol.phases) bounds.push_back(ph.start);
    bounds.push_back(protocol.session_end());
    int accepted = 0;
    for (const auto& e : s.f.input.events) {
      if (e.kind != Kind::Booster || e.at < s.f.input.start_at) continue;
      const Millis b = e.at;
      if (!plan::booster_refusal(protocol, b, accepted, bounds.back(), plan::final_fade(protocol, s.f.room)).empty())
        continue;
      ++accepted;
      Millis shift = protocol.booster.extend_by;
      if (protocol.booster.kind == config::BoosterKind::Reanchor) {
        shift = Millis{0};
        for (std::size_t i = 0; i + 1 < bounds.size(); ++i)
          if (bounds[i] <= b && b < bounds[i + 1]) shift = b - bounds[i];
      }
      for (auto& x : bounds)
        if (x > b) x += shift;
    }
    for (std::size_t i = 0; i < p.phases.size(); ++i) CHECK(p.phases[i].start == bounds[i]);
    CHECK(p.session_end == bounds.back());
    for (std::size_t i = 0; i + 1 < p.phases.size(); ++i) CHECK(p.phases[i].end == p.phases[i + 1].start);
  }
}

TEST_CASE("property: no silence except planned silence, pauses, stops and phases without music") {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const auto s = random_scenario(seed, seed % 4 == 0);
    INFO(s.description);
    const auto p = s.f.make();
    for (const auto& [from, to] : expected_playing(s.f, p)) {
      // Probe every instant where something changes, and a grid between them.
      std::vector<Millis> probes;
      for (const auto& seg : p.segments) {
        probes.push_back(seg.start);
        probes.push_back(seg.end);
        probes.push_back(seg.end - Millis{1});
      }
      for (Millis t = from; t < to; t += sec(7)) probes.push_back(t);
      for (const Millis t : probes) {
        if (t < from || t >= to) continue;
        const auto* phase = p.phase_at(t);
        if (phase == nullptr || !phase_has_music(s.f, *phase)) continue;
        const auto* seg = p.segment_at(t);
        INFO("at " << config::format_clock(t) << " (" << t.count() << " ms) in phase " << phase->name);
        CHECK(seg != nullptr);
      }
    }
  }
}

TEST_CASE("property: segments overlap only where one of them is fading") {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const auto s = random_scenario(seed, seed % 5 == 0);
    INFO(s.description);
    const auto p = s.f.make();
    for (std::size_t i = 0; i < p.segments.size(); ++i) {
      const auto& a = p.segments[i];
      CHECK(a.start < a.end);
      for (std::size_t j = i + 1; j < p.segments.size(); ++j) {
        const auto& b = p.segments[j];  // b.start >= a.start
        if (b.start >= a.end) break;
        // During the overlap the older one must be fading out, throughout.
        const bool older_fading = std::any_of(a.fade_outs.begin(), a.fade_outs.end(),
                                              [&](const plan::Fade& f) { return f.at <= b.start; });
        INFO("overlap of '" << a.file << "' and '" << b.file << "' at " << config::format_clock(b.start));
        CHECK(older_fading);
        CHECK(b.joins != a.id);  // a gapless join never overlaps what it joins
      }
      // Joined segments start exactly where what they join ends.
      if (a.joins != 0) {
        const auto prev = std::find_if(p.segments.begin(), p.segments.end(), [&](const auto& x) { return x.id == a.joins; });
        REQUIRE(prev != p.segments.end());
        CHECK(prev->natural_end);
        CHECK(prev->end == a.start);
      }
    }
  }
}

TEST_CASE("property: an event never rewrites what the plan said about earlier times") {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    auto s = random_scenario(seed, seed % 3 == 0);
    INFO(s.description);
    auto events = s.f.input.events;
    std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
    s.f.input.events.clear();
    auto before = s.f.make();
    for (const auto& e : events) {
      s.f.input.events.push_back(e);
      const auto after = s.f.make();
      for (const auto& seg : before.segments) {
        if (seg.start >= e.at) continue;  // began at or after the event: free to change
        const auto it = std::find_if(after.segments.begin(), after.segments.end(),
                                     [&](const auto& x) { return x.id == seg.id; });
        INFO("segment '" << seg.file << "' from " << config::format_clock(seg.start) << " after "
                         << plan::to_string(e.kind) << " at " << config::format_clock(e.at));
        REQUIRE(it != after.segments.end());
        CHECK(it->start == seg.start);
        CHECK(it->source_offset == seg.source_offset);
        CHECK(it->fade_in == seg.fade_in);
        // Its end may move (a booster moves a later boundary), never to before the event.
        CHECK(std::min(it->end, e.at) == std::min(seg.end, e.at));
        // Fades decided before the event are still there.
        for (std::size_t k = 0; k < seg.fade_outs.size(); ++k) {
          if (seg.fade_outs[k].at >= e.at) continue;
          REQUIRE(k < it->fade_outs.size());
          CHECK(it->fade_outs[k].at == seg.fade_outs[k].at);
          CHECK(it->fade_outs[k].length == seg.fade_outs[k].length);
        }
      }
      for (std::size_t i = 0; i < before.phases.size(); ++i) {
        if (before.phases[i].start < e.at) CHECK(after.phases[i].start == before.phases[i].start);
      }
      before = after;
    }
  }
}
