// Postgres: a real PostgreSQL server for tests and benchmarks — Debian's
// initdb and postgres in a temporary directory, on a free loopback port, with
// commit timestamps on (the clinic benchmark measures lag with them). The
// server refuses to run as root, so when the tests run as root it runs as the
// unprivileged system user `nobody` (its files owned by nobody); otherwise as
// the current user. Everything is removed when the object goes away.
#pragma once

#include "support/TempDir.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace stillroom::test {

class Postgres {
 public:
  /** initdb, start, create the database `database`; throws std::runtime_error with the server's log. */
  explicit Postgres(std::string database = "stillroom_archive");
  ~Postgres();
  Postgres(const Postgres&) = delete;
  Postgres& operator=(const Postgres&) = delete;

  /** Starts the server again (after stop() or crash()). */
  void start();
  /** Fast shutdown: rolls back open transactions, waits for the server to end. */
  void stop();
  /** Immediate shutdown (SIGQUIT): no checkpoint, as after a crash; recovery at the next start. */
  void crash();
  [[nodiscard]] bool running() const noexcept { return pid_ > 0; }

  [[nodiscard]] int port() const noexcept { return port_; }
  /** libpq connection string of the test database (user `stillroom`, no password on loopback). */
  [[nodiscard]] std::string conninfo() const;
  /** Runs SQL and returns the rows as text (NULL as ""); throws std::runtime_error on an error. */
  [[nodiscard]] std::vector<std::vector<std::string>> query(const std::string& sql) const;
  /** The single value of a one-row, one-column query. */
  [[nodiscard]] std::string value(const std::string& sql) const;
  /** The server's log so far. */
  [[nodiscard]] std::string log() const;
  /** Where the server binaries are (/usr/lib/postgresql/<version>/bin). */
  [[nodiscard]] static std::string bin_dir();
  /** The account the server runs as ("nobody" under root). */
  [[nodiscard]] const std::string& account() const noexcept { return account_; }

 private:
  /** Runs a server binary as the server's account to completion; returns its exit status. */
  int run_as_account(const std::vector<std::string>& argv) const;

  TempDir dir_;
  std::string database_;
  std::string account_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace stillroom::test
