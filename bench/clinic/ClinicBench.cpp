// bench_clinic ROOMS [SESSIONS]: a clinic of ROOMS rooms on loopback — each a
// real `stillroom run` (null audio) with its own mosquitto bridged over TLS to
// one clinic broker — and the real archive on a real PostgreSQL. Two runs:
//   live:    SESSIONS short sessions in every room at once while the archive
//            runs; lag = commit time in PostgreSQL (track_commit_timestamp)
//            minus the event's recorded time; reference: a bare mosquitto_sub
//            of the same stream at the clinic broker (arrival minus recorded);
//   backlog: the archive stopped while SESSIONS more sessions run, then started:
//            events per second until everything is committed; reference: COPY
//            of the same rows into a plain table of the same columns.
// The archive's CPU time (utime + stime from /proc) for each.
#include "clinic/ClinicSite.hpp"

#include <libpq-fe.h>

#include "config/Duration.hpp"

#include <algorithm>
#include <csignal>
#include <set>
#include <sys/wait.h>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unistd.h>

using namespace stillroom::test;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using nlohmann::json;

namespace {

double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double seconds_since(steady::time_point t) { return std::chrono::duration<double>(steady::now() - t).count(); }

void run_sessions(std::vector<std::unique_ptr<ClinicRoom>>& rooms, int sessions) {
  std::mutex mutex;
  std::string failure;
  std::vector<std::thread> threads;
  for (auto& room : rooms)
    threads.emplace_back([&, r = room.get()] {
      try {
        for (int i = 0; i < sessions; ++i) r->run_session("c-1", 300ms);
      } catch (const std::exception& e) {
        std::lock_guard lock(mutex);
        failure = e.what();
      }
    });
  for (auto& t : threads) t.join();
  if (!failure.empty()) throw std::runtime_error(failure);
}

long newest_total(std::vector<std::unique_ptr<ClinicRoom>>& rooms) {
  long total = 0;
  for (auto& r : rooms) total += r->newest_seq();
  return total;
}

/** Waits until the archive holds every room's newest event; false on timeout. */
bool wait_archived(const Postgres& pg, std::vector<std::unique_ptr<ClinicRoom>>& rooms, std::chrono::seconds limit) {
  const auto deadline = steady::now() + limit;
  const long want = newest_total(rooms);
  while (steady::now() < deadline) {
    try {
      if (std::stol(pg.value("SELECT count(*) FROM archive_events")) >= want) return true;
    } catch (const std::runtime_error&) {
      // The archive has not created its tables yet.
    }
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

/** mosquitto_sub on the clinic broker as the archive's user, every record message stamped on arrival. */
class ReferenceSubscriber {
 public:
  ReferenceSubscriber(const ClinicBroker& clinic, const std::string& file) : file_(file) {
    const std::string command = "exec mosquitto_sub -h 127.0.0.1 -p " + std::to_string(clinic.tls_port()) +
                                " --cafile '" + clinic.ca_file().string() + "' -u archive -P " +
                                ClinicBroker::password("archive") +
                                " -i bench-reference -V mqttv5 -q 1 -t 'stillroom/+/record' -F '%U %p' > '" + file +
                                "' 2>&1";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~ReferenceSubscriber() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  /** Arrival minus recorded time, ms, of each message (first arrival of each room's seq). */
  std::vector<double> lags_ms(const std::string& since_utc) const {
    std::ifstream in(file_);
    std::string line;
    std::vector<double> lags;
    std::set<std::string> seen;
    while (std::getline(in, line)) {
      const auto space = line.find(' ');
      if (space == std::string::npos) continue;
      const double arrival = std::stod(line.substr(0, space));
      const auto j = json::parse(line.substr(space + 1), nullptr, false);
      if (!j.is_object() || !j.contains("utc")) continue;
      const std::string utc = j["utc"];
      if (utc < since_utc) continue;
      if (!seen.insert(j.value("boot_id", "") + j["event_id"].get<std::string>()).second) continue;
      const auto at = stillroom::config::parse_instant(utc);
      if (!at) continue;
      const double recorded = std::chrono::duration<double>(at->time_since_epoch()).count();
      lags.push_back((arrival - recorded) * 1000.0);
    }
    return lags;
  }

 private:
  std::string file_;
  pid_t pid_ = -1;
};

/** COPY of the archived rows into a plain table of the same columns: the database's floor for these bytes. */
double copy_reference(const Postgres& pg, long& rows) {
  (void)pg.query("DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy (LIKE archive_events INCLUDING DEFAULTS)");
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(pg.conninfo().c_str()), &PQfinish);
  PGresult* r = PQexec(conn.get(), "COPY archive_events TO STDOUT");
  PQclear(r);
  std::string data;
  char* buffer = nullptr;
  int n = 0;
  rows = 0;
  while ((n = PQgetCopyData(conn.get(), &buffer, 0)) > 0) {
    data.append(buffer, static_cast<std::size_t>(n));
    PQfreemem(buffer);
    ++rows;
  }
  PQclear(PQgetResult(conn.get()));
  const auto began = steady::now();
  PQclear(PQexec(conn.get(), "BEGIN"));
  PQclear(PQexec(conn.get(), "COPY bench_copy FROM STDIN"));
  PQputCopyData(conn.get(), data.data(), static_cast<int>(data.size()));
  PQputCopyEnd(conn.get(), nullptr);
  PQclear(PQgetResult(conn.get()));
  PQclear(PQexec(conn.get(), "COMMIT"));
  return seconds_since(began);
}

}  // namespace

int main(int argc, char** argv) {
  const int room_count = argc > 1 ? std::atoi(argv[1]) : 20;
  const int sessions = argc > 2 ? std::atoi(argv[2]) : 3;
  if (room_count < 1 || room_count > 200 || sessions < 1) {
    std::cerr << "usage: bench_clinic [ROOMS 1..200] [SESSIONS]\n";
    return 2;
  }
  try {
    const auto setup = steady::now();
    const auto ids = room_ids(room_count);
    Postgres pg;
    ClinicBroker clinic(ids);
    std::vector<std::unique_ptr<ClinicRoom>> rooms;
    for (const auto& id : ids) rooms.push_back(std::make_unique<ClinicRoom>(id, clinic));
    for (auto& room : rooms) room->spawn_controller();
    for (auto& room : rooms) room->wait_online();
    ArchiveProcess archive(clinic, pg);
    archive.start();
    TempDir scratch("stillroom-bench-clinic");
    ReferenceSubscriber reference(clinic, (scratch / "reference.txt").string());
    if (!wait_archived(pg, rooms, 60s)) throw std::runtime_error("the archive did not catch up at start:\n" + archive.log());
    std::printf("clinic %d rooms: set up in %.1f s (%d controllers, %d brokers, clinic broker, archive, PostgreSQL)\n",
                room_count, seconds_since(setup), room_count, room_count + 1);

    // Live: sessions everywhere while the archive runs.
    const std::string since = stillroom::config::format_instant(std::chrono::system_clock::now());
    const long before = std::stol(pg.value("SELECT count(*) FROM archive_events"));
    const double cpu0 = cpu_seconds(archive.pid());
    const auto live = steady::now();
    run_sessions(rooms, sessions);
    if (!wait_archived(pg, rooms, 120s)) throw std::runtime_error("the archive did not catch up:\n" + archive.log());
    const double live_s = seconds_since(live);
    const double live_cpu = cpu_seconds(archive.pid()) - cpu0;
    const long live_events = std::stol(pg.value("SELECT count(*) FROM archive_events")) - before;
    std::vector<double> lags;
    for (const auto& row : pg.query("SELECT extract(epoch FROM pg_xact_commit_timestamp(xmin) - utc::timestamptz) * 1000 "
                                    "FROM archive_events WHERE utc >= '" + since + "'"))
      lags.push_back(std::stod(row[0]));
    const auto ref = reference.lags_ms(since);
    std::printf("clinic %d rooms: live: %ld events in %.1f s = %.0f events/s; recorded -> committed in PostgreSQL "
                "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%zu events); archive CPU %.2f s = %.1f %% of one core\n",
                room_count, live_events, live_s, static_cast<double>(live_events) / live_s, percentile(lags, 0.5),
                percentile(lags, 0.99), percentile(lags, 1.0), lags.size(), live_cpu, 100.0 * live_cpu / live_s);
    std::printf("clinic %d rooms: live reference: mosquitto_sub of the same stream at the clinic broker, recorded -> "
                "arrived p50 %.1f ms, p99 %.1f ms (%zu events)\n",
                room_count, percentile(ref, 0.5), percentile(ref, 0.99), ref.size());

    // Backlog: the archive away while sessions run, then it drains what its session queued.
    if (archive.terminate() != 0) throw std::runtime_error("the archive did not stop cleanly:\n" + archive.log());
    run_sessions(rooms, sessions);
    const long held = std::stol(pg.value("SELECT count(*) FROM archive_events"));
    const long backlog = newest_total(rooms) - held;
    const auto drain = steady::now();
    archive.start();
    if (!wait_archived(pg, rooms, 300s)) throw std::runtime_error("the archive did not drain:\n" + archive.log());
    const double drain_s = seconds_since(drain);
    const double drain_cpu = cpu_seconds(archive.pid());
    std::printf("clinic %d rooms: backlog: %ld events drained in %.2f s = %.0f events/s (from the archive's start, "
                "rooms' windows of 256 unacknowledged events); archive CPU %.2f s\n",
                room_count, backlog, drain_s, static_cast<double>(backlog) / drain_s, drain_cpu);
    long rows = 0;
    const double copy_s = copy_reference(pg, rows);
    std::printf("clinic %d rooms: backlog reference: COPY of the same %ld rows into a plain table: %.3f s = %.0f rows/s\n",
                room_count, rows, copy_s, static_cast<double>(rows) / copy_s);
    const auto [status, report] = archive.run_command({"verify"});
    std::size_t intact = 0;
    for (auto at = report.find(": intact"); at != std::string::npos; at = report.find(": intact", at + 1)) ++intact;
    std::printf("clinic %d rooms: verify: %zu of %d rooms intact, %ld events, %s refusals\n", room_count, intact,
                room_count, newest_total(rooms), pg.value("SELECT count(*) FROM archive_refusals").c_str());
    archive.terminate();
    return status == 0 && intact == static_cast<std::size_t>(room_count) ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "bench_clinic: " << e.what() << '\n';
    return 1;
  }
}
