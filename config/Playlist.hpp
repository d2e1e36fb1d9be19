// Playlist: per protocol phase, an ordered (or seeded-shuffle) list of entries
// and a pool of alternates the therapist may switch to. Plain data.
#pragma once

#include "config/Duration.hpp"
#include "config/SourceMark.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stillroom::config {

struct Entry {
  enum class Kind { Track, Silence };
  Kind kind = Kind::Track;
  /** Absolute path of the audio file (Track only). */
  std::string file;
  std::string title;
  std::string artist;
  /** Skip this much at the start of the file. */
  Millis trim_start{0};
  /** Stop this much before the end of the file. */
  Millis trim_end{0};
  /** Correction on top of loudness normalisation, dB (within +-12). */
  double gain_db = 0.0;
  /** The track has lyrics in the listener's language. */
  bool lyrics = false;
  /** Length of planned silence (Silence only). */
  Millis silence{0};
  SourceMark where;

  /** Title if given, else the file name without directory, or "silence 2m". */
  [[nodiscard]] std::string label() const;
};

struct PhaseMusic {
  /** Name of the protocol phase this list plays in. */
  std::string phase;
  /** In file order (M3U lists expanded in place); the plan applies any shuffle. */
  std::vector<Entry> entries;
  /** Tracks the therapist may switch to with `alternate`, used in order. */
  std::vector<Entry> alternates;
  /** Play the entries in a seeded random order (the plan applies it). */
  bool shuffle = false;
  /** A fixed shuffle seed; without one each session draws a seed and records it. */
  std::optional<std::uint64_t> seed;
  /** The list is meant to repeat until the phase ends (no warning when short). */
  bool loop = false;
  /** Overlap between consecutive entries inside the phase; 0 = gapless join. */
  Millis crossfade{0};
  SourceMark where;
};

struct Playlist {
  std::string id;
  std::string name;
  std::vector<PhaseMusic> phases;
  SourceMark where;

  /** The list for phase `name`, or nullptr when the playlist has none. */
  [[nodiscard]] const PhaseMusic* music_for(const std::string& name) const noexcept;
};

}  // namespace stillroom::config
