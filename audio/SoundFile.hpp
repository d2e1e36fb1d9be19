// SoundFile: what an audio file is (probe, reads only the header) and whether
// every frame of it decodes (decode check, which measures the loudness in the
// same pass when asked). Used by the controller's preflight
// and `stillroom check`, by the plan's duration table and by the decoder.
// Pure file I/O through libsndfile; callable from any thread.
#pragma once

#include "audio/Loudness.hpp"
#include "config/Duration.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace stillroom::audio {

struct SoundFileInfo {
  /** Frames the header promises (exact for WAV/FLAC/Ogg/MP3 with libsndfile 1.2). */
  std::int64_t frames = 0;
  int sample_rate = 0;
  int channels = 0;
  /** Container and encoding as libsndfile names them, e.g. "FLAC 16 bit", "WAV float". */
  std::string format;

  /** Length, floored to the millisecond. */
  [[nodiscard]] config::Millis duration() const noexcept;
};

/**
 * Reads the header only. On failure returns nullopt and sets `error` to a
 * specific reason without the path ("no such file", "not an audio file
 * libsndfile can read (AAC?)", "empty file", "0 frames").
 */
[[nodiscard]] std::optional<SoundFileInfo> probe_sound_file(const std::string& path, std::string& error);

/** What one pass over every frame of a file found. */
struct DecodeCheck {
  bool ok = false;
  /** Why not, when not ok. */
  std::string error;
  /** Frames that decoded. */
  std::int64_t decoded = 0;
  /** When asked for: the loudness of what decoded, as the player maps its channels. */
  std::optional<Loudness> loudness;
};

/**
 * Decodes every frame, once: not ok with `error` when the file cannot be
 * opened, a decode error occurs ("decode error: 1000 of 96000 frames decode
 * (...)"), or fewer frames decode than the header promises ("truncated: 41230
 * of 96000 frames decode"). An MP3 without a length header (Xing/Info, VBRI)
 * promises only an estimate: all of it that decodes is the file, and it is
 * truncated only when it ends inside an MPEG frame. With `loudness_channels`
 * > 0 the same pass measures the loudness (for that many output channels).
 */
[[nodiscard]] DecodeCheck check_sound_file(const std::string& path, int loudness_channels = 0);

/** check_sound_file without loudness: false with `error` set when the file does not decode in full. */
[[nodiscard]] bool decode_sound_file(const std::string& path, std::string& error);

/** Frames to milliseconds, floored. */
[[nodiscard]] config::Millis frames_to_millis(std::int64_t frames, int sample_rate) noexcept;

}  // namespace stillroom::audio
