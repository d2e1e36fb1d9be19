#include "archive/PgConnection.hpp"

namespace stillroom::archive {
namespace {

std::string trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

PgConnection::PgConnection(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str()), &PQfinish) {
  if (!conn_) throw PgError("PostgreSQL: out of memory while connecting", true);
  if (PQstatus(conn_.get()) != CONNECTION_OK)
    throw PgError("PostgreSQL: cannot connect: " + trimmed(PQerrorMessage(conn_.get())), true);
  // Messages of the server in English whatever the locale, timestamps in UTC.
  exec("SET lc_messages TO 'C'; SET TIME ZONE 'UTC'; SET client_min_messages TO warning");
}

PgResult PgConnection::check(PGresult* raw, const std::string& sql) {
  PgResult result(raw);
  const ExecStatusType status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  const bool lost = PQstatus(conn_.get()) != CONNECTION_OK;
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const std::string what = trimmed(raw ? PQresultErrorMessage(raw) : PQerrorMessage(conn_.get()));
  const std::string head = sql.substr(0, std::min<std::size_t>(sql.find_first_of("(\n"), 60));
  throw PgError("PostgreSQL: " + (what.empty() ? std::string("no result") : what) + " [" + head + "]", lost,
                state ? state : "");
}

PgResult PgConnection::exec(const std::string& sql) {
  if (!ok()) throw PgError("PostgreSQL: the connection was lost", true);
  return check(PQexec(conn_.get(), sql.c_str()), sql);
}

PgResult PgConnection::exec(const std::string& sql, const std::vector<PgParam>& params) {
  if (!ok()) throw PgError("PostgreSQL: the connection was lost", true);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return check(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                            nullptr, 0),
               sql);
}

void PgConnection::rollback_quietly() noexcept {
  if (!ok()) return;
  PGresult* r = PQexec(conn_.get(), "ROLLBACK");
  if (r) PQclear(r);
}

}  // namespace stillroom::archive
