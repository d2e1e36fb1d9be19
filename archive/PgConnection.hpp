// PgConnection: one libpq connection with the few things the archive needs —
// text-parameter statements, results that free themselves, and errors that
// say whether the connection was lost (retry later) or the statement was
// refused (the data or the schema is wrong). Not thread-safe: one thread owns
// a connection.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace stillroom::archive {

class PgError : public std::runtime_error {
 public:
  PgError(const std::string& message, bool connection_lost, std::string sqlstate = {})
      : std::runtime_error(message), connection_lost_(connection_lost), sqlstate_(std::move(sqlstate)) {}
  /** The server is unreachable or the connection broke: nothing was committed, try again later. */
  [[nodiscard]] bool connection_lost() const noexcept { return connection_lost_; }
  /** The five-character SQLSTATE of a refused statement ("23505" unique violation, "P0001" raised), else "". */
  [[nodiscard]] const std::string& sqlstate() const noexcept { return sqlstate_; }

 private:
  bool connection_lost_;
  std::string sqlstate_;
};

/** A finished statement's rows, all as text. */
class PgResult {
 public:
  explicit PgResult(PGresult* result) : result_(result, &PQclear) {}
  [[nodiscard]] int rows() const { return PQntuples(result_.get()); }
  [[nodiscard]] bool null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  [[nodiscard]] std::string text(int row, int column) const { return PQgetvalue(result_.get(), row, column); }
  [[nodiscard]] long long integer(int row, int column) const { return std::stoll(text(row, column)); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

/** A statement parameter: text, or SQL NULL. */
using PgParam = std::optional<std::string>;

class PgConnection {
 public:
  /** Connects with a libpq connection string; throws PgError (connection_lost) when it cannot. */
  explicit PgConnection(const std::string& conninfo);
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  /** Runs one statement (or several without parameters); throws PgError. */
  PgResult exec(const std::string& sql);
  /** Runs one statement with text parameters $1, $2, ...; throws PgError. */
  PgResult exec(const std::string& sql, const std::vector<PgParam>& params);
  /** ROLLBACK, ignoring every failure (after an error inside a transaction). */
  void rollback_quietly() noexcept;
  /** The connection is usable. */
  [[nodiscard]] bool ok() const noexcept { return PQstatus(conn_.get()) == CONNECTION_OK; }
  /** The server's version number (150018 for 15.18). */
  [[nodiscard]] int server_version() const noexcept { return PQserverVersion(conn_.get()); }

 private:
  PgResult check(PGresult* result, const std::string& sql);

  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

}  // namespace stillroom::archive
