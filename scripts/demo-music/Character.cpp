#include "Character.hpp"

namespace stillroom::demo {

Character character_of(Mood mood) noexcept {
  Character c;
  switch (mood) {
    case Mood::Settle:
      // Arriving: slow, warm, the sea in the background.
      c.chord_seconds = 20.0;
      c.brightness = 0.25;
      c.bells_per_minute = 1.0;
      c.air = AirKind::Surf;
      c.air_gain = 0.2;
      break;
    case Mood::Onset:
      // Something begins to move: a little brighter, more bells, wind.
      c.chord_seconds = 16.0;
      c.brightness = 0.4;
      c.bells_per_minute = 2.0;
      c.air = AirKind::Wind;
      break;
    case Mood::Peak:
      // Deep and wide: darker pad, long chords, a deep drone, long reverb.
      c.chord_seconds = 24.0;
      c.crossfade_seconds = 10.0;
      c.brightness = 0.15;
      c.brightness_swing = 0.12;
      c.bells_per_minute = 1.2;
      c.bell_decay_seconds = 5.0;
      c.air = AirKind::Surf;
      c.drone_gain = 0.7;
      c.reverb_seconds = 6.0;
      c.reverb_mix = 0.6;
      break;
    case Mood::Return:
      // Coming back: brighter, more light in the bells.
      c.chord_seconds = 15.0;
      c.brightness = 0.5;
      c.bells_per_minute = 2.5;
      c.air = AirKind::Surf;
      c.drone_gain = 0.35;
      c.reverb_seconds = 3.5;
      break;
    case Mood::Integration:
      c.chord_seconds = 18.0;
      c.brightness = 0.35;
      c.bells_per_minute = 1.0;
      c.air = AirKind::Wind;
      break;
    case Mood::Alternate:
      c.chord_seconds = 20.0;
      c.brightness = 0.3;
      c.bells_per_minute = 1.5;
      c.air = AirKind::Wind;
      c.air_gain = 0.15;
      break;
  }
  return c;
}

}  // namespace stillroom::demo
