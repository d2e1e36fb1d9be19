// The daemon end to end: `stillroom run` as a process, driven only over MQTT
// by a tablet, playing through PortAudio → ALSA → jackd (dummy) with the
// played samples captured, writing a real SQLite record that the command line
// then verifies and exports.
#include "config/Duration.hpp"
#include "record/RecordReader.hpp"
#include "daemon/DaemonRoom.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <mutex>
#include <random>
#include <set>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

using namespace stillroom;
using namespace stillroom::test;
using std::chrono::steady_clock;

namespace {

/** RMS of each 100 ms block of 48 kHz stereo audio. */
std::vector<double> block_levels(const Samples& samples) {
  std::vector<double> levels;
  const std::int64_t block = 4800;
  for (std::int64_t start = 0; start + block <= samples.frames(); start += block) {
    double sum = 0;
    for (std::int64_t f = start; f < start + block; ++f) sum += double(samples.at(f, 0)) * samples.at(f, 0);
    levels.push_back(std::sqrt(sum / double(block)));
  }
  return levels;
}

/** RMS of each 100 ms block of a raw float stereo 48 kHz capture. */
std::vector<double> block_levels(const std::filesystem::path& capture) {
  return block_levels(ToneFile::read_raw_float(capture, 48000, 2));
}

float peak_of(const Samples& samples) {
  float peak = 0;
  for (float s : samples.data) peak = std::max(peak, std::abs(s));
  return peak;
}

/** The longest run of consecutive blocks for which `keep` holds, from `from` on. */
std::size_t longest_run(const std::vector<double>& levels, std::size_t from, const std::function<bool(double)>& keep) {
  std::size_t best = 0;
  std::size_t run = 0;
  for (std::size_t i = from; i < levels.size(); ++i) {
    run = keep(levels[i]) ? run + 1 : 0;
    best = std::max(best, run);
  }
  return best;
}

double seconds_since(const std::string& iso) {
  const auto at = config::parse_instant(iso);
  REQUIRE(at.has_value());
  return std::chrono::duration<double>(std::chrono::system_clock::now() - *at).count();
}

std::set<std::string> command_ids_in(record::RecordReader& reader, const std::string& session) {
  std::set<std::string> ids;
  for (const auto& e : reader.session_events(session)) {
    const auto payload = nlohmann::json::parse(e.payload);
    if (payload.contains("command_id")) ids.insert(payload["command_id"].get<std::string>());
  }
  return ids;
}

}  // namespace

TEST_CASE("a whole session driven over MQTT: state, events, the captured audio and the exported record") {
  DaemonRoom room(true, true);  // what the room played is read as a timeline: the engine closes the output while paused
  room.start();

  auto preload = room.command("p", {{"cmd", "preload"}, {"client", "c-7"}, {"doses", {{{"client", "c-7"}, {"amount_mg", 50}}}}});
  REQUIRE_MESSAGE(preload["ok"] == true, preload.dump());
  const auto preloaded = room.event("session_preloaded");
  REQUIRE(preloaded.has_value());
  const std::string session = (*preloaded)["session"];

  auto started = room.command("s", {{"cmd", "start"}});
  REQUIRE_MESSAGE(started["ok"] == true, started.dump());
  const auto start_event = room.event("session_started");
  REQUIRE(start_event.has_value());
  CHECK((*start_event)["session"] == session);
  REQUIRE(room.event("phase_changed", 5s, [](const json& e) { return e["phase"] == "onset"; }));

  // A retained state a panel gets when it connects: running, on the dose clock.
  const auto state = room.tablet->wait_for("stillroom/room-1/state", [](const ProbeMessage& m) {
    return json::parse(m.payload)["state"] == "running";
  });
  REQUIRE(state.has_value());
  CHECK(state->json()["phase"] == "onset");
  CHECK(state->json()["client"] == "c-7");
  CHECK(state->json()["session"] == session);

  std::this_thread::sleep_for(2s);
  CHECK(room.command("pause", {{"cmd", "pause"}})["ok"] == true);
  REQUIRE(room.event("paused"));
  std::this_thread::sleep_for(2500ms);
  CHECK(room.command("resume", {{"cmd", "resume"}})["ok"] == true);
  std::this_thread::sleep_for(2s);
  CHECK(room.command("talk-on", {{"cmd", "talk"}, {"on", true}})["ok"] == true);
  std::this_thread::sleep_for(2500ms);
  CHECK(room.command("talk-off", {{"cmd", "talk"}, {"on", false}})["ok"] == true);

  // A pause does not stop the dose clock: the reminder comes at 12 s whatever the music did.
  const auto due = room.event("reminder_due", 15s, [](const json& e) { return e["reminder"] == "bp"; });
  REQUIRE(due.has_value());
  CHECK(room.command("ack", {{"cmd", "ack"}, {"reminder", "bp"}})["ok"] == true);
  REQUIRE(room.event("reminder_acked"));
  CHECK(room.command("vitals", {{"cmd", "vitals"}, {"bp_sys", 128}, {"bp_dia", 82}, {"hr", 71}})["ok"] == true);

  // A panel may not change the volume: refused by role, and the refusal is recorded.
  MqttProbe panel(room.broker().port(), "panel-probe", "panel-1", "p-secret");
  panel.subscribe("stillroom/room-1/reply/panel-1");
  REQUIRE(panel.publish("stillroom/room-1/cmd/panel-1", R"({"id":"pv","cmd":"volume","db":-3})").ok);
  const auto refused = panel.wait_for("stillroom/room-1/reply/panel-1");
  REQUIRE(refused.has_value());
  CHECK(refused->json()["ok"] == false);

  REQUIRE(room.event("phase_changed", 20s, [](const json& e) { return e["phase"] == "peak"; }));
  // A booster in the window extends the session by the protocol's rule.
  CHECK(room.command("booster", {{"cmd", "booster"}, {"amount_mg", 20}})["ok"] == true);
  CHECK(room.command("skip", {{"cmd", "skip"}})["ok"] == true);
  std::this_thread::sleep_for(2s);
  CHECK(room.command("stop", {{"cmd", "stop"}})["ok"] == true);
  const auto ended = room.event("session_ended");
  REQUIRE(ended.has_value());
  std::this_thread::sleep_for(3s);  // the stop fade (2 s) plays out
  CHECK(room.terminate() == 0);
  CHECK(room.tablet->wait_for("stillroom/room-1/status", [](const ProbeMessage& m) {
    return m.payload == "offline";
  }).has_value());

  // Events on MQTT: numbered without gaps, in order.
  const auto events = room.events();
  REQUIRE(events.size() > 10);
  for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i]["seq"].get<int>() == events[i - 1]["seq"].get<int>() + 1);

  // The record: verifies, holds every acknowledged command, exports.
  {
    record::RecordReader reader(room.record());
    const auto verify = reader.verify();
    CHECK_MESSAGE(verify.problem == record::VerifyResult::Problem::None, verify.detail);
    const auto ids = command_ids_in(reader, session);
    for (const char* id : {"s", "pause", "resume", "talk-on", "talk-off", "booster", "ack", "vitals", "skip", "stop"})
      CHECK_MESSAGE(ids.count(id) == 1, "no record of command " << id);
    std::vector<std::string> types;
    for (const auto& e : reader.session_events(session)) types.push_back(e.type);
    for (const char* type : {"session_preloaded", "session_started", "dose", "paused", "resumed", "talk", "booster",
                             "reminder_due", "reminder_acked", "vitals", "phase_changed", "skip", "command_refused",
                             "session_ended"})
      CHECK_MESSAGE(std::count(types.begin(), types.end(), type) >= 1, "no " << std::string(type) << " event in the record");
  }
  const auto [verify_status, verify_out] = run_cli({"record", "--db", room.record().string(), "verify"});
  CHECK_MESSAGE(verify_status == 0, verify_out);

  const auto [csv_status, csv] = run_cli({"record", "--db", room.record().string(), "export", session, "--format", "csv"});
  REQUIRE(csv_status == 0);
  CHECK(csv.find("vitals") != std::string::npos);
  CHECK(csv.find("reminder_acked") != std::string::npos);

  const auto [fhir_status, fhir_text] =
      run_cli({"record", "--db", room.record().string(), "export", session, "--format", "fhir"});
  REQUIRE_MESSAGE(fhir_status == 0, fhir_text);
  const auto bundle = json::parse(fhir_text);
  CHECK(bundle["resourceType"] == "Bundle");
  std::set<std::string> full_urls;
  std::map<std::string, int> kinds;
  for (const auto& entry : bundle["entry"]) {
    full_urls.insert(entry["fullUrl"].get<std::string>());
    ++kinds[entry["resource"]["resourceType"].get<std::string>()];
    // A resource contained in another (a dose's Medication with its lot) is referred to as "#id".
    for (const auto& contained : entry["resource"].value("contained", json::array()))
      full_urls.insert("#" + contained["id"].get<std::string>());
  }
  CHECK(kinds["Encounter"] == 1);
  CHECK(kinds["MedicationAdministration"] == 2);  // the dose and the booster
  CHECK(kinds["Observation"] == 2);  // the blood pressure panel and the heart rate
  CHECK(kinds["AuditEvent"] >= 5);                 // pause, resume, talk ×2, stop, the refusal
  // Every reference resolves inside the bundle.
  std::function<void(const json&)> references = [&](const json& node) {
    if (node.is_object()) {
      for (const auto& [key, value] : node.items()) {
        if (key == "reference" && value.is_string()) CHECK_MESSAGE(full_urls.count(value.get<std::string>()) == 1, value);
        references(value);
      }
    } else if (node.is_array()) {
      for (const auto& v : node) references(v);
    }
  };
  references(bundle);
  CHECK(fhir_text.find("85354-9") != std::string::npos);  // LOINC blood pressure panel

  // The audio that left through PortAudio: music, a silent pause, a −18 dB talk duck, never above full scale.
  // Read at the JACK server, where time runs on while the engine has the output closed (idle in the pause).
  const auto timeline = room.timeline();
  const auto levels = block_levels(timeline);
  const auto first = std::find_if(levels.begin(), levels.end(), [](double l) { return l > 1e-3; });
  REQUIRE(first != levels.end());
  const auto from = static_cast<std::size_t>(first - levels.begin());
  std::vector<double> playing(first, levels.end());
  std::sort(playing.begin(), playing.end());
  const double music = playing[playing.size() * 3 / 4];
  CHECK(music > 0.01);
  CHECK(peak_of(timeline) <= 1.0f);
  CHECK(peak_of(ToneFile::read_raw_float(room.capture(), 48000, 2)) <= 1.0f);
  // Paused 2.5 s with a 1 s fade out: at least a second of silence after the music began.
  CHECK(longest_run(levels, from, [](double l) { return l < 1e-4; }) >= 10);
  // Talk: 2.5 s at −18 dB (±3 dB) after a 0.5 s ramp.
  CHECK(longest_run(levels, from, [&](double l) { return l > music * 0.089 && l < music * 0.178; }) >= 12);
}

TEST_CASE("kill -9 at 50 random moments: nothing acknowledged is lost, the chain verifies, the music resumes on the dose clock") {
  DaemonRoom room(false);
  room.start();
  const auto started = room.begin_session("c-8");
  const std::string session = started["session"];
  const std::string dose_at = started["dose_at"];

  std::mt19937 random(20261122);
  std::uniform_int_distribution<int> moment_ms(0, 1500);
  std::set<std::string> acknowledged;
  int sent = 0;
  const int rounds = 50;
  std::chrono::steady_clock::duration slowest_state{};  // online → the first state, over the restarts
  for (int round = 0; round < rounds; ++round) {
    CAPTURE(round);
    // A tablet keeps changing the volume while the box dies at a random moment.
    std::mutex mutex;
    std::vector<std::string> ok_ids;
    std::atomic<bool> quit{false};
    std::thread tablet([&, round] {
      MqttProbe probe(room.broker().port(), "tablet-burst-" + std::to_string(round), "tablet-1", "t-secret");
      probe.subscribe("stillroom/room-1/reply/tablet-1");
      for (int n = 0; !quit; ++n) {
        const std::string id = "v" + std::to_string(round) + "-" + std::to_string(n);
        const json body = {{"id", id}, {"cmd", "volume"}, {"db", -1.0 - (n % 10)}};
        if (!probe.publish("stillroom/room-1/cmd/tablet-1", body.dump()).ok) break;
        const auto reply = probe.wait_for("stillroom/room-1/reply/tablet-1", [&](const ProbeMessage& m) {
          return json::parse(m.payload).value("id", json()) == json(id);
        }, 2s);
        if (!reply) break;  // killed before it answered: not acknowledged
        if (reply->json()["ok"] == true) {
          std::lock_guard lock(mutex);
          ok_ids.push_back(id);
        }
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(moment_ms(random)));
    room.kill9();
    quit = true;
    tablet.join();
    acknowledged.insert(ok_ids.begin(), ok_ids.end());
    sent += static_cast<int>(ok_ids.size());

    const double restarted_at = seconds_since(dose_at);
    room.start();
    // Back where the dose clock is, within 2 s: the state was taken between the
    // restart and its arrival here, so it must lie in that window, give or take 2 s.
    // The first state from the new process: a state the killed one sent may still be on its way. It comes
    // after the restore and its durable `recovered` (an fsync): on a machine whose disk is busy with builds
    // that can take seconds, so the wait is long; how soon the music is back is the benchmark's to measure.
    const auto state = room.tablet->wait_for("stillroom/room-1/state", [&](const ProbeMessage& m) {
      return m.order > room.online_order() && json::parse(m.payload)["state"] == "running";
    }, 20s);
    REQUIRE_MESSAGE(state.has_value(), room.log_tail());
    slowest_state = std::max(slowest_state, state->arrived - room.online_arrived());
    const double received_at = seconds_since(dose_at);
    const auto s = state->json();
    const double since_dose = s["since_dose_s"].get<double>();
    CHECK(since_dose > restarted_at - 2.0);
    CHECK(since_dose < received_at + 2.0);
    REQUIRE(s["track"].is_object());
    const double position = s["track"]["position_s"].get<double>();  // one track from dose time 0
    CHECK(position > restarted_at - 2.0);
    CHECK(position < received_at + 2.0);
  }
  CHECK(sent > rounds);  // the tablet did get answers between the kills
  MESSAGE("slowest restart, online to the first state: "
          << std::chrono::duration_cast<std::chrono::milliseconds>(slowest_state).count() << " ms");

  REQUIRE(room.command("stop", {{"cmd", "stop"}})["ok"] == true);
  CHECK(room.terminate() == 0);

  record::RecordReader reader(room.record());
  const auto verify = reader.verify();
  CHECK_MESSAGE(verify.problem == record::VerifyResult::Problem::None, verify.detail);
  const auto ids = command_ids_in(reader, session);
  std::size_t lost = 0;
  for (const auto& id : acknowledged) lost += ids.count(id) == 0 ? 1 : 0;
  CHECK(lost == 0);
  // One `recovered` per restart, each saying how long the room was down and where the music resumed.
  int recovered = 0;
  for (const auto& e : reader.session_events(session)) {
    if (e.type != "recovered") continue;
    ++recovered;
    const auto payload = json::parse(e.payload);
    CHECK(payload["outage_ms"].get<std::int64_t>() >= 0);
    CHECK(payload["position_ms"].get<std::int64_t>() > 0);
  }
  CHECK(recovered == rounds);
}

TEST_CASE("the broker down for 30 s mid-session: the music plays on, every event arrives afterwards, in order") {
  DaemonRoom room;
  MqttProbe ledger(room.broker().port(), "ledger", "ledger", "l-secret", true);
  ledger.subscribe("stillroom/room-1/record");
  room.start();
  (void)room.begin_session("c-7");
  std::this_thread::sleep_for(4s);

  room.broker().save();  // the tablet's and the ledger's sessions survive the broker's death
  const auto before = room.events();
  REQUIRE(!before.empty());
  const int last_before = before.back()["seq"];
  room.broker().kill();
  std::this_thread::sleep_for(30s);  // the reminder (12 s) and the peak (20 s) come meanwhile
  room.broker().start();

  REQUIRE(room.tablet->wait_connected(10s));
  const auto peak = room.event("phase_changed", 15s, [](const json& e) { return e["phase"] == "peak"; });
  REQUIRE_MESSAGE(peak.has_value(), [&] {
    std::string seen;
    for (const auto& e : room.events()) seen += e.dump() + "\n";
    return seen + room.log() + room.broker().log();
  }());
  REQUIRE(room.event("reminder_due", 5s, [](const json& e) { return e["reminder"] == "bp"; }));
  const auto events = room.events();
  int expected = last_before + 1;
  for (const auto& e : events) {
    if (e["seq"].get<int>() <= last_before) continue;
    CHECK(e["seq"].get<int>() == expected);
    ++expected;
  }
  CHECK(expected > last_before + 3);

  // The record reaches its consumer complete and in order; acknowledging it empties the outbox.
  std::this_thread::sleep_for(2s);
  std::int64_t highest = 0;
  for (const auto& m : ledger.received("stillroom/room-1/record")) {
    const auto seq = m.json()["seq"].get<std::int64_t>();
    if (seq <= highest) continue;  // sent again after the reconnect: fine, it is the same event
    CHECK(seq == highest + 1);
    highest = seq;
  }
  CHECK(highest >= expected - 1 - 5);  // every session event is in the record; a few link-only ones are not
  REQUIRE(ledger.publish("stillroom/room-1/record/ack", std::to_string(highest)).ok);

  REQUIRE(room.command("stop", {{"cmd", "stop"}})["ok"] == true);
  std::this_thread::sleep_for(3s);
  CHECK(room.terminate() == 0);
  {
    record::RecordReader reader(room.record());
    CHECK(reader.acknowledged() == highest);
  }

  // No gap in the music across the outage: from the first sound to the stop, never a silent 100 ms block.
  const auto levels = block_levels(room.capture());
  const auto first = std::find_if(levels.begin(), levels.end(), [](double l) { return l > 1e-3; });
  REQUIRE(first != levels.end());
  auto last = std::find_if(levels.rbegin(), levels.rend(), [](double l) { return l > 1e-3; });
  const auto span = static_cast<std::size_t>(std::distance(first, last.base()));
  CHECK(span >= 360);  // ≥ 36 s of music: the outage was played through
  CHECK(longest_run(std::vector<double>(first, last.base()), 0, [](double l) { return l < 1e-4; }) == 0);
}

TEST_CASE("a full disk mid-session: the room acts, the reply says not recorded, the fault shows, the backlog lands") {
  DaemonRoom room(false);
  room.edit_room("  persistence_dir: mqtt\n", "");
  room.start();
  const std::string session = room.begin_session("c-8")["session"];

  // No file of the daemon's may grow any more: the record's next write fails as on a full disk.
  rlimit full{0, RLIM_INFINITY};
  REQUIRE(prlimit(room.pid(), RLIMIT_FSIZE, &full, nullptr) == 0);
  const auto paused = room.command("pause", {{"cmd", "pause"}});
  CHECK(paused["ok"] == false);
  CHECK(paused["error"].get<std::string>().find("not recorded") != std::string::npos);
  const auto fault = room.event("fault", 5s, [](const json& e) { return e["code"] == "record"; });
  REQUIRE(fault.has_value());
  // The music did pause: the record is not the room's hostage.
  CHECK(room.tablet->wait_for("stillroom/room-1/state", [](const ProbeMessage& m) {
    const auto s = json::parse(m.payload);
    return s["state"] == "paused" && !s["faults"].empty();
  }).has_value());

  rlimit room_again{RLIM_INFINITY, RLIM_INFINITY};
  REQUIRE(prlimit(room.pid(), RLIMIT_FSIZE, &room_again, nullptr) == 0);
  REQUIRE(room.event("fault_cleared", 5s, [](const json& e) { return e["code"] == "record"; }));
  CHECK(room.command("resume", {{"cmd", "resume"}})["ok"] == true);
  CHECK(room.terminate() == 0);

  record::RecordReader reader(room.record());
  CHECK(reader.verify().problem == record::VerifyResult::Problem::None);
  std::vector<std::string> types;
  for (const auto& e : reader.session_events(session)) types.push_back(e.type);
  // The pause was recorded late, once, in its place before the resume.
  const auto pause_at = std::find(types.begin(), types.end(), "paused");
  const auto resume_at = std::find(types.begin(), types.end(), "resumed");
  CHECK(std::count(types.begin(), types.end(), "paused") == 1);
  CHECK(pause_at < resume_at);
}

TEST_CASE("under systemd: READY=1 once online, WATCHDOG=1 while it runs, STOPPING=1 on SIGTERM") {
  DaemonRoom room(false);
  // systemd's notify socket: a datagram socket whose path the service finds in NOTIFY_SOCKET.
  const auto socket_path = room.capture().parent_path() / "notify";
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path.c_str());
  REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  ::setenv("NOTIFY_SOCKET", socket_path.c_str(), 1);
  room.start();
  ::unsetenv("NOTIFY_SOCKET");

  const auto next = [&](std::chrono::milliseconds limit) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(limit.count())) != 1) return std::string();
    char buffer[256];
    const auto n = ::recv(fd, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
  };
  CHECK(next(5s) == "READY=1");
  CHECK(next(2s) == "WATCHDOG=1");
  CHECK(room.terminate() == 0);
  std::string last;
  for (std::string m = next(2s); !m.empty(); m = next(200ms)) last = m;
  CHECK(last == "STOPPING=1");
  ::close(fd);
}

TEST_CASE("simulate: a whole session rendered to a file on a virtual clock, with its event log") {
  DaemonRoom room(false);
  const auto out = room.record().parent_path() / "session.wav";
  const auto [status, log] = run_cli({"simulate", "--config", room.room_file().string(), "--client", "c-7", "--out",
                                      out.string(), "--no-progress"});
  REQUIRE_MESSAGE(status == 0, log);
  // The phases on the dose clock, the reminder and its repeats, the end.
  CHECK(log.find("+0:00:00   phase_changed") != std::string::npos);
  CHECK(log.find("+0:00:20   phase_changed") != std::string::npos);
  CHECK(log.find("+0:00:12   reminder_due") != std::string::npos);
  CHECK(log.find("session_ended") != std::string::npos);
  CHECK(log.find("rendered +0:05:00 of audio") != std::string::npos);
  // 5 minutes of 48 kHz stereo float, and a header.
  const auto bytes = std::filesystem::file_size(out);
  CHECK(bytes >= 300u * 48000u * 2u * 4u);
  CHECK(bytes < 300u * 48000u * 2u * 4u + 4096u);
}
