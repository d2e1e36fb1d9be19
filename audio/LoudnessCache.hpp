// LoudnessCache: each track's loudness measured once and kept on disk, one
// small file per track in AudioSettings::loudness_cache, keyed by the file's
// identity (absolute path, size, mtime in ns): survives restarts and is
// rebuilt when the file changes. Entries are written atomically (temp file +
// rename). Thread-safe: the controller measures at preload while the decoder
// thread looks up.
#pragma once

#include "audio/Loudness.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace stillroom::audio {

/** What makes a cached measurement valid for a file. */
struct FileIdentity {
  std::string path;
  std::uintmax_t size = 0;
  std::int64_t mtime_ns = 0;

  friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

class LoudnessCache {
 public:
  /**
   * `directory`: where entries live (created when missing; empty = memory
   * only). `out_channels`: the player's output channels, whose mapping is
   * measured (part of the key).
   */
  explicit LoudnessCache(std::string directory, int out_channels = 2);

  /** The cached loudness when the file is unchanged since it was measured; never measures. */
  [[nodiscard]] std::optional<Loudness> lookup(const std::string& path);
  /** Cached, or measured now and stored. Nullopt with `error` when the file cannot be measured. */
  [[nodiscard]] std::optional<Loudness> measure(const std::string& path, std::string& error);
  /** Records a measurement made elsewhere (the decoder's sliced meter). False with `error` on I/O failure. */
  bool store(const std::string& path, const Loudness& loudness, std::string& error);

  /** Measurements this instance made (not served from memory or disk). */
  [[nodiscard]] std::uint64_t measurements() const;
  [[nodiscard]] const std::string& directory() const noexcept { return directory_; }
  [[nodiscard]] int out_channels() const noexcept { return out_channels_; }

  /** Absolute path, size and mtime of `path`; nullopt when it cannot be stat'ed. */
  [[nodiscard]] static std::optional<FileIdentity> identify(const std::string& path);

 private:
  struct Entry {
    FileIdentity identity;
    Loudness loudness;
  };

  [[nodiscard]] std::string entry_path(const std::string& absolute) const;
  [[nodiscard]] std::optional<Entry> read_entry(const std::string& absolute) const;
  bool write_entry(const Entry& entry, std::string& error) const;

  std::string directory_;
  int out_channels_;
  mutable std::mutex mutex_;
  /** By absolute path. */
  std::map<std::string, Entry> memory_;
  std::uint64_t measurements_ = 0;
};

}  // namespace stillroom::audio
