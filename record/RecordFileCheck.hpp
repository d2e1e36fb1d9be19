// RecordFileCheck: SQLite's structural check of a record file (quick_check), on
// a read-only connection of its own, so that it can run beside the writer (WAL
// lets a reader in while events are appended). A large record takes about 0.6 s
// per million events: the daemon runs it after the room is online, not before.
// Run by whichever thread calls it; touches nothing shared.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace stillroom::record {

/**
 * What quick_check says is wrong with the file at `path`, or nothing when it is sound.
 * Throws RecordError when the file cannot be opened.
 */
[[nodiscard]] std::optional<std::string> record_file_damage(const std::filesystem::path& path,
                                                            const std::string& vfs = {});

/** The marker beside a record that a background check found damaged: the next open checks it first. */
[[nodiscard]] std::filesystem::path damage_marker(const std::filesystem::path& record_path);

}  // namespace stillroom::record
