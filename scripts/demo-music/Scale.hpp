// Scale: pitches of the demo music. Everything is drawn from a major
// pentatonic scale, which has no semitone steps, so any notes of it sound
// together without clashing.
#pragma once

namespace stillroom::demo {

/** Frequency of a (fractional) MIDI note: 69 = A4 = 440 Hz. */
[[nodiscard]] double midi_to_hz(double note) noexcept;

/** Frequency ratio of an interval in cents. */
[[nodiscard]] double cents_to_ratio(double cents) noexcept;

/** The MIDI note `step` scale steps above `tonic` in its major pentatonic (steps may be negative). */
[[nodiscard]] int pentatonic_note(int tonic, int step) noexcept;

/** Whether `note` belongs to the major pentatonic scale of `tonic`. */
[[nodiscard]] bool in_major_pentatonic(int tonic, int note) noexcept;

/** `note` moved by octaves into [low, low + 12). */
[[nodiscard]] int into_octave(int note, int low) noexcept;

}  // namespace stillroom::demo
