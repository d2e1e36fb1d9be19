#include "audio/LoudnessCache.hpp"

#include "audio/LoudnessMeter.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace stillroom::audio {

namespace {

constexpr const char* kMagic = "stillroom-loudness 1";

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string format_double(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

}  // namespace

LoudnessCache::LoudnessCache(std::string directory, int out_channels, Access access)
    : directory_(std::move(directory)), out_channels_(out_channels), access_(access) {}

std::optional<FileIdentity> LoudnessCache::identify(const std::string& path) {
  std::error_code ec;
  auto absolute = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  if (ec) return std::nullopt;
  struct stat st {};
  if (::stat(absolute.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  FileIdentity id;
  id.path = absolute.string();
  id.size = static_cast<std::uintmax_t>(st.st_size);
  id.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return id;
}

std::string LoudnessCache::entry_path(const std::string& absolute) const {
  char name[40];
  std::snprintf(name, sizeof name, "%016llx-%d.r128", static_cast<unsigned long long>(fnv1a(absolute)),
                out_channels_);
  return (std::filesystem::path(directory_) / name).string();
}

std::optional<LoudnessCache::Entry> LoudnessCache::read_entry(const std::string& absolute) const {
  if (directory_.empty()) return std::nullopt;
  std::ifstream in(entry_path(absolute));
  if (!in) return std::nullopt;
  std::string line;
  if (!std::getline(in, line) || line != kMagic) return std::nullopt;
  Entry e;
  int channels = 0;
  bool has_lufs = false;
  bool has_peak = false;
  while (std::getline(in, line)) {
    const auto space = line.find(' ');
    if (space == std::string::npos) return std::nullopt;
    const std::string key = line.substr(0, space);
    const std::string value = line.substr(space + 1);
    try {
      if (key == "path") e.identity.path = value;
      else if (key == "size") e.identity.size = std::stoull(value);
      else if (key == "mtime_ns") e.identity.mtime_ns = std::stoll(value);
      else if (key == "channels") channels = std::stoi(value);
      else if (key == "integrated_lufs") e.loudness.integrated_lufs = std::strtod(value.c_str(), nullptr), has_lufs = true;
      else if (key == "true_peak_dbtp") e.loudness.true_peak_dbtp = std::strtod(value.c_str(), nullptr), has_peak = true;
      else if (key == "verified") e.verified = value == "1";
    } catch (const std::exception&) {
      return std::nullopt;  // a damaged entry is measured again
    }
  }
  if (e.identity.path != absolute || channels != out_channels_ || !has_lufs || !has_peak) return std::nullopt;
  return e;
}

bool LoudnessCache::write_entry(const Entry& entry, std::string& error) const {
  if (!writes()) return true;
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  if (ec) {
    error = "loudness cache: cannot create " + directory_ + ": " + ec.message();
    return false;
  }
  static std::atomic<unsigned> counter{0};
  const std::string final_path = entry_path(entry.identity.path);
  const std::string temp_path = final_path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  std::ostringstream text;
  text << kMagic << '\n'
       << "path " << entry.identity.path << '\n'
       << "size " << entry.identity.size << '\n'
       << "mtime_ns " << entry.identity.mtime_ns << '\n'
       << "channels " << out_channels_ << '\n'
       << "integrated_lufs " << format_double(entry.loudness.integrated_lufs) << '\n'
       << "true_peak_dbtp " << format_double(entry.loudness.true_peak_dbtp) << '\n'
       << "verified " << (entry.verified ? 1 : 0) << '\n';
  const std::string data = text.str();
  FILE* f = std::fopen(temp_path.c_str(), "wb");
  if (f == nullptr) {
    error = "loudness cache: cannot write " + temp_path + ": " + std::strerror(errno);
    return false;
  }
  const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size() && std::fflush(f) == 0 &&
                  ::fsync(::fileno(f)) == 0;
  std::fclose(f);
  if (!ok || std::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    error = "loudness cache: cannot write " + final_path + ": " + std::strerror(errno);
    std::remove(temp_path.c_str());
    return false;
  }
  return true;
}

std::optional<Loudness> LoudnessCache::lookup(const std::string& path) {
  if (auto cached = find(path)) return cached->loudness;
  return std::nullopt;
}

std::optional<CachedLoudness> LoudnessCache::find(const std::string& path) {
  const auto id = identify(path);
  if (!id) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (auto it = memory_.find(id->path); it != memory_.end() && it->second.identity == *id) {
    return CachedLoudness{it->second.loudness, it->second.verified};
  }
  if (auto entry = read_entry(id->path); entry && entry->identity == *id) {
    memory_[id->path] = *entry;
    return CachedLoudness{entry->loudness, entry->verified};
  }
  return std::nullopt;
}

std::optional<Loudness> LoudnessCache::measure(const std::string& path, std::string& error) {
  if (auto cached = lookup(path)) return cached;
  const auto before = identify(path);
  LoudnessMeter meter(out_channels_);
  auto measured = meter.measure(path, error);
  if (!measured) return std::nullopt;
  {
    std::lock_guard lock(mutex_);
    ++measurements_;
  }
  // A file replaced while it was measured is measured again next time.
  if (before && identify(path) == before) {
    std::string write_error;
    if (!store(path, *measured, write_error)) error = write_error;  // the value is still good
  }
  return measured;
}

bool LoudnessCache::store(const std::string& path, const Loudness& loudness, std::string& error, bool verified) {
  const auto id = identify(path);
  if (!id) {
    error = "loudness cache: cannot stat " + path;
    return false;
  }
  Entry entry{*id, loudness, verified};
  std::lock_guard lock(mutex_);
  memory_[id->path] = entry;
  return write_entry(entry, error);
}

std::uint64_t LoudnessCache::measurements() const {
  std::lock_guard lock(mutex_);
  return measurements_;
}

}  // namespace stillroom::audio
