// Helpers shared by the record's tests: event drafts, a raw SQLite handle for
// tampering (as an attacker with file access would), running a scenario in a
// child process (for resource limits, namespaces and SIGKILL), and a private
// mount namespace when the system permits one.
#pragma once

#include "record/Record.hpp"
#include "record/RecordEvent.hpp"
#include "session/EventCodec.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sched.h>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace stillroom::test {

using record::EventDraft;
using record::RecordActor;

inline const RecordActor kTherapist{"tablet-3", "therapist"};
inline const RecordActor kSystem{"room-1", "system"};

inline EventDraft draft(std::string type, nlohmann::json payload, std::string session = "s-0001",
                        RecordActor actor = kTherapist) {
  EventDraft d;
  d.session = std::move(session);
  d.type = std::move(type);
  d.actor = std::move(actor);
  d.payload = std::move(payload);
  return d;
}

/** The draft of a typed event. */
inline EventDraft draft(const session::Event& event, std::string session = "s-0001", RecordActor actor = kTherapist) {
  return draft(std::string(session::type_name(event)), session::encode(event), std::move(session), std::move(actor));
}

/** A valid event of a common type, varied by `n` (so payloads differ). */
inline EventDraft sample_event(int n, std::string session = "s-0001") {
  switch (n % 4) {
    case 0: return draft("volume", {{"db", -6.0 - n}}, std::move(session));
    case 1: return draft("talk", {{"on", n % 2 == 1}, {"at_dose_ms", 1000 * n}}, std::move(session));
    case 2:
      return draft("phase_changed",
                   {{"phase", "peak"}, {"index", n}, {"at_dose_ms", 60000 * n}, {"ends_at_dose_ms", 60000 * n + 30000}},
                   std::move(session));
    default: return draft("paused", {{"at_dose_ms", 1000 * n}}, std::move(session));
  }
}

/** A raw read-write SQLite connection, as someone with access to the file would open it. */
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
      throw std::runtime_error("cannot open " + path.string());
  }
  ~RawDb() { sqlite3_close_v2(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  /** sqlite3_exec result code; `message` receives the error text. */
  int exec(const std::string& sql, std::string* message = nullptr) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    if (message) *message = error ? error : "";
    sqlite3_free(error);
    return rc;
  }
  /** Runs and requires success. */
  void must(const std::string& sql) {
    std::string message;
    const int rc = exec(sql, &message);
    if (rc != SQLITE_OK) throw std::runtime_error(sql + ": " + message);
  }
  /** First column of the first row as text. */
  std::string text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0) != nullptr)
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
  }
  /** Every row's first column as text. */
  std::vector<std::string> column(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    std::vector<std::string> out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK)
      while (sqlite3_step(st) == SQLITE_ROW)
        out.emplace_back(sqlite3_column_text(st, 0) ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0)) : "");
    sqlite3_finalize(st);
    return out;
  }
  /** What a tamperer does first: remove the append-only triggers. */
  void drop_triggers() { must("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;"); }
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

/** Lines "key=value" a child process reported, its exit status, and whether it ran to the end. */
struct ChildReport {
  std::map<std::string, std::string> values;
  std::string raw;
  int exit_code = -1;
  int signal = 0;

  [[nodiscard]] std::string get(const std::string& key) const {
    const auto it = values.find(key);
    return it == values.end() ? std::string("<missing " + key + ">") : it->second;
  }
  [[nodiscard]] long long number(const std::string& key) const {
    const auto it = values.find(key);
    return it == values.end() ? -1 : std::stoll(it->second);
  }
};

/**
 * Runs `scenario` in a forked child that writes "key=value" lines to `report`.
 * An exception in the child is reported as error=... and exit code 3.
 */
inline ChildReport run_in_child(const std::function<void(std::ostream& report)>& scenario) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(fds[0]);
    std::ostringstream report;
    int code = 0;
    try {
      scenario(report);
    } catch (const std::exception& e) {
      report << "error=" << e.what() << "\n";
      code = 3;
    }
    const std::string text = report.str();
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fds[1], text.data() + done, text.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::_exit(code);
  }
  ::close(fds[1]);
  ChildReport result;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) result.raw.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  std::istringstream lines(result.raw);
  std::string line;
  while (std::getline(lines, line)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) result.values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return result;
}

inline void write_proc(const char* path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

/**
 * Moves the calling (single-threaded, forked) process into a private mount
 * namespace: directly when privileged, else inside a new user namespace.
 * Returns "" on success, else why it is not permitted here.
 */
inline std::string enter_private_mount_namespace() {
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  if (::unshare(CLONE_NEWNS) != 0) {
    const int direct = errno;
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
      return std::string("unshare(CLONE_NEWNS): ") + std::strerror(direct) +
             "; unshare(CLONE_NEWUSER|CLONE_NEWNS): " + std::strerror(errno);
    write_proc("/proc/self/setgroups", "deny");
    write_proc("/proc/self/uid_map", std::to_string(uid) + " " + std::to_string(uid) + " 1\n");
    write_proc("/proc/self/gid_map", std::to_string(gid) + " " + std::to_string(gid) + " 1\n");
  }
  if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return std::string("making / private: ") + std::strerror(errno);
  return {};
}

/** Permission bits of a file, or -1 when it does not exist. */
inline int file_mode(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

}  // namespace stillroom::test
