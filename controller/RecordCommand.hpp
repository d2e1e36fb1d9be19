// RecordCommand: `stillroom record …` — list sessions, show a session's
// timeline, verify the chain, export a session (CSV, JSON, FHIR R4). Reads the
// record read-only (safe beside a running controller). Runs on the CLI's main
// thread. Exit codes: 0 ok, 1 verification failed / not found / unreadable,
// 2 usage.
#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace stillroom::controller {

struct RecordCommandHooks {
  /**
   * Resolves `--config ROOM.yaml` to the record's path (the room's record.path).
   * Returns nullopt after writing the reason to `err`. Unset: --config is refused
   * with a usage error naming --db. The CLI wires this to the configuration loader.
   */
  std::function<std::optional<std::filesystem::path>(const std::string& room_file, std::ostream& err)> record_path_from_config;
};

/** `args` are the words after `record` (a leading "record" is accepted too). */
int run_record_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/** The same with hooks (the CLI passes the configuration loader here). */
int run_record_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                       const RecordCommandHooks& hooks);

}  // namespace stillroom::controller
