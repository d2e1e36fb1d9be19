// Character: the musical knobs of one mood (how often chords change, how
// bright the pad is, how many bells, wind or surf, how long the reverb rings).
// Pure data chosen per mood.
#pragma once

#include "TrackTable.hpp"

namespace stillroom::demo {

/** The moving air under the music. */
enum class AirKind { Wind, Surf };

struct Character {
  /** Mean seconds between chord changes. */
  double chord_seconds = 18.0;
  /** Seconds two neighbouring chords overlap (the release of one is the attack of the next). */
  double crossfade_seconds = 8.0;
  /** 0..1: how far the pad leans towards its brighter waveform. */
  double brightness = 0.3;
  /** How far brightness wanders either side, slowly. */
  double brightness_swing = 0.2;
  /** Mean number of bell strikes per minute (0 = none). */
  double bells_per_minute = 1.5;
  /** Time constant of a bell's fundamental, seconds. */
  double bell_decay_seconds = 4.0;
  AirKind air = AirKind::Surf;
  /** Layer gains before the track is levelled as a whole. */
  double pad_gain = 1.0;
  double drone_gain = 0.5;
  double air_gain = 0.2;
  double bell_gain = 0.3;
  /** Reverb decay to -60 dB, seconds. */
  double reverb_seconds = 4.5;
  /** Reverb return level. */
  double reverb_mix = 0.5;
};

[[nodiscard]] Character character_of(Mood mood) noexcept;

}  // namespace stillroom::demo
