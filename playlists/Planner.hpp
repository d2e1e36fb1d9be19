// Planner: builds one Plan by walking the session on the dose clock, moment by
// moment (phase boundaries and the therapist's events, in time order), and
// filling the stretches between moments with the phase's music. Pure and
// single-use: construct, run(), discard. make_plan() is its only caller.
//
// Rules it implements (documented for clinics in docs/configuration.md):
//  - music starts at the session's start in the phase containing it, from the
//    top of that phase's list, fading in over the resume ramp;
//  - at a phase boundary the playing track crossfades (equal power, the new
//    phase's crossfade, at least the volume ramp) into the new phase's first
//    entry — unless it ends within the room's boundary tolerance after the
//    boundary: then it plays out and the new phase's music joins it gaplessly;
//  - inside a phase, entries join sample-exactly (or overlap by the list's
//    crossfade); a list that runs out starts again from its top (flagged
//    unless the list says loop);
//  - pause fades everything out; resume in the same phase continues the paused
//    entry where it was, in a later phase starts that phase's list;
//  - skip and alternate crossfade (manual crossfade) to the next entry or the
//    next alternate; after an alternate the list continues after the entry it
//    replaced;
//  - stop and emergency fade everything out (stop / emergency ramps) and end
//    the music; the end of the last phase fades out over the protocol's end fade.
#pragma once

#include "playlists/Plan.hpp"
#include "playlists/PhaseTimeline.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace stillroom::plan {

class Planner {
 public:
  explicit Planner(const PlanInput& input);
  [[nodiscard]] Plan run();

 private:
  /** Where in a phase's music an entry sits, and what follows it. */
  struct Position {
    int phase = -1;
    Segment::Role role = Segment::Role::Main;
    /** Index into the phase's play order (Main/Repeat) or alternates (Alternate). */
    int slot = 0;
    /** How many times the list has started again. */
    int pass = 0;
    /** The main-list slot (and pass) to play after this entry. */
    int next_slot = 0;
    int next_pass = 0;
  };

  /** One phase's list as played in this session. */
  struct PhaseList {
    const config::PhaseMusic* music = nullptr;
    std::vector<int> order;
    int alternates_used = 0;
  };

  /** The entry the music was paused in, to continue on resume. */
  struct Paused {
    Position position;
    Millis source_position{0};
    bool has_entry = false;
  };

  void start_phase_music(int phase, Millis at, Millis fade_in, FadeShape shape, std::uint64_t joins);
  /** Generates what follows the current entry up to `until` (excluded, or included when `inclusive`). */
  void fill_until(Millis until, bool inclusive = false);
  void on_boundary(int phase, Millis at);
  void on_event(const SessionEvent& event);
  void on_pause(Millis at);
  void on_resume(Millis at);
  void on_skip(Millis at, bool alternate);
  void on_stop(Millis at, Millis ramp);
  void add_master_cues();
  void add_light_cues();
  void add_reminders_and_notices();

  /** The entry at a position, or nullptr. */
  [[nodiscard]] const config::Entry* entry_at(const Position& position) const;
  /** Where in its file the entry at `position` starts playing: a track's trim, else 0. */
  [[nodiscard]] Millis start_offset(const Position& position) const;
  /** Playable length of an entry (after trims), or nullopt (flagged) when it cannot play. */
  [[nodiscard]] std::optional<Millis> playable_length(const config::Entry& entry);
  /** The next playable main-list position after `from` (wrapping), or nullopt when none. */
  [[nodiscard]] std::optional<Position> next_main(int phase, int slot, int pass);
  /** Appends a segment for the entry at `position`; returns its index. */
  int add_segment(const Position& position, Millis start, Millis source_offset, Millis fade_in, FadeShape shape,
                  std::uint64_t joins);
  /**
   * Adds a fade-out starting at `at` to every segment audible at `at`. When the
   * music ends there (pause, stop), a segment that would begin fading in at
   * that very instant is dropped instead: it was never heard.
   */
  void fade_out_audible(Millis at, Millis length, FadeShape shape, bool ends_music);
  static void add_fade(Segment& segment, Fade fade);
  /** Index of the newest segment audible at `at` (start <= at < end), or -1. */
  [[nodiscard]] int audible_current(Millis at) const;
  /** The phase index containing `at`, or -1. */
  [[nodiscard]] int phase_index_at(Millis at) const;
  void flag(Flag::Kind kind, Millis at, std::string message, config::SourceMark where = {}, std::string phase = {});

  const PlanInput& in_;
  const config::Room& room_;
  const config::Protocol& protocol_;
  PhaseTimeline timeline_;
  std::vector<PhaseList> lists_;
  Plan plan_;

  /** Natural end (dose time) of each segment, parallel to plan_.segments. */
  std::vector<Millis> natural_end_;
  /** Position of each segment, parallel to plan_.segments. */
  std::vector<Position> position_of_;
  /** Segments replaced before they were heard (skip at their very start). */
  std::vector<bool> removed_;

  bool playing_ = false;
  bool stopped_ = false;
  /** The newest segment whose music continues, or -1 (silence, paused, stopped). */
  int current_ = -1;
  /** The next entry begins a new phase: join gaplessly rather than with the list's crossfade. */
  bool entering_phase_ = false;
  std::optional<Paused> paused_;
  /** The final fade, once it has begun: music starting after it starts faded. */
  std::optional<Fade> end_fade_;
  std::set<std::string> flagged_;
};

}  // namespace stillroom::plan
