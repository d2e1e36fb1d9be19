// LoudnessCache: each track's loudness measured once and kept on disk, one
// small file per track in AudioSettings::loudness_cache, keyed by the file's
// identity (absolute path, size, mtime in ns): survives restarts and is
// rebuilt when the file changes. Entries are written atomically (temp file +
// rename). Read-only, it reads entries but writes nothing. Thread-safe: the
// controller measures at preload while the decoder thread looks up.
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

/** A cached measurement. */
struct CachedLoudness {
  Loudness loudness;
  /** Measured in the same pass as a decode check that found every frame decoding. */
  bool verified = false;
};

class LoudnessCache {
 public:
  /** ReadOnly reads entries on disk but keeps what it learns in memory (`stillroom check` writes nothing). */
  enum class Access { ReadWrite, ReadOnly };

  /**
   * `directory`: where entries live (created when missing; empty = memory
   * only). `out_channels`: the player's output channels, whose mapping is
   * measured (part of the key).
   */
  explicit LoudnessCache(std::string directory, int out_channels = 2, Access access = Access::ReadWrite);

  /** The cached loudness when the file is unchanged since it was measured; never measures. */
  [[nodiscard]] std::optional<Loudness> lookup(const std::string& path);
  /** The same, with whether the file was verified to decode in full when it was measured. */
  [[nodiscard]] std::optional<CachedLoudness> find(const std::string& path);
  /** Cached, or measured now and stored. Nullopt with `error` when the file cannot be measured. */
  [[nodiscard]] std::optional<Loudness> measure(const std::string& path, std::string& error);
  /**
   * Records a measurement made elsewhere (the decode check's pass, the
   * decoder's sliced meter). False with `error` on I/O failure.
   */
  bool store(const std::string& path, const Loudness& loudness, std::string& error, bool verified = false);
  /** Whether entries are written to disk. */
  [[nodiscard]] bool writes() const noexcept { return access_ == Access::ReadWrite && !directory_.empty(); }

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
    bool verified = false;
  };

  [[nodiscard]] std::string entry_path(const std::string& absolute) const;
  [[nodiscard]] std::optional<Entry> read_entry(const std::string& absolute) const;
  bool write_entry(const Entry& entry, std::string& error) const;

  std::string directory_;
  int out_channels_;
  Access access_;
  mutable std::mutex mutex_;
  /** By absolute path. */
  std::map<std::string, Entry> memory_;
  std::uint64_t measurements_ = 0;
};

}  // namespace stillroom::audio
