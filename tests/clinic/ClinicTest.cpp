// A clinic of twenty rooms on loopback: each a real `stillroom run` with its
// own mosquitto bridged over TLS to one clinic broker, the record archive as a
// real process storing into a real PostgreSQL. Short sessions run in every
// room while the archive is killed and restarted, the clinic broker is
// restarted (every bridge drops) and room brokers are killed; in the end every
// event of every room is in the archive exactly once, in order, verified, and
// every room knows it (its outbox is acknowledged up to its newest event).
#include "clinic/ClinicSite.hpp"
#include "record/RecordReader.hpp"
#include "session/Event.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>

using namespace stillroom;
using namespace stillroom::test;
using namespace std::chrono_literals;
using nlohmann::json;
using steady = std::chrono::steady_clock;

namespace {

constexpr int kRooms = 20;

/** The seq of a record's newest session_ended: its newest checkpoint's, which the room anchors there. */
std::int64_t newest_checkpoint_seq(const std::filesystem::path& file) {
  record::RecordReader reader(file);
  std::int64_t seq = 0;
  for (const auto& e : reader.events_after(0, 100000))
    if (e.type == session::SessionEnded::kType) seq = e.seq;
  return seq;
}

/** How many rooms have a verified checkpoint at the given seq (room id -> seq). */
std::string checkpoints_verified_sql(const std::map<std::string, std::int64_t>& at) {
  std::string sql = "SELECT count(*) FROM archive_checkpoints WHERE state = 'verified' AND (room, seq) IN (";
  const char* sep = "";
  for (const auto& [room, seq] : at) {
    sql += std::string(sep) + "('" + room + "', " + std::to_string(seq) + ")";
    sep = ", ";
  }
  return sql + ")";
}

/** One short session in every room at once, each on its own thread; the main thread may meanwhile disrupt. */
class SessionsEverywhere {
 public:
  SessionsEverywhere(std::vector<std::unique_ptr<ClinicRoom>>& rooms, std::chrono::milliseconds hold) {
    for (auto& room : rooms)
      threads_.emplace_back([this, hold, r = room.get()] {
        try {
          r->run_session("c-1", hold);
        } catch (const std::exception& e) {
          std::lock_guard lock(mutex_);
          failures_.emplace_back(e.what());
        }
      });
  }
  /** Waits for every session; the failures. */
  std::vector<std::string> join() {
    for (auto& t : threads_) t.join();
    threads_.clear();
    return failures_;
  }
  ~SessionsEverywhere() {
    for (auto& t : threads_) t.join();
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> failures_;
  std::vector<std::thread> threads_;
};

/** Room → archived (count, max seq) of chain 1. */
std::map<std::string, std::pair<long, long>> archived(const Postgres& pg) {
  std::map<std::string, std::pair<long, long>> out;
  for (const auto& row : pg.query("SELECT room, count(*), max(seq) FROM archive_events WHERE chain = 1 GROUP BY room"))
    out[row[0]] = {std::stol(row[1]), std::stol(row[2])};
  return out;
}

}  // namespace

TEST_CASE("twenty rooms bridged to a clinic broker have every event archived exactly once in order and verified") {
  const auto ids = room_ids(kRooms);
  Postgres pg;
  ClinicBroker clinic(ids);
  // The tablet's clinic view: exactly the page's subscriptions, over TLS, as the clinic-view user.
  MqttProbe view(clinic.tls_port(), "clinic-view-test", "clinic-view", ClinicBroker::password("clinic-view"), false,
                 clinic.ca_file().string());
  for (const char* leaf : {"status", "state", "plan", "events", "stats", "bridge", "archive"})
    view.subscribe(std::string("stillroom/+/") + leaf);

  std::vector<std::unique_ptr<ClinicRoom>> rooms;
  for (const auto& id : ids) rooms.push_back(std::make_unique<ClinicRoom>(id, clinic));
  for (auto& room : rooms) room->spawn_controller();
  for (auto& room : rooms) room->wait_online();

  ArchiveProcess archive(clinic, pg);
  archive.start();
  const auto began = steady::now();

  // 1. Sessions with everything up.
  auto failures = SessionsEverywhere(rooms, 500ms).join();
  REQUIRE_MESSAGE(failures.empty(), failures.front());

  // 2. The archive dies (kill -9: perhaps between a commit and its ack); sessions go on; the clinic
  //    broker restarts (every bridge drops and comes back) while they run; the archive comes back.
  archive.kill9();
  {
    SessionsEverywhere sessions(rooms, 1500ms);
    std::this_thread::sleep_for(300ms);
    clinic.broker().stop();
    std::this_thread::sleep_for(500ms);
    clinic.broker().start();
    std::this_thread::sleep_for(500ms);
    archive.start();
    failures = sessions.join();
  }
  REQUIRE_MESSAGE(failures.empty(), failures.front());

  // 3. Four room brokers die with kill -9 (their bridges and controllers lose the link) and come back;
  //    the archive is stopped and started again while the next sessions run.
  for (int i = 0; i < 4; ++i) rooms[static_cast<std::size_t>(i * 5)]->restart_broker(300ms);
  {
    SessionsEverywhere sessions(rooms, 1500ms);
    std::this_thread::sleep_for(800ms);
    CHECK_MESSAGE(archive.terminate() == 0, archive.log());
    archive.start();
    failures = sessions.join();
  }
  REQUIRE_MESSAGE(failures.empty(), failures.front());

  // Every room's newest event archived and acknowledged (the room's outbox says so), every checkpoint matched.
  const auto deadline = steady::now() + 90s;
  std::map<std::string, long> newest;
  std::map<std::string, std::int64_t> last_checkpoint;
  for (auto& room : rooms) last_checkpoint[room->id()] = newest_checkpoint_seq(room->record());
  for (;;) {
    const auto held = archived(pg);
    bool all = true;
    for (auto& room : rooms) {
      const long last = room->newest_seq();
      newest[room->id()] = last;
      const auto it = held.find(room->id());
      if (it == held.end() || it->second.second != last || room->acknowledged() != last) all = false;
    }
    // A session's checkpoint travels on its own topic: the archive may hold every event before it has the
    // newest checkpoint to match.
    if (all) all = pg.value(checkpoints_verified_sql(last_checkpoint)) == std::to_string(kRooms);
    if (all || steady::now() > deadline) break;
    std::this_thread::sleep_for(200ms);
  }
  const double seconds = std::chrono::duration<double>(steady::now() - began).count();

  // Exactly once and in order: chain 1 of each room is seq 1..N, N rows, each the room's own event.
  long total = 0;
  const auto held = archived(pg);
  for (auto& room : rooms) {
    INFO(room->id());
    const auto it = held.find(room->id());
    REQUIRE_MESSAGE(it != held.end(), "nothing archived of " << room->id() << "\n" << archive.log());
    CHECK(it->second.first == newest[room->id()]);
    CHECK(it->second.second == newest[room->id()]);
    CHECK(room->acknowledged() == newest[room->id()]);
    total += it->second.first;
    // Each archived event is byte for byte the room's: the same hash at the same seq.
    record::RecordReader reader(room->record());
    const auto events = reader.events_after(0, 100000);
    std::string hashes;
    for (const auto& e : events) hashes += std::to_string(e.seq) + ":" + e.hash + ",";
    CHECK(pg.value("SELECT string_agg(seq || ':' || hash, ',' ORDER BY seq) || ',' FROM archive_events WHERE room = '" +
                   room->id() + "' AND chain = 1") == hashes);
  }
  CHECK(pg.value("SELECT count(*) FROM archive_refusals") == "0");
  CHECK(pg.value("SELECT count(DISTINCT room) FROM archive_events") == std::to_string(kRooms));
  // Three sessions per room, each ending with a checkpoint. Every checkpoint the archive received matched, and
  // each room's newest one (at its last session_ended) did. The second session's may be missing: it is published once
  // (retained, the newest replacing it) while the archive is dead and the clinic broker restarts, which drops
  // what it held; the next session's checkpoint anchors the chain through it (the hash covers every event).
  CHECK(pg.value("SELECT count(*) FROM archive_checkpoints WHERE state <> 'verified'") == "0");
  CHECK(pg.value(checkpoints_verified_sql(last_checkpoint)) == std::to_string(kRooms));
  MESSAGE("checkpoints verified: " << pg.value("SELECT count(*) FROM archive_checkpoints WHERE state = 'verified'")
                                    << " of " << kRooms * 3 << " sessions");
  for (auto& room : rooms) {
    INFO(room->id());
    const int verified = std::stoi(pg.value("SELECT count(*) FROM archive_checkpoints WHERE state = 'verified' AND room = '" +
                                            room->id() + "'"));
    CHECK(verified >= 2);
    CHECK(verified <= 3);
  }

  // The auditor's check, from the database alone.
  const auto [status, report] = archive.run_command({"verify"});
  CHECK_MESSAGE(status == 0, report);
  std::size_t intact = 0;
  for (auto at = report.find(": intact"); at != std::string::npos; at = report.find(": intact", at + 1)) ++intact;
  CHECK(intact == static_cast<std::size_t>(kRooms));

  // The clinic view saw every room through the clinic broker with its wildcard subscriptions.
  for (const auto& id : ids) {
    INFO(id);
    CHECK(view.wait_for("stillroom/" + id + "/status", [](const ProbeMessage& m) { return m.payload == "online"; }, 5s));
    CHECK(view.wait_for("stillroom/" + id + "/state", nullptr, 10s));
    CHECK(view.wait_for("stillroom/" + id + "/bridge", [](const ProbeMessage& m) { return m.payload == "1"; }, 5s));
    CHECK(view.wait_for("stillroom/" + id + "/events", nullptr, 5s));
    CHECK(view.wait_for("stillroom/" + id + "/archive", [&](const ProbeMessage& m) {
      const auto j = json::parse(m.payload, nullptr, false);
      return j.is_object() && j.value("seq", 0L) == newest[id] && j["alarm"].is_null();
    }, 10s));
  }
  // What the view may not do: write anywhere, read the record.
  CHECK(view.publish("stillroom/room-01/record/ack", "{\"seq\":1000}").reason == 135);
  // A room's bridge user cannot speak for another room.
  MqttProbe impostor(clinic.tls_port(), "impostor", "room-02", ClinicBroker::password("room-02"), false,
                     clinic.ca_file().string());
  CHECK(impostor.publish("stillroom/room-01/record", "{}").reason == 135);

  MESSAGE("clinic test: " << kRooms << " rooms, " << total << " events archived and verified in " << seconds << " s");
  CHECK(archive.terminate() == 0);
}
