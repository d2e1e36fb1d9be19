#include "support/Postgres.hpp"

#include "support/Mosquitto.hpp"

#include <libpq-fe.h>

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>

namespace stillroom::test {
namespace {

/** Exec in a forked child as `uid`:`gid` with output to `log`; only async-signal-safe calls after fork. */
pid_t spawn_as(const std::vector<std::string>& argv, uid_t uid, gid_t gid, const std::string& log, bool die_with_parent) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const bool switch_user = ::geteuid() == 0;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    if (log_fd >= 0) {
      ::dup2(log_fd, 1);
      ::dup2(log_fd, 2);
    }
    if (switch_user) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(126);
    }
    // After the change of user: a credential change clears the parent-death signal.
    if (die_with_parent) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  if (log_fd >= 0) ::close(log_fd);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

std::string Postgres::bin_dir() {
  // Debian installs one directory per major version; take the newest.
  std::string best;
  int best_version = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const int version = std::atoi(entry.path().filename().c_str());
    if (version > best_version && std::filesystem::exists(entry.path() / "bin" / "postgres")) {
      best_version = version;
      best = (entry.path() / "bin").string();
    }
  }
  if (best.empty()) throw std::runtime_error("PostgreSQL is not installed (apt-get install postgresql)");
  return best;
}

Postgres::Postgres(std::string database) : dir_("stillroom-postgres"), database_(std::move(database)) {
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("nobody");
    if (!pw) throw std::runtime_error("no user 'nobody' to run PostgreSQL as (it refuses to run as root)");
    account_ = "nobody";
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
  } else {
    const passwd* pw = ::getpwuid(::geteuid());
    account_ = pw ? pw->pw_name : "self";
    uid_ = ::geteuid();
    gid_ = ::getegid();
  }
  // The account must reach its directory: the temporary directory is the server's alone.
  ::chmod(dir_.path().c_str(), 0755);
  if (::geteuid() == 0 && ::chown(dir_.path().c_str(), uid_, gid_) != 0)
    throw std::runtime_error("cannot give " + dir_.path().string() + " to " + account_);
  port_ = free_port();
  const std::string data = (dir_ / "data").string();
  if (run_as_account({bin_dir() + "/initdb", "-D", data, "-U", "stillroom", "-A", "trust", "-E", "UTF8",
                      "--no-locale", "--no-sync"}) != 0)
    throw std::runtime_error("initdb failed:\n" + log());
  start();
  const auto admin = std::string("host=127.0.0.1 port=") + std::to_string(port_) + " user=stillroom dbname=postgres";
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(admin.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) throw std::runtime_error(std::string("psql: ") + PQerrorMessage(conn.get()));
  PGresult* r = PQexec(conn.get(), ("CREATE DATABASE " + database_).c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) throw std::runtime_error(std::string("CREATE DATABASE failed: ") + PQerrorMessage(conn.get()));
}

Postgres::~Postgres() {
  try {
    stop();
  } catch (...) {
  }
}

int Postgres::run_as_account(const std::vector<std::string>& argv) const {
  return wait_exit(spawn_as(argv, uid_, gid_, (dir_ / "postgres.log").string(), false));
}

void Postgres::start() {
  if (running()) return;
  pid_ = spawn_as({bin_dir() + "/postgres", "-D", (dir_ / "data").string(), "-p", std::to_string(port_), "-k",
                   dir_.path().string(), "-c", "listen_addresses=127.0.0.1", "-c", "track_commit_timestamp=on", "-c",
                   "max_connections=50", "-c", "shared_buffers=32MB"},
                  uid_, gid_, (dir_ / "postgres.log").string(), true);
  const std::string ping = "host=127.0.0.1 port=" + std::to_string(port_) + " user=stillroom dbname=postgres";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (PQping(ping.c_str()) != PQPING_OK) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("postgres exited at start:\n" + log());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      crash();
      throw std::runtime_error("postgres did not accept connections within 30 s:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Postgres::stop() {
  if (!running()) return;
  ::kill(pid_, SIGINT);
  wait_exit(pid_);
  pid_ = -1;
}

void Postgres::crash() {
  if (!running()) return;
  ::kill(pid_, SIGQUIT);
  wait_exit(pid_);
  pid_ = -1;
}

std::string Postgres::conninfo() const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=stillroom dbname=" + database_ + " connect_timeout=5";
}

std::vector<std::vector<std::string>> Postgres::query(const std::string& sql) const {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo().c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) throw std::runtime_error(std::string("postgres: ") + PQerrorMessage(conn.get()));
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn.get(), sql.c_str()), &PQclear);
  const auto status = PQresultStatus(r.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
    throw std::runtime_error("postgres: " + std::string(PQresultErrorMessage(r.get())) + " in: " + sql);
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < PQntuples(r.get()); ++i) {
    std::vector<std::string> row;
    for (int c = 0; c < PQnfields(r.get()); ++c) row.emplace_back(PQgetvalue(r.get(), i, c));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string Postgres::value(const std::string& sql) const {
  const auto rows = query(sql);
  if (rows.size() != 1 || rows[0].size() != 1) throw std::runtime_error("expected one value from: " + sql);
  return rows[0][0];
}

std::string Postgres::log() const { return read_file(dir_ / "postgres.log"); }

}  // namespace stillroom::test
