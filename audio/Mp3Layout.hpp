// Mp3Layout: how an MPEG audio file is laid out — whether it carries a length
// header (Xing/Info or VBRI, which makes its frame count exact), how many MPEG
// frames it holds and whether the last one is complete. A constant-bitrate file
// without a length header (as sox and many rippers write it) has only an
// estimated length, so the decode check relies on this walk instead: decoding
// all of it is the truth, and a file cut inside a frame is truncated. Pure
// file reading (headers only); any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace stillroom::audio {

struct Mp3Layout {
  /** A Xing/Info or VBRI header states the length: the decoder's frame count is exact. */
  bool length_header = false;
  /** Complete MPEG frames found. */
  std::int64_t frames = 0;
  /** The file ends inside a frame: bytes present and the frame's full size. */
  bool last_frame_cut = false;
  std::int64_t cut_bytes = 0;
  std::int64_t cut_frame_bytes = 0;
  /** Bytes between frames that are neither audio nor a tag (damage). */
  std::int64_t junk_bytes = 0;
};

/**
 * Walks the frame headers of the MPEG audio file at `path`. Nullopt when it
 * does not start (after an ID3v2 tag) with an MPEG audio frame, or uses a
 * free-format bitrate, whose frames cannot be walked.
 */
[[nodiscard]] std::optional<Mp3Layout> read_mp3_layout(const std::string& path);

}  // namespace stillroom::audio
