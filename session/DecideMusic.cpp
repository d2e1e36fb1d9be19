// The therapist's music commands: pause, resume, talk, volume, skip and
// alternate. Each becomes an event on the dose clock; the plan (tried on a copy
// of the state) says whether the music can do it now.
#include "session/Apply.hpp"
#include "session/Decide.hpp"

#include <algorithm>
#include <cstdio>

namespace stillroom::session {
namespace {

constexpr double kLowestVolumeDb = -60.0;

std::string db_text(double db) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f dB", db);
  return buf;
}

std::optional<std::string> label(const plan::Segment* s) {
  if (s == nullptr) return std::nullopt;
  if (s->silence) return std::string("silence");
  if (!s->title.empty()) return s->title;
  const auto slash = s->file.find_last_of('/');
  return slash == std::string::npos ? s->file : s->file.substr(slash + 1);
}

std::string refusal_in_state(const SessionState& s, CommandKind kind) {
  const bool running = s.status == SessionStatus::Running;
  const bool paused = s.status == SessionStatus::Paused;
  switch (kind) {
    case CommandKind::Pause:
      if (!running) return paused ? "already paused" : "no music is running (" + in_state(s) + ")";
      break;
    case CommandKind::Resume:
      if (!paused) return running ? "not paused" : "no session to resume (" + in_state(s) + ")";
      break;
    case CommandKind::Skip:
    case CommandKind::Alternate:
      if (!running) return std::string(to_string(kind)) + " needs running music (" + in_state(s) + ")";
      break;
    case CommandKind::Talk:
      if (!running && !paused) return "talk needs a running session (" + in_state(s) + ")";
      break;
    case CommandKind::Volume:
      if (!running && !paused && s.status != SessionStatus::Ready)
        return "volume needs a preloaded or running session (" + in_state(s) + ")";
      break;
    default: break;
  }
  return {};
}

/** The client's limit is a ceiling on what they hear: a volume that would break it in this phase is refused, naming it. */
std::string volume_refusal(const SessionState& s, const Command& c, const config::Library& library,
                           std::optional<Millis> now) {
  const double room_max = library.room.audio.max_volume_db;
  if (c.db > room_max) return "volume " + db_text(c.db) + " is above this room's maximum of " + db_text(room_max);
  if (c.db < kLowestVolumeDb) return "volume " + db_text(c.db) + " is below " + db_text(kLowestVolumeDb);
  if (s.client_file == nullptr || !s.client_file->max_volume_db) return {};
  const double limit = *s.client_file->max_volume_db;
  const plan::PhaseSpan* phase = now ? s.plan.phase_at(*now) : nullptr;
  if (phase == nullptr && !s.plan.phases.empty()) phase = &s.plan.phases.front();
  if (phase == nullptr) return {};
  const double heard = phase->volume_db + c.db;
  if (heard <= limit + 1e-9) return {};
  return "volume " + db_text(c.db) + " would play phase '" + phase->name + "' at " + db_text(heard) + ", above " +
         s.clients.front().id + "'s limit of " + db_text(limit);
}

}  // namespace

Decision decide_music(const SessionState& state, const Command& c, const DecideContext& context) {
  if (auto why = refusal_in_state(state, c.kind); !why.empty()) return Decision::refuse(why);
  const auto now = dose_now(state, context.now);
  Decision d;
  d.what = std::string("the ") + to_string(c.kind);
  if (c.kind == CommandKind::Volume) {
    if (auto why = volume_refusal(state, c, context.library, now); !why.empty()) return Decision::refuse(why);
    d.events.emplace_back(VolumeChanged{c.db, now});
    if (!now) return d;  // ready: the volume the session will start at
  }
  if (c.kind == CommandKind::Talk && c.on == state.talk)
    return Decision::refuse(std::string("talk is already ") + (state.talk ? "on" : "off"));

  const Millis at = *now;
  switch (c.kind) {
    case CommandKind::Pause: d.events.emplace_back(Paused{at}); break;
    case CommandKind::Resume: d.events.emplace_back(Resumed{at}); break;
    case CommandKind::Talk: d.events.emplace_back(TalkChanged{c.on, at}); break;
    case CommandKind::Skip: d.events.emplace_back(Skipped{label(state.plan.segment_at(at)), std::nullopt, at, std::nullopt}); break;
    case CommandKind::Alternate: d.events.emplace_back(Alternated{label(state.plan.segment_at(at)), std::nullopt, at}); break;
    default: break;
  }

  // Try it: the plan knows whether the music can (nothing playing, no alternates...).
  SessionState trial = state;
  apply(trial, Happened{d.events.back(), state.id, {c.device, c.role}, context.now, c.id}, context.library);
  for (const auto& flag : trial.plan.flags) {
    if (flag.kind != plan::Flag::Kind::EventIgnored || flag.at != at) continue;
    const bool old = std::any_of(state.plan.flags.begin(), state.plan.flags.end(),
                                 [&](const plan::Flag& f) { return f.message == flag.message; });
    if (!old) return Decision::refuse(flag.message);
  }
  if (auto* skip = std::get_if<Skipped>(&d.events.back())) skip->to = label(trial.plan.segment_at(at));
  if (auto* alt = std::get_if<Alternated>(&d.events.back())) alt->to = label(trial.plan.segment_at(at));
  return d;
}

Decision file_failed(const SessionState& state, std::uint64_t segment, const std::string& error, Millis audio_until,
                     const DecideContext& context) {
  Decision d;
  const auto it = std::find_if(state.plan.segments.begin(), state.plan.segments.end(),
                               [&](const plan::Segment& s) { return s.id == segment; });
  if (state.status != SessionStatus::Running || it == state.plan.segments.end()) return d;
  const Millis now = *dose_now(state, context.now);
  // Cross-fade away while there is still sound to fade; a file that gave nothing at all is replaced at its start.
  Millis at = audio_until <= it->start
                  ? it->start
                  : std::max(it->start, audio_until - context.library.room.audio.ramps.manual_crossfade);
  at = std::max(at, now);
  Skipped skip{label(&*it), std::nullopt, at, "audio file failed: " + error};
  SessionState trial = state;
  apply(trial, Happened{skip, state.id, {}, context.now, {}}, context.library);
  skip.to = label(trial.plan.segment_at(at));
  d.events.emplace_back(skip);
  d.what = "the skip";
  return d;
}

}  // namespace stillroom::session
