// RecordFiles: the file-system side of the clinical record — creating the
// database file readable only by the controller's user, keeping its -wal and
// -shm companions at 0600, syncing the directory after a create or rename, and
// moving a damaged database aside (with its companions) so that it is kept as
// evidence and never written into. Called by the thread that owns the record.
#pragma once

#include "record/RecordError.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace stillroom::record {

/** Sets the process umask to 077 for its lifetime (the record's files must never be group/world readable). */
class RecordUmask {
 public:
  RecordUmask() noexcept;
  ~RecordUmask();
  RecordUmask(const RecordUmask&) = delete;
  RecordUmask& operator=(const RecordUmask&) = delete;

 private:
  /** The umask in force before, restored on destruction. */
  mode_t previous_;
};

/** The database file and the companions SQLite keeps beside it (-wal, -shm, -journal). */
[[nodiscard]] std::vector<std::filesystem::path> record_files(const std::filesystem::path& database);

/** Creates `path` empty with mode 0600 if it does not exist (and syncs its directory); throws RecordError. */
void create_private_file(const std::filesystem::path& path);

/** chmod 0600 on the database and every companion that exists and is wider; throws RecordError on failure. */
void restrict_record_modes(const std::filesystem::path& database);

/** fsync on a directory so a create or rename survives a power cut; errors are ignored (best effort). */
void sync_directory(const std::filesystem::path& directory) noexcept;

/** Why writes to the record's files fail, found in the environment. */
struct StorageDiagnosis {
  RecordError::Kind kind = RecordError::Kind::Io;
  std::string reason;
};

/**
 * SQLite reports some write failures as a bare "disk I/O error" with errno gone
 * (it reads errno after cleaning up). This looks at the environment instead: a
 * read-only filesystem, less than 64 KiB free, or one of the record's files at the
 * process's file size limit (RLIMIT_FSIZE). nullopt when none of these holds.
 */
[[nodiscard]] std::optional<StorageDiagnosis> diagnose_write_failure(const std::filesystem::path& database);

/**
 * Renames the database and its companions to "<name>.<label>-<stamp>[-N]" (+ "-wal", ...)
 * so SQLite can still open the preserved copy with its WAL. Returns the new database path; throws RecordError.
 */
[[nodiscard]] std::filesystem::path move_record_aside(const std::filesystem::path& database, const std::string& label,
                                                      const std::string& stamp);

}  // namespace stillroom::record
