// ArchiveConfig: the clinic archive's configuration file (archive.yaml) — the
// clinic broker it consumes from, its TLS files, and the PostgreSQL database it
// stores into — read with file:line:column for every problem. Runs on the
// caller's thread; reads only the file system.
#pragma once

#include "config/Duration.hpp"
#include "config/Problems.hpp"
#include "config/Room.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace stillroom::archive {

struct ArchiveConfig {
  struct Mqtt {
    std::string host = "127.0.0.1";
    int port = 8883;
    std::string username = "archive";
    /** File holding the password (never the password itself in YAML). */
    std::string password_file;
    /** TLS to the clinic broker (absent: plain TCP, for a broker on the same host only). */
    std::optional<config::TlsSettings> tls;
    /** Rooms' topics live under "<prefix>/<room>/". */
    std::string topic_prefix = "stillroom";
    /** The persistent session's key at the broker: keep it stable. */
    std::string client_id = "stillroom-archive";
    config::Millis keepalive{30000};
    /** How long the broker keeps the session (and queues the stream) while the archive is away. */
    config::Millis session_expiry{7LL * 24 * 3600 * 1000};
  } mqtt;

  /** libpq connection string ("host=/run/postgresql dbname=stillroom_archive"); a password belongs in a passfile. */
  std::string postgres;

  /** A repeat of the held seq (asks a room to send again what is missing) at most this often per room. */
  config::Millis repeat_after{2000};
  /** A room that sent nothing for this long is told the held seq again (lost acknowledgements, lost events). */
  config::Millis resync_every{30000};
  /** Most events committed in one transaction. */
  int max_batch = 2000;
  /** Publish each room's archive state, retained, on "<prefix>/<room>/archive". */
  bool publish_status = true;
};

/** Reads archive.yaml; every problem goes into `problems`; nullopt when there are errors. */
[[nodiscard]] std::optional<ArchiveConfig> load_archive_config(const std::filesystem::path& path,
                                                              config::Problems& problems);

/** The first line of the password file (without its line end); throws std::runtime_error when unreadable. */
[[nodiscard]] std::string read_password(const std::string& path);

}  // namespace stillroom::archive
