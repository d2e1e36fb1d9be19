#include "audio/Mp3Layout.hpp"

#include <array>
#include <cstdio>
#include <cstring>
#include <memory>

namespace stillroom::audio {

namespace {

struct FrameHeader {
  int version = 0;  ///< 1 = MPEG-1, 2 = MPEG-2, 25 = MPEG-2.5
  int layer = 0;    ///< 1, 2 or 3
  int bitrate_kbps = 0;
  int sample_rate = 0;
  bool padding = false;
  bool mono = false;
  /** Bytes in the frame, header included. */
  int length = 0;
};

constexpr std::array<std::array<int, 16>, 5> kBitrates{{
    {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, -1},  // MPEG-1 layer I
    {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, -1},     // MPEG-1 layer II
    {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, -1},      // MPEG-1 layer III
    {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, -1},     // MPEG-2/2.5 layer I
    {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, -1},          // MPEG-2/2.5 layers II, III
}};

/** The frame header in `b` (4 bytes), or nullopt when it is not one (free format counts as not one). */
std::optional<FrameHeader> parse_header(const unsigned char* b) {
  if (b[0] != 0xFF || (b[1] & 0xE0) != 0xE0) return std::nullopt;
  const int version_bits = (b[1] >> 3) & 3;
  const int layer_bits = (b[1] >> 1) & 3;
  const int bitrate_index = b[2] >> 4;
  const int rate_index = (b[2] >> 2) & 3;
  if (version_bits == 1 || layer_bits == 0 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3) {
    return std::nullopt;
  }
  FrameHeader h;
  h.version = version_bits == 3 ? 1 : version_bits == 2 ? 2 : 25;
  h.layer = 4 - layer_bits;
  const std::size_t table = h.version == 1 ? static_cast<std::size_t>(h.layer - 1) : (h.layer == 1 ? 3 : 4);
  h.bitrate_kbps = kBitrates[table][static_cast<std::size_t>(bitrate_index)];
  static constexpr std::array<int, 3> kRates{44100, 48000, 32000};
  h.sample_rate = kRates[static_cast<std::size_t>(rate_index)] / (h.version == 1 ? 1 : h.version == 2 ? 2 : 4);
  h.padding = ((b[2] >> 1) & 1) != 0;
  h.mono = (b[3] >> 6) == 3;
  const int pad = h.padding ? 1 : 0;
  const long bits = static_cast<long>(h.bitrate_kbps) * 1000;
  if (h.layer == 1) {
    h.length = static_cast<int>((12 * bits / h.sample_rate + pad) * 4);
  } else if (h.layer == 3 && h.version != 1) {
    h.length = static_cast<int>(72 * bits / h.sample_rate + pad);
  } else {
    h.length = static_cast<int>(144 * bits / h.sample_rate + pad);
  }
  return h.length > 4 ? std::optional<FrameHeader>(h) : std::nullopt;
}

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

/** Reads `count` bytes at `at`; false when fewer are there. */
bool read_at(std::FILE* f, std::int64_t at, unsigned char* out, std::size_t count) {
  return std::fseek(f, static_cast<long>(at), SEEK_SET) == 0 && std::fread(out, 1, count, f) == count;
}

bool starts_with(const unsigned char* b, std::size_t have, const char* tag) {
  const std::size_t n = std::strlen(tag);
  return have >= n && std::memcmp(b, tag, n) == 0;
}

/** Where the audio ends: before an ID3v1 tag and an APE tag at the end of the file. */
std::int64_t audio_end(std::FILE* f, std::int64_t size) {
  std::int64_t end = size;
  unsigned char b[32];
  if (end >= 128 && read_at(f, end - 128, b, 3) && starts_with(b, 3, "TAG")) end -= 128;
  if (end >= 32 && read_at(f, end - 32, b, 32) && starts_with(b, 32, "APETAGEX")) {
    const std::int64_t tag = static_cast<std::int64_t>(b[12]) | (static_cast<std::int64_t>(b[13]) << 8) |
                             (static_cast<std::int64_t>(b[14]) << 16) | (static_cast<std::int64_t>(b[15]) << 24);
    const bool has_header = (b[23] & 0x80) != 0;
    end -= tag + (has_header ? 32 : 0);
  }
  return std::max<std::int64_t>(0, end);
}

/** Whether the frame at `at` with header `h` is a Xing/Info or VBRI length header. */
bool is_length_header(std::FILE* f, std::int64_t at, const FrameHeader& h) {
  if (h.layer != 3) return false;
  const int side = h.version == 1 ? (h.mono ? 17 : 32) : (h.mono ? 9 : 17);
  unsigned char b[4];
  if (read_at(f, at + 4 + side, b, 4) && (starts_with(b, 4, "Xing") || starts_with(b, 4, "Info"))) return true;
  return read_at(f, at + 36, b, 4) && starts_with(b, 4, "VBRI");
}

}  // namespace

std::optional<Mp3Layout> read_mp3_layout(const std::string& path) {
  const File file(std::fopen(path.c_str(), "rb"));
  if (!file) return std::nullopt;
  std::FILE* f = file.get();
  if (std::fseek(f, 0, SEEK_END) != 0) return std::nullopt;
  const std::int64_t size = std::ftell(f);
  if (size < 4) return std::nullopt;

  std::int64_t at = 0;
  unsigned char b[10];
  // ID3v2 tags (there may be several) before the first frame.
  while (read_at(f, at, b, 10) && starts_with(b, 10, "ID3")) {
    const std::int64_t length = (static_cast<std::int64_t>(b[6] & 0x7F) << 21) | ((b[7] & 0x7F) << 14) |
                                ((b[8] & 0x7F) << 7) | (b[9] & 0x7F);
    at += 10 + length + ((b[5] & 0x10) != 0 ? 10 : 0);
  }
  const std::int64_t end = audio_end(f, size);
  if (!read_at(f, at, b, 4) || !parse_header(b)) return std::nullopt;

  Mp3Layout layout;
  layout.length_header = is_length_header(f, at, *parse_header(b));
  while (at < end) {
    const std::size_t have = static_cast<std::size_t>(std::min<std::int64_t>(4, end - at));
    const auto header = have == 4 && read_at(f, at, b, 4) ? parse_header(b) : std::nullopt;
    if (header) {
      if (at + header->length > end) {
        layout.last_frame_cut = true;
        layout.cut_bytes = end - at;
        layout.cut_frame_bytes = header->length;
        break;
      }
      ++layout.frames;
      at += header->length;
      continue;
    }
    if (read_at(f, at, b, std::min<std::size_t>(10, static_cast<std::size_t>(end - at))) &&
        (starts_with(b, 10, "ID3") || starts_with(b, 10, "LYRICSBEGIN") || starts_with(b, 10, "APETAGEX"))) {
      break;  // a tag after the audio
    }
    // Not a frame: skip to the next header that is followed by another one.
    std::int64_t next = at + 1;
    for (; next + 4 <= end; ++next) {
      unsigned char c[4];
      if (!read_at(f, next, c, 4)) break;
      const auto h = parse_header(c);
      if (!h) continue;
      unsigned char d[4];
      if (next + h->length == end || (next + h->length + 4 <= end && read_at(f, next + h->length, d, 4) && parse_header(d))) {
        break;
      }
    }
    if (next + 4 > end) next = end;
    layout.junk_bytes += next - at;
    at = next;
  }
  return layout;
}

}  // namespace stillroom::audio
