#include "audio/SoundFile.hpp"

#include "audio/LoudnessMeter.hpp"
#include "audio/Mp3Layout.hpp"
#include "audio/SndFile.hpp"

#include <sndfile.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

namespace stillroom::audio {

namespace {

/** A guess at what a file libsndfile refuses is, from its first bytes. */
std::string sniff(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 16> head{};
  in.read(reinterpret_cast<char*>(head.data()), head.size());
  const auto got = static_cast<std::size_t>(in.gcount());
  const auto starts = [&](std::size_t at, const char* magic) {
    const auto len = std::strlen(magic);
    return got >= at + len && std::memcmp(head.data() + at, magic, len) == 0;
  };
  if (starts(4, "ftyp")) return "AAC/ALAC in MP4?";
  if (got >= 2 && head[0] == 0xFF && (head[1] & 0xF6) == 0xF0) return "AAC?";
  if (starts(0, "OggS")) return "Ogg FLAC or another Ogg codec?";
  if (got >= 4 && head[0] == 0x30 && head[1] == 0x26 && head[2] == 0xB2 && head[3] == 0x75) return "WMA?";
  if (starts(0, "RIFF") || starts(0, "fLaC") || starts(0, "FORM")) return "damaged header?";
  if (starts(0, "ID3")) return "damaged MP3?";
  bool text = got > 0;
  for (std::size_t i = 0; i < got; ++i) {
    if (head[i] < 0x09 || (head[i] > 0x0D && head[i] < 0x20 && head[i] != 0x1B)) text = false;
  }
  if (text) return "text?";
  return "AAC?";
}

/** The reason a file cannot be opened at all, or "" when it can. */
std::string open_failure(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return "no such file";
  if (std::filesystem::is_directory(status)) return "is a directory, not an audio file";
  if (!std::filesystem::is_regular_file(status)) return "not a regular file";
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size == 0) return "empty file";
  std::ifstream probe(path, std::ios::binary);
  if (!probe) return std::string("cannot read: ") + std::strerror(errno);
  return "";
}

/**
 * Frames a WAV/AIFF header promised when libsndfile clamped the data chunk to
 * what is on disk (its log then reads "data : 384000 (should be 191978)").
 */
std::int64_t promised_by_chunk(SNDFILE* file, std::int64_t frames) {
  std::vector<char> log(8192);
  sf_command(file, SFC_GET_LOG_INFO, log.data(), static_cast<int>(log.size()));
  const std::string text(log.data());
  for (const char* tag : {"data : ", "SSND : "}) {
    const auto at = text.find(tag);
    if (at == std::string::npos) continue;
    long long said = 0;
    long long real = 0;
    if (std::sscanf(text.c_str() + at + std::strlen(tag), "%lld (should be %lld)", &said, &real) == 2 &&
        said > real && frames > 0 && real >= frames) {
      const long long bytes_per_frame = real / frames;  // what is on disk may end in a partial frame
      return static_cast<std::int64_t>(said / bytes_per_frame);
    }
  }
  return frames;
}

/** libsndfile's message without its "Error : " prefix and final period. */
std::string decoder_message(SNDFILE* file) {
  std::string text = sf_strerror(file);
  if (text.rfind("Error : ", 0) == 0) text.erase(0, 8);
  while (!text.empty() && (text.back() == '.' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string format_name(int format) {
  SF_FORMAT_INFO major{};
  major.format = format & SF_FORMAT_TYPEMASK;
  std::string name = sf_command(nullptr, SFC_GET_FORMAT_INFO, &major, sizeof major) == 0 && major.name
                         ? major.name
                         : "unknown container";
  SF_FORMAT_INFO sub{};
  sub.format = format & SF_FORMAT_SUBMASK;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &sub, sizeof sub) == 0 && sub.name) name += std::string(" ") + sub.name;
  return name;
}

}  // namespace

config::Millis frames_to_millis(std::int64_t frames, int sample_rate) noexcept {
  if (sample_rate <= 0) return config::Millis{0};
  return config::Millis{frames * 1000 / sample_rate};
}

config::Millis SoundFileInfo::duration() const noexcept { return frames_to_millis(frames, sample_rate); }

std::optional<SoundFileInfo> probe_sound_file(const std::string& path, std::string& error) {
  if (auto why = open_failure(path); !why.empty()) {
    error = why;
    return std::nullopt;
  }
  SndFile file;
  if (!file.open(path)) {
    error = "not an audio file libsndfile can read (" + sniff(path) + ")";
    return std::nullopt;
  }
  const SF_INFO& info = file.info();
  if (info.frames == SF_COUNT_MAX || info.frames < 0) {
    error = "length unknown: the stream has no end marker (truncated?)";
    return std::nullopt;
  }
  if (info.frames == 0) {
    error = "no audio: 0 frames";
    return std::nullopt;
  }
  if (info.samplerate <= 0 || info.channels <= 0) {
    error = "invalid header: " + std::to_string(info.samplerate) + " Hz, " + std::to_string(info.channels) +
            " channels";
    return std::nullopt;
  }
  SoundFileInfo result;
  result.frames = info.frames;
  result.sample_rate = info.samplerate;
  result.channels = info.channels;
  result.format = format_name(info.format);
  return result;
}

DecodeCheck check_sound_file(const std::string& path, int loudness_channels) {
  DecodeCheck check;
  if (!probe_sound_file(path, check.error)) return check;
  SndFile file;
  if (!file.open(path)) {
    check.error = "not an audio file libsndfile can read (" + sniff(path) + ")";
    return check;
  }
  const SF_INFO& info = file.info();
  std::int64_t promised = promised_by_chunk(file.get(), info.frames);
  std::optional<Mp3Layout> mp3;
  if ((info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG) {
    mp3 = read_mp3_layout(path);
    if (mp3 && !mp3->length_header) promised = -1;  // the decoder's count is an estimate from the file size
  }
  std::unique_ptr<LoudnessMeter> meter;
  if (loudness_channels > 0) {
    meter = std::make_unique<LoudnessMeter>(loudness_channels);
    if (!meter->begin(info.samplerate, info.channels)) {
      check.error = "cannot start the loudness meter";
      return check;
    }
  }
  constexpr sf_count_t block = 4096;
  std::vector<float> buffer(static_cast<std::size_t>(block) * static_cast<std::size_t>(info.channels));
  for (;;) {
    const sf_count_t n = sf_readf_float(file.get(), buffer.data(), block);
    if (n <= 0) break;
    if (meter) meter->add(buffer.data(), n);
    check.decoded += n;
  }
  const int code = sf_error(file.get());
  const auto decoded = std::to_string(check.decoded);
  const std::string counts = decoded + " of " + (promised < 0 ? decoded : std::to_string(promised)) + " frames decode";
  if (mp3 && mp3->last_frame_cut) {
    check.error = "truncated: the file ends inside an MPEG frame (" + std::to_string(mp3->cut_bytes) + " of its " +
                  std::to_string(mp3->cut_frame_bytes) + " bytes); " + decoded + " frames decode";
    return check;
  }
  if (promised >= 0 && check.decoded < promised) {
    check.error = "truncated: " + counts;
    if (code != SF_ERR_NO_ERROR) check.error += " (" + decoder_message(file.get()) + ")";
    return check;
  }
  if (code != SF_ERR_NO_ERROR) {
    check.error = "decode error: " + counts + " (" + decoder_message(file.get()) + ")";
    return check;
  }
  if (meter) check.loudness = meter->current();
  check.ok = true;
  return check;
}

bool decode_sound_file(const std::string& path, std::string& error) {
  DecodeCheck check = check_sound_file(path, 0);
  error = std::move(check.error);
  return check.ok;
}

}  // namespace stillroom::audio
