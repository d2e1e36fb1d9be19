#include "playlists/Planner.hpp"

#include "playlists/PlayOrder.hpp"

#include <algorithm>

namespace stillroom::plan {
namespace {

using Kind = SessionEvent::Kind;

constexpr double kLowestVolumeDb = -80.0;

std::string clock(Millis t) { return config::format_clock(t); }

}  // namespace

Planner::Planner(const PlanInput& input)
    : in_(input), room_(*input.room), protocol_(*input.protocol) {
  std::vector<Millis> boosters;
  for (const auto& e : in_.events)
    if (e.kind == Kind::Booster && e.at >= in_.start_at) boosters.push_back(e.at);
  timeline_ = phase_timeline(protocol_, boosters, final_fade(protocol_, room_));

  for (std::size_t i = 0; i < protocol_.phases.size(); ++i) {
    PhaseList list;
    list.music = in_.playlist ? in_.playlist->music_for(protocol_.phases[i].name) : nullptr;
    if (list.music != nullptr) {
      // A phase without a fixed seed shuffles with the session's seed, mixed
      // with the phase name so that two phases never share an order by accident.
      const std::uint64_t seed = list.music->seed ? *list.music->seed
                                                  : stable_hash(list.music->phase, in_.shuffle_seed ^ 0x9e3779b97f4a7c15ULL);
      list.order = play_order(static_cast<int>(list.music->entries.size()), list.music->shuffle, seed);
    }
    lists_.push_back(std::move(list));
  }
}

Plan Planner::run() {
  plan_.phases = timeline_.phases;
  plan_.session_end = timeline_.session_end;
  plan_.monitoring_end = timeline_.monitoring_end;
  plan_.start_at = in_.start_at;
  plan_.cap_db = room_.audio.max_volume_db;
  if (in_.client && in_.client->max_volume_db) plan_.cap_db = std::min(plan_.cap_db, *in_.client->max_volume_db);
  for (const auto& [at, why] : timeline_.refused_boosters) flag(Flag::Kind::EventIgnored, at, "booster ignored: " + why);

  std::vector<SessionEvent> events = in_.events;
  std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.at < b.at; });

  const Millis start = in_.start_at;
  const Millis music_from = plan_.phases.empty() ? start : std::max(start, plan_.phases.front().start);
  playing_ = true;
  if (music_from < plan_.session_end && music_from == start) {
    start_phase_music(phase_index_at(start), start, room_.audio.ramps.resume, FadeShape::Smooth, 0);
  }

  // The moments where something may change, in time order: boundaries first
  // when a boundary and an event fall on the same millisecond, then the start
  // of the final fade.
  std::size_t next_event = 0;
  std::size_t next_phase = 0;
  while (next_phase < plan_.phases.size() && plan_.phases[next_phase].start <= start) ++next_phase;
  if (music_from > start) next_phase = 0;  // the session began before the first phase: it starts at its start
  const Millis end_fade = final_fade(protocol_, room_);
  const Millis end_fade_at = std::max(plan_.session_end - end_fade, start);
  bool end_fade_done = false;
  for (;;) {
    const Millis phase_at = next_phase < plan_.phases.size() && plan_.phases[next_phase].start < plan_.session_end
                                ? plan_.phases[next_phase].start
                                : Millis::max();
    const Millis event_at = next_event < events.size() ? events[next_event].at : Millis::max();
    const Millis fade_at = end_fade_done ? Millis::max() : end_fade_at;
    if (phase_at == Millis::max() && event_at == Millis::max() && fade_at == Millis::max()) break;
    if (phase_at <= event_at && phase_at <= fade_at) {
      fill_until(phase_at);
      on_boundary(static_cast<int>(next_phase), phase_at);
      ++next_phase;
    } else if (fade_at <= event_at) {
      fill_until(fade_at);
      end_fade_ = Fade{fade_at, plan_.session_end - fade_at, FadeShape::Smooth};
      fade_out_audible(fade_at, end_fade_->length, end_fade_->shape, false);
      end_fade_done = true;
    } else {
      const auto& event = events[next_event++];
      if (event.at < start) {
        flag(Flag::Kind::EventIgnored, event.at,
             std::string(to_string(event.kind)) + " at " + clock(event.at) + " is before the session's start");
        continue;
      }
      // An event at the very instant a track begins acts on that track.
      fill_until(std::min(event.at, plan_.session_end), event.at < plan_.session_end);
      on_event(event);
    }
  }
  fill_until(plan_.session_end);

  // Drop segments replaced before they were heard, keep the rest by start.
  std::vector<Segment> kept;
  for (std::size_t i = 0; i < plan_.segments.size(); ++i)
    if (!removed_[i]) kept.push_back(std::move(plan_.segments[i]));
  std::stable_sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
  plan_.segments = std::move(kept);

  plan_.music_end = start;
  for (const auto& s : plan_.segments) plan_.music_end = std::max(plan_.music_end, s.end);

  add_master_cues();
  add_light_cues();
  add_reminders_and_notices();
  return std::move(plan_);
}

// ---- the music -------------------------------------------------------------

void Planner::start_phase_music(int phase, Millis at, Millis fade_in, FadeShape shape, std::uint64_t joins) {
  current_ = -1;
  entering_phase_ = false;
  if (phase < 0) return;
  const auto first = next_main(phase, 0, 0);
  if (!first) {
    const auto& name = plan_.phases[static_cast<std::size_t>(phase)].name;
    flag(Flag::Kind::NoMusic, at,
         "phase '" + name + "' has no music in playlist '" + (in_.playlist ? in_.playlist->id : "") +
             "': silence until the next phase",
         {}, name);
    return;
  }
  current_ = add_segment(*first, at, start_offset(*first), fade_in, shape, joins);
}

void Planner::fill_until(Millis until, bool inclusive) {
  while (playing_ && current_ >= 0) {
    const auto index = static_cast<std::size_t>(current_);
    if (!plan_.segments[index].natural_end) return;  // cut: whoever cut it started what follows
    const Position& at = position_of_[index];
    const Millis natural_end = natural_end_[index];
    const auto& music = *lists_[static_cast<std::size_t>(at.phase)].music;
    Millis overlap = entering_phase_ ? Millis{0} : music.crossfade;
    const Millis length = natural_end - plan_.segments[index].start;
    overlap = std::min(overlap, length / 2);
    const Millis next_start = natural_end - overlap;
    if (next_start > until || (next_start == until && !inclusive)) return;

    const int phase = entering_phase_ ? phase_index_at(natural_end) : at.phase;
    const auto next = entering_phase_ ? next_main(phase, 0, 0) : next_main(phase, at.next_slot, at.next_pass);
    entering_phase_ = false;
    if (!next) {
      current_ = -1;
      return;
    }
    if (overlap > Millis{0}) add_fade(plan_.segments[index], {next_start, overlap, FadeShape::EqualPower});
    const std::uint64_t joins = overlap > Millis{0} ? 0 : plan_.segments[index].id;
    current_ = add_segment(*next, next_start, start_offset(*next), overlap, FadeShape::EqualPower, joins);
  }
}

void Planner::on_boundary(int phase, Millis at) {
  if (!playing_) return;  // paused or stopped: the lights still follow, the music does not
  const Millis crossfade =
      std::max(protocol_.phases[static_cast<std::size_t>(phase)].crossfade, room_.audio.ramps.volume);
  const int c = current_;
  if (c >= 0) {
    auto& seg = plan_.segments[static_cast<std::size_t>(c)];
    const Millis natural_end = natural_end_[static_cast<std::size_t>(c)];
    const bool cut = !seg.natural_end;
    if (!cut && natural_end == at) {
      start_phase_music(phase, at, Millis{0}, FadeShape::EqualPower, seg.id);
      return;
    }
    if (!cut && natural_end > at && natural_end - at <= room_.audio.boundary_tolerance) {
      entering_phase_ = true;  // plays out; fill_until joins the new phase's first entry to it
      return;
    }
    if (seg.start <= at && at < seg.end) add_fade(seg, {at, crossfade, FadeShape::EqualPower});
  }
  start_phase_music(phase, at, crossfade, FadeShape::EqualPower, 0);
}

void Planner::on_event(const SessionEvent& e) {
  switch (e.kind) {
    case Kind::Pause: return on_pause(e.at);
    case Kind::Resume: return on_resume(e.at);
    case Kind::Skip: return on_skip(e.at, false);
    case Kind::Alternate: return on_skip(e.at, true);
    case Kind::Stop:
      if (stopped_) return flag(Flag::Kind::EventIgnored, e.at, "stop at " + clock(e.at) + ": already stopped");
      return on_stop(e.at, room_.audio.ramps.stop);
    case Kind::Emergency: return on_stop(e.at, room_.audio.ramps.emergency);
    case Kind::TalkOn:
    case Kind::TalkOff:
    case Kind::Volume:
    case Kind::Booster: return;  // master cues and the phase timeline are built elsewhere
  }
}

void Planner::on_pause(Millis at) {
  if (!playing_) {
    return flag(Flag::Kind::EventIgnored, at,
                "pause at " + clock(at) + ": " + (stopped_ ? "the music has stopped" : "already paused"));
  }
  playing_ = false;
  Paused paused;
  const int c = audible_current(at);
  if (c >= 0 && c == current_) {
    const auto& seg = plan_.segments[static_cast<std::size_t>(c)];
    paused.position = position_of_[static_cast<std::size_t>(c)];
    paused.source_position = seg.source_offset + (at - seg.start);
    paused.has_entry = true;
  } else {
    paused.position.phase = phase_index_at(at);
  }
  paused_ = paused;
  fade_out_audible(at, room_.audio.ramps.pause, FadeShape::Smooth, true);
  current_ = -1;
  entering_phase_ = false;
}

void Planner::on_resume(Millis at) {
  if (playing_ || stopped_ || !paused_) {
    return flag(Flag::Kind::EventIgnored, at,
                "resume at " + clock(at) + ": " + (stopped_ ? "the music has stopped" : "not paused"));
  }
  playing_ = true;
  const Paused paused = *paused_;
  paused_.reset();
  if (at >= plan_.session_end) return;
  const int phase = phase_index_at(at);
  if (phase < 0) return;  // before the first phase: its boundary starts the music
  if (paused.has_entry && paused.position.phase == phase) {
    current_ = add_segment(paused.position, at, paused.source_position, room_.audio.ramps.resume, FadeShape::Smooth, 0);
    return;
  }
  start_phase_music(phase, at, room_.audio.ramps.resume, FadeShape::Smooth, 0);
}

void Planner::on_skip(Millis at, bool alternate) {
  const char* what = alternate ? "alternate" : "skip";
  const int c = current_ >= 0 && plan_.segments[static_cast<std::size_t>(current_)].start <= at ? current_ : -1;
  if (!playing_ || c < 0 || at >= plan_.session_end) {
    return flag(Flag::Kind::EventIgnored, at, std::string(what) + " at " + clock(at) + ": nothing is playing");
  }
  const auto index = static_cast<std::size_t>(c);
  const Position from = position_of_[index];
  const auto& list = lists_[static_cast<std::size_t>(from.phase)];

  std::optional<Position> next;
  if (alternate) {
    const auto count = static_cast<int>(list.music->alternates.size());
    if (count == 0) {
      return flag(Flag::Kind::EventIgnored, at,
                  "alternate at " + clock(at) + ": phase '" + plan_.segments[index].phase + "' has no alternates");
    }
    Position p;
    p.phase = from.phase;
    p.role = Segment::Role::Alternate;
    p.slot = lists_[static_cast<std::size_t>(from.phase)].alternates_used++ % count;
    p.pass = from.pass;
    p.next_slot = from.next_slot;
    p.next_pass = from.next_pass;
    if (playable_length(list.music->alternates[static_cast<std::size_t>(p.slot)])) next = p;
  } else {
    next = next_main(from.phase, from.next_slot, from.next_pass);
  }
  if (!next) {
    return flag(Flag::Kind::EventIgnored, at, std::string(what) + " at " + clock(at) + ": nothing to play next");
  }

  auto& seg = plan_.segments[index];
  const Millis offset = start_offset(*next);
  entering_phase_ = false;
  if (seg.start == at) {
    // Skipped at the very instant it began: the next entry takes its place and its way in.
    removed_[index] = true;
    current_ = add_segment(*next, at, offset, seg.fade_in, seg.fade_in_shape, seg.joins);
    return;
  }
  const Millis crossfade = room_.audio.ramps.manual_crossfade;
  add_fade(seg, {at, crossfade, FadeShape::EqualPower});
  current_ = add_segment(*next, at, offset, crossfade, FadeShape::EqualPower, 0);
}

void Planner::on_stop(Millis at, Millis ramp) {
  fade_out_audible(at, ramp, FadeShape::Smooth, true);
  if (!stopped_) plan_.stopped_at = at;
  stopped_ = true;
  playing_ = false;
  paused_.reset();
  current_ = -1;
}

// ---- segments ----------------------------------------------------------------

const config::Entry* Planner::entry_at(const Position& p) const {
  if (p.phase < 0) return nullptr;
  const auto& list = lists_[static_cast<std::size_t>(p.phase)];
  if (list.music == nullptr) return nullptr;
  if (p.role == Segment::Role::Alternate) return &list.music->alternates[static_cast<std::size_t>(p.slot)];
  return &list.music->entries[static_cast<std::size_t>(list.order[static_cast<std::size_t>(p.slot)])];
}

Millis Planner::start_offset(const Position& p) const {
  const auto* entry = entry_at(p);
  return entry != nullptr && entry->kind == config::Entry::Kind::Track ? entry->trim_start : Millis{0};
}

std::optional<Millis> Planner::playable_length(const config::Entry& entry) {
  if (entry.kind == config::Entry::Kind::Silence) {
    if (entry.silence > Millis{0}) return entry.silence;
    flag(Flag::Kind::MissingDuration, Millis{0}, "silence of no length is left out", entry.where);
    return std::nullopt;
  }
  const auto it = in_.durations.find(entry.file);
  if (it == in_.durations.end()) {
    flag(Flag::Kind::MissingDuration, Millis{0}, "no duration known for '" + entry.file + "': left out", entry.where);
    return std::nullopt;
  }
  const Millis length = it->second - entry.trim_start - entry.trim_end;
  if (length <= Millis{0}) {
    flag(Flag::Kind::MissingDuration, Millis{0},
         "trims (" + config::format_duration(entry.trim_start) + " + " + config::format_duration(entry.trim_end) +
             ") leave nothing of '" + entry.label() + "' (" + config::format_duration(it->second) + "): left out",
         entry.where);
    return std::nullopt;
  }
  return length;
}

std::optional<Planner::Position> Planner::next_main(int phase, int slot, int pass) {
  if (phase < 0) return std::nullopt;
  const auto& list = lists_[static_cast<std::size_t>(phase)];
  if (list.music == nullptr || list.order.empty()) return std::nullopt;
  const auto count = static_cast<int>(list.order.size());
  for (int tried = 0; tried < count; ++tried, ++slot) {
    if (slot >= count) {
      slot = 0;
      ++pass;
    }
    Position p;
    p.phase = phase;
    p.role = pass > 0 ? Segment::Role::Repeat : Segment::Role::Main;
    p.slot = slot;
    p.pass = pass;
    p.next_slot = slot + 1;
    p.next_pass = pass;
    if (!playable_length(*entry_at(p))) continue;
    return p;
  }
  return std::nullopt;
}

int Planner::add_segment(const Position& p, Millis start, Millis source_offset, Millis fade_in, FadeShape shape,
                         std::uint64_t joins) {
  const auto& entry = *entry_at(p);
  const auto& phase = plan_.phases[static_cast<std::size_t>(p.phase)];
  const Millis length = *playable_length(entry);
  const Millis entry_begin = entry.kind == config::Entry::Kind::Track ? entry.trim_start : Millis{0};
  const Millis remaining = entry_begin + length - source_offset;

  Segment s;
  s.phase_index = p.phase;
  s.phase = phase.name;
  s.role = p.role;
  s.entry_index = p.role == Segment::Role::Alternate
                      ? p.slot
                      : lists_[static_cast<std::size_t>(p.phase)].order[static_cast<std::size_t>(p.slot)];
  s.silence = entry.kind == config::Entry::Kind::Silence;
  s.file = entry.file;
  s.title = entry.title;
  s.artist = entry.artist;
  s.lyrics = entry.lyrics;
  s.start = start;
  s.end = start + remaining;
  s.source_offset = source_offset;
  s.fade_in = std::min(fade_in, remaining);
  s.fade_in_shape = shape;
  s.joins = joins;
  s.natural_end = true;
  s.level_db = phase.volume_db;
  s.gain_db = entry.gain_db;

  std::uint64_t h = stable_hash(s.file);
  for (const std::int64_t part : {std::int64_t{p.phase}, static_cast<std::int64_t>(p.role),
                                  std::int64_t{s.entry_index}, std::int64_t{p.pass}, std::int64_t{start.count()},
                                  std::int64_t{source_offset.count()}}) {
    h = stable_hash(std::string_view(reinterpret_cast<const char*>(&part), sizeof part), h);
  }
  s.id = h == 0 ? 1 : h;

  if (s.lyrics && !phase.lyrics_allowed) {
    flag(Flag::Kind::LyricsInPhase, start,
         "'" + entry.label() + "' has lyrics and plays in phase '" + phase.name + "', which does not allow them",
         entry.where, phase.name);
  }
  if (p.role == Segment::Role::Repeat && !lists_[static_cast<std::size_t>(p.phase)].music->loop) {
    const Millis span = phase.end - phase.start;
    flag(Flag::Kind::ShortPhase, start,
         "phase '" + phase.name + "' lasts " + config::format_duration(span) + " but its music in playlist '" +
             (in_.playlist ? in_.playlist->id : "") + "' runs out at " + clock(start) +
             ": the list starts again from the top (add tracks, or set loop: true if that is intended)",
         lists_[static_cast<std::size_t>(p.phase)].music->where, phase.name);
  }

  // Music that begins during the final fade begins at the fade's level.
  if (end_fade_) add_fade(s, *end_fade_);

  plan_.segments.push_back(std::move(s));
  natural_end_.push_back(start + remaining);
  position_of_.push_back(p);
  removed_.push_back(false);
  return static_cast<int>(plan_.segments.size()) - 1;
}

void Planner::add_fade(Segment& segment, Fade fade) {
  if (fade.at >= segment.end) return;  // already over by then
  segment.fade_outs.push_back(fade);
  if (fade.at + fade.length < segment.end) {
    segment.end = fade.at + fade.length;
    segment.natural_end = false;
  }
}

void Planner::fade_out_audible(Millis at, Millis length, FadeShape shape, bool ends_music) {
  for (std::size_t i = 0; i < plan_.segments.size(); ++i) {
    auto& seg = plan_.segments[i];
    if (removed_[i] || seg.start > at || seg.end <= at) continue;
    if (ends_music && seg.start == at && seg.fade_in > Millis{0} && static_cast<int>(i) == current_) {
      removed_[i] = true;  // would have started and stopped in the same instant
      continue;
    }
    add_fade(seg, {at, length, shape});
  }
}

int Planner::audible_current(Millis at) const {
  for (int i = static_cast<int>(plan_.segments.size()) - 1; i >= 0; --i) {
    const auto& seg = plan_.segments[static_cast<std::size_t>(i)];
    if (!removed_[static_cast<std::size_t>(i)] && seg.start <= at && at < seg.end) return i;
  }
  return -1;
}

int Planner::phase_index_at(Millis at) const {
  for (const auto& p : plan_.phases)
    if (p.start <= at && at < p.end) return p.index;
  return -1;
}

void Planner::flag(Flag::Kind kind, Millis at, std::string message, config::SourceMark where, std::string phase) {
  // Each fact once: a list that repeats three times is one warning, not three.
  const std::string key = std::to_string(static_cast<int>(kind)) + "|" + where.str() + "|" +
                          (kind == Flag::Kind::ShortPhase || kind == Flag::Kind::MissingDuration ? "" : message);
  if (kind == Flag::Kind::LyricsInPhase || kind == Flag::Kind::ShortPhase || kind == Flag::Kind::MissingDuration) {
    if (!flagged_.insert(key).second) return;
  }
  plan_.flags.push_back({kind, at, std::move(message), std::move(where), std::move(phase)});
}

// ---- master volume, lights, reminders --------------------------------------

void Planner::add_master_cues() {
  const auto& audio = room_.audio;
  // The therapist's volume lives within the room's range; a client's limit is a
  // ceiling on what that client hears (plan_.cap_db), applied once by the mixer
  // on the final level, never a lower master volume.
  MasterCue cue;
  cue.at = in_.start_at;
  cue.volume_db = std::clamp(audio.default_volume_db, kLowestVolumeDb, audio.max_volume_db);
  cue.target_db = cue.volume_db;
  plan_.master.push_back(cue);
  for (const auto& e : in_.events) {
    if (e.at < in_.start_at) continue;
    if (e.kind != Kind::Volume && e.kind != Kind::TalkOn && e.kind != Kind::TalkOff) continue;
    MasterCue next = plan_.master.back();
    next.at = e.at;
    if (e.kind == Kind::Volume) {
      next.volume_db = std::clamp(e.volume_db, kLowestVolumeDb, audio.max_volume_db);
      next.ramp = audio.ramps.volume;
    } else {
      next.talk = e.kind == Kind::TalkOn;
      next.ramp = audio.ramps.talk;
    }
    next.target_db = next.volume_db + (next.talk ? audio.talk_duck_db : 0.0);
    plan_.master.push_back(next);
  }
  std::stable_sort(plan_.master.begin(), plan_.master.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
}

void Planner::add_light_cues() {
  const auto& lights = room_.lights;
  const auto scene_cue = [&](Millis at, LightCue::Reason reason, const std::string& name, Millis fade, bool personal) {
    LightCue cue;
    cue.at = at;
    cue.reason = reason;
    cue.scene = name;
    cue.fade = fade;
    if (const auto it = lights.scenes.find(name); it != lights.scenes.end()) {
      cue.brightness_pct = it->second.brightness_pct;
      cue.color_temp_k = it->second.color_temp_k;
    }
    // The client's preferences shape the session's scenes, never the room's
    // normal or emergency light.
    if (personal && in_.client) {
      if (in_.client->max_brightness_pct) cue.brightness_pct = std::min(cue.brightness_pct, *in_.client->max_brightness_pct);
      if (in_.client->color_temp_k) cue.color_temp_k = in_.client->color_temp_k;
    }
    plan_.lights.push_back(std::move(cue));
  };

  const Millis start = in_.start_at;
  const Millis stop = plan_.stopped_at.value_or(Millis::max());
  Millis emergency = Millis::max();
  for (const auto& e : in_.events)
    if (e.kind == Kind::Emergency && e.at >= start) emergency = std::min(emergency, e.at);
  const Millis until = std::min({stop, plan_.session_end});

  for (const auto& p : plan_.phases) {
    if (p.end <= start || p.start >= until) continue;
    const Millis at = std::max(p.start, start);
    scene_cue(at, at == start ? LightCue::Reason::Start : LightCue::Reason::Phase, p.light_scene,
              protocol_.phases[static_cast<std::size_t>(p.index)].light_fade, true);
  }
  if (emergency != Millis::max()) {
    std::erase_if(plan_.lights, [&](const LightCue& c) { return c.at > emergency; });
    scene_cue(emergency, LightCue::Reason::Emergency, lights.emergency_scene, Millis{0}, false);
  } else if (plan_.stopped_at && *plan_.stopped_at < plan_.session_end) {
    scene_cue(*plan_.stopped_at, LightCue::Reason::Stop, lights.normal_scene, lights.return_fade, false);
  } else if (start < plan_.session_end) {
    scene_cue(plan_.session_end, LightCue::Reason::End, lights.normal_scene, lights.return_fade, false);
  }
  std::stable_sort(plan_.lights.begin(), plan_.lights.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
}

void Planner::add_reminders_and_notices() {
  plan_.reminders = reminder_cues(protocol_, plan_.session_end, plan_.monitoring_end, in_.start_at);

  const Millis until = plan_.stopped_at.value_or(Millis::max());
  for (const Millis left : protocol_.minutes_left) {
    const Millis at = plan_.session_end - left;
    if (at >= in_.start_at && at < until) plan_.notices.push_back({at, left});
  }
  std::stable_sort(plan_.notices.begin(), plan_.notices.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
}

}  // namespace stillroom::plan
