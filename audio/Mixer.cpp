#include "audio/Mixer.hpp"

#include <algorithm>
#include <cmath>

namespace stillroom::audio {

namespace {

using config::Millis;

/** Whether a pending voice's stream would have to be opened differently. */
bool stream_changed(const plan::Segment& a, const plan::Segment& b) {
  return a.file != b.file || a.source_offset != b.source_offset || a.joins != b.joins ||
         a.natural_end != b.natural_end || a.silence != b.silence || (a.natural_end && a.end != b.end);
}

}  // namespace

Mixer::Mixer(const config::AudioSettings& settings, StreamProvider& streams, EngineListener& listener,
             bool real_time)
    : format_{settings.sample_rate, settings.channels}, settings_(settings), streams_(streams), listener_(listener),
      real_time_(real_time),
      max_step_(1.0 / static_cast<double>(std::max<std::int64_t>(1, ms_to_frames(kMinRampMs, settings.sample_rate)))),
      lookahead_(ms_to_frames(std::max(settings.decode_ahead, Millis{2000}) + Millis{1000}, settings.sample_rate)),
      late_tolerance_(ms_to_frames(settings.latency + Millis{1000}, settings.sample_rate)) {}

Mixer::~Mixer() {
  for (auto& voice : voices_) {
    if (voice->stream) streams_.close(voice->stream);
  }
}

Voice* Mixer::find(std::uint64_t segment) noexcept {
  for (auto& voice : voices_) {
    if (voice->seg.id == segment) return voice.get();
  }
  return nullptr;
}

void Mixer::emit(EngineEvent::Kind kind, const Voice& voice, std::int64_t at_frame, std::string detail) {
  EngineEvent event;
  event.kind = kind;
  event.segment = voice.seg.id;
  event.at = dose_at(at_frame);
  event.file = voice.seg.file;
  event.detail = std::move(detail);
  listener_.on_engine_event(event);
}

// ---------------------------------------------------------------------------
// Following a plan

void Mixer::follow(plan::Plan plan, std::int64_t origin) {
  const bool first = !has_plan_;
  origin_ = origin;
  plan_ = std::move(plan);
  has_plan_ = true;
  first_open_ = 0;

  std::vector<MasterStep> steps;
  steps.reserve(plan_.master.size());
  for (const auto& cue : plan_.master) steps.push_back(MasterStep{frame_of(cue.at), cue.target_db, frames(cue.ramp)});
  master_.follow(steps, position_);
  if (first) {
    cap_db_ = Ramp::hold(plan_.cap_db);
  } else if (plan_.cap_db != cap_db_.to) {
    cap_db_ = Ramp{position_, frames(settings_.ramps.volume), cap_db_.value(position_), plan_.cap_db,
                   plan::FadeShape::Smooth, FadeDirection::In};
  }

  std::map<std::uint64_t, const plan::Segment*> by_id;
  for (const auto& seg : plan_.segments) by_id.emplace(seg.id, &seg);

  std::vector<std::unique_ptr<Voice>> kept;
  // Voices move from voices_ to kept as they are looked at: a predecessor may be in either.
  const auto still_there = [&](std::uint64_t segment) {
    const auto is = [&](const std::unique_ptr<Voice>& v) { return v && v->seg.id == segment; };
    return std::any_of(kept.begin(), kept.end(), is) || std::any_of(voices_.begin(), voices_.end(), is);
  };
  for (auto& owned : voices_) {
    Voice& voice = *owned;
    const auto it = by_id.find(voice.seg.id);
    const plan::Segment* seg = voice.vanished || it == by_id.end() ? nullptr : it->second;
    if (voice.state == Voice::State::Pending) {
      // Not sounding yet: anything that changes its stream or its place is simply recreated by activate().
      bool keep = seg != nullptr && !stream_changed(voice.seg, *seg);
      if (keep && voice.pred != 0 && !still_there(voice.pred) && !ended_at_.contains(voice.pred)) keep = false;
      if (keep && voice.pred == 0 && frame_of(seg->start) < position_) keep = false;
      if (!keep) {
        if (voice.stream) streams_.close(voice.stream);
        continue;
      }
      voice.seg = *seg;
      if (voice.pred == 0) schedule(voice, frame_of(seg->start));
      plan_fade_out(voice);
    } else if (seg == nullptr) {
      vanish(voice, frames(settings_.ramps.volume));
    } else {
      update_playing(voice, *seg);
    }
    kept.push_back(std::move(owned));
  }
  voices_ = std::move(kept);
  // A pending voice whose predecessor was just dropped is recreated too.
  std::erase_if(voices_, [&](const std::unique_ptr<Voice>& v) {
    const bool orphan = v->state == Voice::State::Pending && v->pred != 0 && !v->start_known &&
                        find(v->pred) == nullptr && !ended_at_.contains(v->pred);
    if (orphan && v->stream) streams_.close(v->stream);
    return orphan;
  });
}

void Mixer::update_playing(Voice& voice, const plan::Segment& seg) {
  const std::int64_t volume = frames(settings_.ramps.volume);
  if (seg.level_db != voice.seg.level_db) {
    voice.level_db = Ramp{position_, volume, voice.level_db.value(position_), seg.level_db, plan::FadeShape::Smooth,
                          FadeDirection::In};
  }
  if (seg.gain_db != voice.seg.gain_db) {
    voice.track_db = Ramp{position_, volume, voice.track_db.value(position_),
                          voice.track_db.to - voice.seg.gain_db + seg.gain_db, plan::FadeShape::Smooth,
                          FadeDirection::In};
  }
  voice.seg = seg;
  plan_fade_out(voice);
}

void Mixer::activate() {
  if (!has_plan_ || stopping_) return;
  const auto& segments = plan_.segments;
  while (first_open_ < segments.size() && done_.contains(segments[first_open_].id)) ++first_open_;
  for (std::size_t i = first_open_; i < segments.size(); ++i) {
    const plan::Segment& seg = segments[i];
    // Segments are by start: the rest are not due yet either.
    if (frame_of(seg.start) - lookahead_ > position_) break;
    if (done_.contains(seg.id) || find(seg.id) != nullptr) continue;
    const Voice* pred = seg.joins != 0 ? find(seg.joins) : nullptr;
    if (pred != nullptr && !pred->vanished) {
      create_voice(seg, 0, seg.joins);
      continue;
    }
    std::int64_t nominal = frame_of(seg.start);
    if (const auto ended = ended_at_.find(seg.joins); seg.joins != 0 && ended != ended_at_.end()) {
      nominal = ended->second.frame;  // its predecessor already ran out: it is due now
    }
    if (frame_of(seg.end) <= position_ && nominal < position_) {
      done_.insert(seg.id);  // over before it could be played (a restart long after it)
      continue;
    }
    create_voice(seg, nominal, 0);
  }
}

void Mixer::create_voice(const plan::Segment& seg, std::int64_t nominal_start, std::uint64_t pred) {
  auto voice = std::make_unique<Voice>();
  voice->seg = seg;
  voice->pred = pred;
  voice->source_start_ms = static_cast<double>(seg.source_offset.count());
  voice->fade_in_frames = frames(seg.fade_in);
  voice->fade_in_shape = seg.fade_in_shape;
  if (pred == 0) schedule(*voice, nominal_start);
  if (!seg.silence) {
    StreamRequest request;
    request.segment = seg.id;
    request.file = seg.file;
    request.start_ms = voice->source_start_ms;
    // A segment cut by the plan decodes a little past its end: the mixer cuts on the exact frame.
    request.stop_ms = static_cast<double>((seg.source_offset + (seg.end - seg.start)).count()) +
                      (seg.natural_end ? 0.0 : 1000.0);
    request.natural_end = seg.natural_end;
    const Voice* p = pred != 0 ? find(pred) : nullptr;
    request.continues = p != nullptr && p->stream ? pred : 0;
    voice->stream = streams_.open(request);
  }
  plan_fade_out(*voice);
  voices_.push_back(std::move(voice));
}

bool Mixer::schedule(Voice& voice, std::int64_t nominal_start) {
  const plan::Segment& seg = voice.seg;
  const std::int64_t late = position_ - nominal_start;
  voice.fade_in_frames = frames(seg.fade_in);
  voice.fade_in_shape = seg.fade_in_shape;
  bool restarted = false;
  if (late <= 0) {
    voice.start = nominal_start;
  } else if (late <= late_tolerance_) {
    voice.start = position_;  // learned late: start now, with the whole fade
  } else {
    // Resuming mid-segment (a restart): play what the dose clock says is playing now.
    voice.start = position_;
    voice.source_start_ms = static_cast<double>(seg.source_offset.count()) + frames_to_ms_exact(late, format_.rate);
    if (seg.fade_in.count() <= 0) {
      voice.fade_in_frames = frames(settings_.ramps.recover);
      voice.fade_in_shape = plan::FadeShape::Smooth;
    }
    restarted = true;
  }
  voice.start_known = true;
  voice.fade_in = voice.fade_in_frames > 0 ? Ramp{voice.start, voice.fade_in_frames, 0.0, 1.0, voice.fade_in_shape,
                                                  FadeDirection::In}
                                           : Ramp::hold(1.0);
  return restarted;
}

void Mixer::plan_fade_out(Voice& voice) {
  const plan::Segment& seg = voice.seg;
  const std::int64_t min_ramp = frames(Millis{kMinRampMs});
  std::vector<plan::Fade> wanted = seg.fade_outs;
  if (!seg.silence && !seg.natural_end && wanted.empty()) {
    // Cut by the plan without a fade: the shortest ramp that does not click, ending on the frame.
    wanted.push_back(plan::Fade{seg.end - Millis{kMinRampMs}, Millis{kMinRampMs}, plan::FadeShape::Smooth});
  }
  std::vector<Ramp> ramps;
  std::vector<FadeKey> keys;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const plan::Fade& fade = wanted[i];
    const FadeKey key{fade.at, fade.length, fade.shape, origin_};
    if (i < voice.plan_fades.size()) {
      const Ramp& had = voice.plan_fades[i];
      FadeKey had_key = voice.plan_fade_keys[i];
      const bool begun = had.start <= position_;
      had_key.origin = origin_;  // a re-anchored clock does not move a fade already under way
      if (voice.plan_fade_keys[i] == key || (begun && had_key == key)) {
        ramps.push_back(had);
        keys.push_back(key);
        continue;
      }
      if (begun) {
        // A fade under way that the plan no longer has: come back up from where it got to.
        voice.engine_fades.push_back(Ramp{position_, frames(settings_.ramps.volume), had.value(position_), 1.0,
                                          plan::FadeShape::Smooth, FadeDirection::In});
      }
    }
    const std::int64_t length = std::max(frames(fade.length), min_ramp);
    // A sounding voice that learns of a fade after its time starts it now with its whole length: never a
    // step. A voice that has not sounded yet takes the fade where the plan has it (music that begins during
    // the session's final fade begins at the fade's level).
    const std::int64_t at =
        voice.state == Voice::State::Playing ? std::max(frame_of(fade.at), position_) : frame_of(fade.at);
    ramps.push_back(Ramp{at, length, 1.0, 0.0, fade.shape, FadeDirection::Out});
    keys.push_back(key);
  }
  for (std::size_t i = wanted.size(); i < voice.plan_fades.size(); ++i) {
    const Ramp& had = voice.plan_fades[i];
    if (had.start <= position_ && had.value(position_) < 1.0) {
      voice.engine_fades.push_back(Ramp{position_, frames(settings_.ramps.volume), had.value(position_), 1.0,
                                        plan::FadeShape::Smooth, FadeDirection::In});
    }
  }
  voice.plan_fades = std::move(ramps);
  voice.plan_fade_keys = std::move(keys);
  if (seg.silence) {
    if (voice.pred == 0) {
      voice.silence_end = frame_of(seg.end);
    } else if (voice.start_known) {
      voice.silence_end = voice.start + frames(seg.end - seg.start);
    }
  }
  limit_to_audio(voice);
  update_cut(voice);
}

void Mixer::update_cut(Voice& voice) { voice.cut = std::min(voice.silence_end, voice.silent_from()); }

void Mixer::limit_to_audio(Voice& voice) {
  if (!voice.failed || !voice.start_known || !voice.stream || voice.failure_faded) return;
  const std::int64_t audio_end = voice.start + voice.stream->total.load(std::memory_order_relaxed);
  if (voice.silent_from() <= audio_end) return;
  // Its audio runs out before the plan lets it go: fade out over the manual crossfade, ending there.
  const std::int64_t from = std::max(position_, audio_end - frames(settings_.ramps.manual_crossfade));
  if (from < audio_end) {
    voice.engine_fades.push_back(
        Ramp{from, audio_end - from, 1.0, 0.0, plan::FadeShape::EqualPower, FadeDirection::Out});
  }
  voice.failure_faded = true;
  update_cut(voice);
}

void Mixer::vanish(Voice& voice, std::int64_t length) {
  voice.vanished = true;
  if (voice.silent_from() <= position_ + length) return;
  voice.engine_fades.push_back(Ramp{position_, length, 1.0, 0.0, plan::FadeShape::Smooth, FadeDirection::Out});
  update_cut(voice);
}

void Mixer::fade_all(Millis length) {
  stopping_ = true;
  std::erase_if(voices_, [&](const std::unique_ptr<Voice>& v) {
    if (v->state != Voice::State::Pending) return false;
    if (v->stream) streams_.close(v->stream);
    return true;
  });
  for (auto& voice : voices_) vanish(*voice, std::max<std::int64_t>(1, frames(length)));
}

bool Mixer::finished() const noexcept {
  if (!has_plan_) return false;
  if (!voices_.empty()) return false;
  if (stopping_) return true;
  return std::all_of(plan_.segments.begin(), plan_.segments.end(), [&](const plan::Segment& seg) {
    return done_.contains(seg.id) || frame_of(seg.end) <= position_;
  });
}

std::int64_t Mixer::quiet_for() const noexcept {
  if (!voices_.empty()) return 0;
  if (!has_plan_ || stopping_) return kNever;
  std::int64_t next = kNever;
  for (std::size_t i = first_open_; i < plan_.segments.size(); ++i) {
    const plan::Segment& seg = plan_.segments[i];
    if (done_.contains(seg.id)) continue;
    std::int64_t start = frame_of(seg.start);
    if (const auto ended = ended_at_.find(seg.joins); seg.joins != 0 && ended != ended_at_.end()) {
      start = ended->second.frame;
    }
    if (frame_of(seg.end) <= position_ && start < position_) continue;  // over before it could play
    next = std::min(next, start - lookahead_);
    if (frame_of(seg.start) - lookahead_ > position_) break;  // by start: the rest come later
  }
  return next == kNever ? kNever : std::max<std::int64_t>(0, next - position_);
}

bool Mixer::due_streams_ready(std::int64_t frames) {
  activate();
  streams_.prepare();
  resolve_starts();
  for (const auto& voice : voices_) {
    if (voice->state != Voice::State::Pending || !voice->stream || !voice->start_known) continue;
    if (voice->start >= position_ + frames) continue;
    const StreamState& stream = *voice->stream;
    if (!stream.is_ready() || (stream.ring.readable() == 0 && !stream.is_finished())) return false;
  }
  return true;
}

void Mixer::skip(std::int64_t frames) noexcept {
  if (frames > 0 && voices_.empty()) position_ += frames;
}

// ---------------------------------------------------------------------------
// Mixing

void Mixer::check_streams() {
  for (auto& owned : voices_) {
    Voice& voice = *owned;
    if (!voice.stream || voice.failure_reported || !voice.stream->is_finished() ||
        !voice.stream->failed.load(std::memory_order_relaxed)) {
      continue;
    }
    voice.failed = true;
    voice.failure_reported = true;
    const std::int64_t total = voice.stream->total.load(std::memory_order_relaxed);
    std::int64_t start = frame_of(voice.seg.start);
    if (voice.start_known) {
      start = voice.start;
    } else if (const Voice* p = find(voice.pred); p != nullptr && p->start_known && p->end_frame()) {
      start = *p->end_frame();
    }
    EngineEvent event;
    event.kind = EngineEvent::Kind::FileFailed;
    event.segment = voice.seg.id;
    event.at = dose_at(position_);
    event.file = voice.seg.file;
    event.detail = voice.stream->error;
    event.audio_until = dose_at(start + total);
    listener_.on_engine_event(event);
    if (voice.state == Voice::State::Playing) limit_to_audio(voice);
  }
}

void Mixer::resolve_starts() {
  for (auto& owned : voices_) {
    Voice& voice = *owned;
    if (voice.state != Voice::State::Pending || voice.start_known || voice.pred == 0) continue;
    std::optional<std::int64_t> end;
    if (const Voice* p = find(voice.pred); p != nullptr) {
      if (p->start_known) end = p->end_frame();
    } else if (const auto it = ended_at_.find(voice.pred); it != ended_at_.end()) {
      end = it->second.frame;
    } else {
      end = frame_of(voice.seg.start);  // its predecessor is gone without a trace: keep the plan's time
    }
    if (!end) continue;
    voice.start = *end;
    voice.start_known = true;
    voice.fade_in = voice.fade_in_frames > 0 ? Ramp{voice.start, voice.fade_in_frames, 0.0, 1.0, voice.fade_in_shape,
                                                    FadeDirection::In}
                                             : Ramp::hold(1.0);
    if (voice.seg.silence) voice.silence_end = voice.start + frames(voice.seg.end - voice.seg.start);
    limit_to_audio(voice);
    update_cut(voice);
  }
}

std::size_t Mixer::ready_frames(std::size_t want) {
  std::int64_t n = static_cast<std::int64_t>(want);
  for (auto& owned : voices_) {
    Voice& voice = *owned;
    if (!voice.start_known || !voice.stream) continue;
    StreamState& stream = *voice.stream;
    const auto readable = static_cast<std::int64_t>(stream.ring.readable());
    if (voice.state == Voice::State::Playing) {
      if (stream.is_finished()) continue;
      const std::int64_t available_end = voice.start + voice.consumed + readable;
      if (available_end >= voice.cut) continue;
      n = std::min(n, available_end - position_);
      continue;
    }
    if (voice.start >= position_ + n) continue;
    const bool ready = stream.is_ready() && (readable > 0 || stream.is_finished());
    if (!ready) {
      if (real_time_ && voice.pred == 0) {
        // Its file is not open yet (a plan learned this instant): start it a block later instead of stalling.
        const std::int64_t delay = position_ + n - voice.start;
        voice.start += delay;
        voice.fade_in.start += delay;
        continue;
      }
      n = std::min(n, voice.start - position_);
      continue;
    }
    if (!stream.is_finished()) n = std::min(n, voice.start + readable - position_);
  }
  return static_cast<std::size_t>(std::max<std::int64_t>(0, n));
}

void Mixer::start_voice(Voice& voice) {
  voice.state = Voice::State::Playing;
  const StreamLoudness loudness = stream_loudness(voice);
  const double track = loudness.norm_db + voice.seg.gain_db;
  voice.loudness_estimated = voice.stream && !loudness.final;
  voice.track_db = Ramp::hold(track);
  const auto pred = voice.pred != 0 ? ended_at_.find(voice.pred) : ended_at_.end();
  if (pred != ended_at_.end()) {
    // A gapless join. The track's own gain applies from its first sample: its normalisation belongs to
    // its samples. What normalisation leaves of a difference in loudness (a track the true-peak ceiling
    // kept quiet, different entry gains) becomes a ramp from the loudness the room heard before, which
    // never goes above the louder of the two, nor lifts the new track over the ceiling.
    const std::int64_t volume = frames(settings_.ramps.volume);
    const EndState& before = pred->second;
    const double heard = loudness.integrated_lufs + track;
    if (std::isfinite(before.loudness_lufs) && std::isfinite(heard)) {
      const double headroom = std::isfinite(loudness.true_peak_dbtp)
                                  ? std::max(0.0, settings_.true_peak_ceiling_dbtp - (loudness.true_peak_dbtp + track))
                                  : 0.0;
      const double offset = std::min(before.loudness_lufs - heard, headroom);
      if (std::abs(offset) > 0.01) {
        voice.track_db = Ramp{voice.start, volume, track + offset, track, plan::FadeShape::Smooth, FadeDirection::In};
      }
    }
    voice.level_db = Ramp{voice.start, volume, before.level_db, voice.seg.level_db, plan::FadeShape::Smooth,
                          FadeDirection::In};
    if (before.faded && voice.fade_in_frames == 0) {
      // The track before it failed and faded out: come back in rather than at full level.
      voice.fade_in = Ramp{voice.start, frames(settings_.ramps.manual_crossfade), 0.0, 1.0,
                           plan::FadeShape::EqualPower, FadeDirection::In};
    }
    // The per-sample slew limit carries on from where the previous track's stood relative to its target
    // (the same place in the same ramp), not from its gain: that gain belonged to the other track's samples.
    const double carried = before.target > 0.0 ? std::clamp(before.applied / before.target, 0.0, 1.0) : 0.0;
    voice.applied = carried * target_gain(voice, voice.start);
  } else {
    voice.level_db = Ramp::hold(voice.seg.level_db);
    voice.applied = 0.0;
  }
  const bool nothing = voice.stream && voice.stream->is_finished() &&
                       voice.stream->total.load(std::memory_order_relaxed) == 0;
  if (!nothing) emit(EngineEvent::Kind::TrackStarted, voice, voice.start, voice.seg.silence ? "silence" : "");
  limit_to_audio(voice);
}

Mixer::StreamLoudness Mixer::stream_loudness(const Voice& voice) const noexcept {
  StreamLoudness l;
  if (!voice.stream) return l;
  const StreamState& stream = *voice.stream;
  l.final = stream.has_final_loudness();
  l.norm_db = stream.norm_db.load(std::memory_order_relaxed);
  l.integrated_lufs = stream.integrated_lufs.load(std::memory_order_relaxed);
  l.true_peak_dbtp = stream.true_peak_dbtp.load(std::memory_order_relaxed);
  return l;
}

void Mixer::follow_measurements() {
  for (auto& owned : voices_) {
    Voice& voice = *owned;
    if (!voice.loudness_estimated || voice.state != Voice::State::Playing || !voice.stream->has_final_loudness()) {
      continue;
    }
    // Its loudness was a cache miss, played from an estimate; now that the whole file is measured, move to
    // the measured gain slowly (the estimate erred on the quiet side).
    voice.loudness_estimated = false;
    const double norm = voice.stream->norm_db.load(std::memory_order_relaxed);
    voice.track_db = Ramp{position_, frames(settings_.ramps.recover), voice.track_db.value(position_),
                          norm + voice.seg.gain_db, plan::FadeShape::Smooth, FadeDirection::In};
  }
}

double Mixer::target_gain(const Voice& voice, std::int64_t f) const noexcept {
  const double fades = voice.fade_in.value(f) * voice.fade_out_value(f);
  if (fades <= 0.0) return 0.0;
  const double music_db = std::min(voice.level_db.value(f) + master_.value_db(f), cap_db_.value(f));
  return fades * db_to_gain(voice.track_db.value(f) + music_db);
}

bool Mixer::gain_moving(const Voice& voice, std::int64_t first, std::int64_t last) const noexcept {
  return voice.fade_in.moving_in(first, last) || voice.fade_out_moving(first, last) ||
         voice.track_db.moving_in(first, last) || voice.level_db.moving_in(first, last) ||
         master_.moving_in(first, last) || cap_db_.moving_in(first, last);
}

bool Mixer::mix_voice(Voice& voice, float* out, std::int64_t first, std::int64_t last) {
  const std::int64_t from = std::max(first, voice.start);
  const auto end = voice.end_frame();
  const std::int64_t to = end ? std::min(last, *end) : last;
  if (to > from) {
    const auto count = static_cast<std::size_t>(to - from);
    const auto ch = static_cast<std::size_t>(format_.channels);
    if (voice.stream) {
      // Mixed where the decoder put it (no copy out of the stream's ring); a late stream's missing frames are silence.
      const auto view = voice.stream->ring.peek(count);
      struct Run {
        const float* samples;  // nullptr: silence
        std::size_t frames;
      };
      const Run runs[] = {{view.first, view.first_frames}, {view.second, view.second_frames},
                          {nullptr, count - view.frames()}};
      float* dst = out + static_cast<std::size_t>(from - first) * ch;
      const double target = target_gain(voice, from);
      if (!gain_moving(voice, from, to) && std::abs(target - voice.applied) <= max_step_) {
        const auto g = static_cast<float>(target);
        for (const Run& run : runs) {
          const std::size_t n = run.frames * ch;
          if (run.samples) {
            for (std::size_t i = 0; i < n; ++i) dst[i] += g * run.samples[i];
          } else {
            for (std::size_t i = 0; i < n; ++i) dst[i] += g * 0.0f;
          }
          dst += n;
        }
        voice.applied = target;
      } else {
        double applied = voice.applied;
        std::int64_t at = from;
        for (const Run& run : runs) {
          for (std::size_t f = 0; f < run.frames; ++f, ++at, dst += ch) {
            const double t = target_gain(voice, at);
            applied += std::clamp(t - applied, -max_step_, max_step_);
            const auto g = static_cast<float>(applied);
            for (std::size_t c = 0; c < ch; ++c) dst[c] += g * (run.samples ? run.samples[f * ch + c] : 0.0f);
          }
        }
        voice.applied = applied;
      }
      voice.stream->ring.discard(view.frames());
    } else {
      voice.applied = 0.0;
    }
    voice.consumed += to - from;
  }
  return end && *end <= last;
}

void Mixer::end_voice(Voice& voice, std::int64_t at) {
  EndState state;
  state.frame = at;
  state.level_db = voice.level_db.value(at);
  state.applied = voice.applied;
  state.target = target_gain(voice, at - 1);
  const double integrated = stream_loudness(voice).integrated_lufs;
  state.loudness_lufs = integrated + voice.track_db.value(at);
  state.faded = voice.failed && voice.fade_out_value(at - 1) < 0.5;
  ended_at_[voice.seg.id] = state;
  const bool nothing = voice.stream && voice.stream->failed.load(std::memory_order_relaxed) &&
                       voice.stream->total.load(std::memory_order_relaxed) == 0;
  if (!nothing) emit(EngineEvent::Kind::TrackEnded, voice, at, voice.failed ? "failed" : "");
  done_.insert(voice.seg.id);
  if (voice.stream) streams_.close(voice.stream);
  voice.ended = true;
}

std::size_t Mixer::mix(float* out, std::size_t want) {
  want = std::min(want, kMaxBlock);
  activate();
  streams_.prepare();
  check_streams();
  follow_measurements();
  resolve_starts();
  const std::size_t n = ready_frames(want);
  if (n == 0) return 0;
  const auto ch = static_cast<std::size_t>(format_.channels);
  std::fill(out, out + n * ch, 0.0f);
  const std::int64_t first = position_;
  const std::int64_t last = position_ + static_cast<std::int64_t>(n);
  bool any_ended = false;
  for (auto& owned : voices_) {
    Voice& voice = *owned;
    if (voice.state == Voice::State::Pending) {
      if (!voice.start_known || voice.start >= last) continue;
      start_voice(voice);
    }
    if (const auto end = voice.end_frame(); mix_voice(voice, out, first, last)) {
      end_voice(voice, *end);
      any_ended = true;
    }
  }
  if (any_ended) std::erase_if(voices_, [](const std::unique_ptr<Voice>& v) { return v->ended; });
  for (std::size_t i = 0; i < n * ch; ++i) out[i] = std::clamp(out[i], -1.0f, 1.0f);
  position_ = last;
  return n;
}

}  // namespace stillroom::audio
