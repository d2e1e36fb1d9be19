#include "TrackWriter.hpp"

#include "OggSerial.hpp"
#include "Random.hpp"

#include <sndfile.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace stillroom::demo {
namespace {

constexpr sf_count_t kChunkFrames = 65536;

std::filesystem::path partial_path(const std::filesystem::path& path) {
  return path.parent_path() / ("." + path.filename().string() + ".partial");
}

/** Closes the sound file on every path out. */
class SoundFile {
 public:
  SoundFile(const std::filesystem::path& path, SF_INFO& info) : file_(sf_open(path.c_str(), SFM_WRITE, &info)) {}
  ~SoundFile() {
    if (file_ != nullptr) sf_close(file_);
  }
  SoundFile(const SoundFile&) = delete;
  SoundFile& operator=(const SoundFile&) = delete;

  [[nodiscard]] SNDFILE* get() const noexcept { return file_; }
  /** Closes now; the result of sf_close. */
  int close() noexcept {
    const int result = sf_close(file_);
    file_ = nullptr;
    return result;
  }

 private:
  SNDFILE* file_;
};

void write_sound(const std::filesystem::path& path, const TrackSpec& spec, const Audio& audio) {
  SF_INFO info{};
  info.samplerate = audio.rate;
  info.channels = audio.channels;
  info.format = sndfile_format(spec.container);
  SoundFile file(path, info);
  if (file.get() == nullptr) {
    throw WriteError("cannot create " + path.string() + ": " + sf_strerror(nullptr));
  }
  // Tags must be set before the first sample is written.
  const std::string album = "stillroom demo music";
  const std::pair<int, const std::string*> tags[] = {
      {SF_STR_TITLE, &spec.title}, {SF_STR_ARTIST, nullptr}, {SF_STR_ALBUM, &album}};
  for (const auto& [kind, text] : tags) {
    const std::string value = text != nullptr ? *text : std::string(kArtist);
    if (sf_set_string(file.get(), kind, value.c_str()) != 0) {
      throw WriteError("cannot tag " + path.string() + ": " + sf_strerror(file.get()));
    }
  }
  const std::int64_t frames = audio.frames();
  for (std::int64_t done = 0; done < frames;) {
    const sf_count_t count = std::min<sf_count_t>(kChunkFrames, frames - done);
    const float* chunk = audio.samples.data() + done * audio.channels;
    if (sf_writef_float(file.get(), chunk, count) != count) {
      throw WriteError("cannot write " + path.string() + ": " + sf_strerror(file.get()));
    }
    done += count;
  }
  if (file.close() != 0) throw WriteError("cannot finish " + path.string());
}

}  // namespace

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw WriteError("cannot read " + path.string() + ": " + std::strerror(errno));
  std::vector<std::uint8_t> bytes;
  in.seekg(0, std::ios::end);
  bytes.resize(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!in) throw WriteError("cannot read " + path.string());
  return bytes;
}

void write_bytes(const std::filesystem::path& path, std::span<const std::uint8_t> bytes) {
  const std::filesystem::path partial = partial_path(path);
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) throw WriteError("cannot create " + partial.string() + ": " + std::strerror(errno));
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(partial, ignored);
      throw WriteError("cannot write " + partial.string() + " (disk full?)");
    }
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) throw WriteError("cannot rename " + partial.string() + " to " + path.string() + ": " + error.message());
}

void write_track(const std::filesystem::path& path, const TrackSpec& spec, const Audio& audio) {
  const std::filesystem::path partial = partial_path(path);
  try {
    write_sound(partial, spec, audio);
    if (spec.container == Container::OggVorbis) {
      std::vector<std::uint8_t> bytes = read_bytes(partial);
      const auto serial = static_cast<std::uint32_t>(fnv1a(seed_name(spec)));
      if (const std::string problem = set_ogg_serial(bytes, serial); !problem.empty()) {
        throw WriteError("libsndfile wrote an Ogg file that cannot be read back (" + problem + "): " + path.string());
      }
      write_bytes(partial, bytes);
    }
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw;
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) throw WriteError("cannot rename " + partial.string() + " to " + path.string() + ": " + error.message());
}

}  // namespace stillroom::demo
