// The session core's promises, held by the real daemon over the real broker,
// SQLite record and audio path: a restart plays as loud as before it, an
// emergency is not undone by a late preflight, a command acts once and never
// late, doses are only those entered and within range, each client of a group
// is reminded on their own clock, clinical values stay off the public topics,
// and a failure on a worker thread ends the process cleanly for systemd.
#include "daemon/DaemonRoom.hpp"

#include "record/RecordReader.hpp"

#include <algorithm>
#include <cmath>
#include <netinet/in.h>
#include <sys/socket.h>

using namespace stillroom;
using namespace stillroom::test;

namespace {

std::string now_iso(std::chrono::seconds offset = std::chrono::seconds{0}) {
  return config::format_instant(std::chrono::system_clock::now() + offset);
}

/** RMS of the last `seconds` of a raw float stereo 48 kHz capture (left channel). */
double recent_level(const std::filesystem::path& capture, double seconds) {
  const auto samples = ToneFile::read_raw_float(capture, 48000, 2);
  const auto frames = static_cast<std::int64_t>(seconds * 48000);
  REQUIRE(samples.frames() >= frames);
  double sum = 0;
  for (std::int64_t f = samples.frames() - frames; f < samples.frames(); ++f) sum += double(samples.at(f, 0)) * samples.at(f, 0);
  return std::sqrt(sum / double(frames));
}

double db(double ratio) { return 20.0 * std::log10(ratio); }

/** Seconds of audio in the capture after its first audible 100 ms. */
double audible_seconds(const std::filesystem::path& capture) {
  if (!std::filesystem::exists(capture)) return 0;
  const auto samples = ToneFile::read_raw_float(capture, 48000, 2);
  for (std::int64_t start = 0; start + 4800 <= samples.frames(); start += 4800) {
    double sum = 0;
    for (std::int64_t f = start; f < start + 4800; ++f) sum += double(samples.at(f, 0)) * samples.at(f, 0);
    if (std::sqrt(sum / 4800) > 1e-3) return double(samples.frames() - start) / 48000.0;
  }
  return 0;
}

/** Waits until the capture holds `seconds` of sound after its first audible block. */
bool wait_audio(const std::filesystem::path& capture, double seconds, std::chrono::seconds timeout = 30s) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (audible_seconds(capture) >= seconds) return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

std::vector<record::RecordEvent> recorded(const DaemonRoom& room, const std::string& session) {
  record::RecordReader reader(room.record());
  return reader.session_events(session);
}

std::size_t count_type(const std::vector<record::RecordEvent>& events, const std::string& type) {
  return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const auto& e) { return e.type == type; }));
}

}  // namespace

TEST_CASE("a restart after the volume was set to -20 dB while ready plays at -20 dB, measured on the captured audio") {
  DaemonRoom room;
  room.start();
  const auto preload = room.command("p", {{"cmd", "preload"}, {"client", "c-8"}, {"doses", {{{"client", "c-8"}, {"amount_mg", 40}}}}});
  REQUIRE_MESSAGE(preload["ok"] == true, preload.dump());
  CHECK(preload["state"]["state"] == "ready");  // the reply carries the state after the command
  REQUIRE(room.command("v", {{"cmd", "volume"}, {"db", -20}})["ok"] == true);
  REQUIRE(room.command("s", {{"cmd", "start"}})["ok"] == true);
  REQUIRE(wait_audio(room.capture(), 4.0));
  const double before = recent_level(room.capture(), 1.0);
  REQUIRE(before > 1e-4);

  room.kill9();
  std::filesystem::remove(room.capture());
  room.start();
  // Back with its recovery fade-in (1 s); then measured as before.
  REQUIRE_MESSAGE(wait_audio(room.capture(), 3.0), room.log());
  const double after = recent_level(room.capture(), 1.0);
  CHECK(std::abs(db(after / before)) < 1.0);
  const auto state = room.tablet->wait_for("stillroom/room-1/state", [&](const ProbeMessage& m) {
    return m.order > room.online_order() && json::parse(m.payload)["state"] == "running";
  });
  REQUIRE(state.has_value());
  CHECK(state->json()["volume_db"] == -20.0);

  // And -20 really is 18 dB below the room's default: raising it shows the step.
  REQUIRE(room.command("up", {{"cmd", "volume"}, {"db", -2}})["ok"] == true);
  const double from = audible_seconds(room.capture());
  REQUIRE(wait_audio(room.capture(), from + 2.0));
  CHECK(db(recent_level(room.capture(), 0.5) / after) == doctest::Approx(18.0).epsilon(0.06));
}

TEST_CASE("an emergency during a preload's checks is not undone when they finish") {
  DaemonRoom room(false);
  room.start({{"STILLROOM_INJECT_DELAY", "preflight:2500"}});
  REQUIRE(room.tablet->publish("stillroom/room-1/cmd/tablet-1",
                               json{{"id", "slow-preload"}, {"cmd", "preload"}, {"client", "c-7"},
                                    {"doses", {{{"client", "c-7"}, {"amount_mg", 50}}}}}.dump()).ok);
  REQUIRE(room.tablet->wait_for("stillroom/room-1/state", [](const ProbeMessage& m) {
    return !json::parse(m.payload)["checking"].is_null();
  }));
  const auto emergency = room.command("e", {{"cmd", "emergency"}});
  CHECK(emergency["ok"] == true);
  CHECK(emergency["state"]["state"] == "aborted");
  const auto late = room.tablet->wait_for("stillroom/room-1/reply/tablet-1", [](const ProbeMessage& m) {
    return json::parse(m.payload)["id"] == "slow-preload";
  }, 10s);
  REQUIRE(late.has_value());
  CHECK(late->json()["ok"] == false);
  CHECK(late->json()["error"] == "the preload was cancelled: the emergency light was raised while its music was checked");
  const auto start = room.command("s", {{"cmd", "start"}});
  CHECK(start["ok"] == false);
  CHECK(start["state"]["state"] == "aborted");
  CHECK(room.command("c", {{"cmd", "clear"}})["ok"] == true);
}

TEST_CASE("a command id sent twice has one effect and one record row, also across a restart") {
  DaemonRoom room(false);
  room.start();
  const std::string session = room.begin_session("c-7")["session"];
  const json vitals = {{"cmd", "vitals"}, {"bp_sys", 131}, {"bp_dia", 84}};
  const auto first = room.command("vitals-once", vitals);
  REQUIRE(first["ok"] == true);
  CHECK_FALSE(first.contains("repeat"));
  room.tablet->clear();  // the first reply is in; what comes now answers the repeat
  const auto again = room.command("vitals-once", vitals);
  CHECK(again["ok"] == true);
  CHECK(again.value("repeat", false) == true);
  room.kill9();
  room.start();
  const auto after_restart = room.command("vitals-once", vitals);
  CHECK(after_restart.value("repeat", false) == true);
  // A different id is a new command.
  CHECK_FALSE(room.command("vitals-twice", vitals).contains("repeat"));
  CHECK(room.terminate() == 0);
  const auto events = recorded(room, session);
  CHECK(count_type(events, "vitals") == 2);
}

TEST_CASE("a command sent too long ago, or while the controller was down, is refused as stale and recorded") {
  DaemonRoom room(false);
  room.start();
  const std::string session = room.begin_session("c-7")["session"];
  const auto old = room.command("old-pause", {{"cmd", "pause"}, {"sent_at", now_iso(-30s)}});
  CHECK(old["ok"] == false);
  CHECK(old["reason"] == "stale");
  CHECK(old["state"]["state"] == "running");
  const auto fresh = room.command("fresh-pause", {{"cmd", "pause"}, {"sent_at", now_iso()}});
  CHECK(fresh["ok"] == true);

  // Pressed while the room was away: the broker holds it for the controller's session, the controller refuses it.
  room.kill9();
  // Pressed a second ago, while the room was down.
  REQUIRE(room.tablet->publish("stillroom/room-1/cmd/tablet-1",
                               json{{"id", "queued-resume"}, {"cmd", "resume"}, {"sent_at", now_iso(-1s)}}.dump()).ok);
  room.start();
  const auto queued = room.tablet->wait_for("stillroom/room-1/reply/tablet-1", [](const ProbeMessage& m) {
    return json::parse(m.payload)["id"] == "queued-resume";
  }, 10s);
  REQUIRE_MESSAGE(queued.has_value(), room.log());
  CHECK(queued->json()["ok"] == false);
  CHECK(queued->json()["reason"] == "stale");
  CHECK(queued->json()["state"]["state"] == "paused");
  CHECK(room.terminate() == 0);

  std::vector<json> refusals;
  for (const auto& e : recorded(room, session))
    if (e.type == "command_refused") refusals.push_back(json::parse(e.payload));
  REQUIRE(refusals.size() == 2);
  CHECK(refusals[0]["reason"] == "stale");
  CHECK(refusals[0].contains("sent_at"));
  CHECK(refusals[0].contains("received_at"));
  CHECK(refusals[1]["id"] == "queued-resume");
}

TEST_CASE("a dose outside the protocol's range is refused with the range, and nothing is recorded as given") {
  DaemonRoom room(false);
  room.start();
  const auto preload = room.command("p", {{"cmd", "preload"}, {"client", "c-7"}, {"doses", {{{"client", "c-7"}, {"amount_mg", 500}}}}});
  CHECK(preload["ok"] == false);
  CHECK(preload["error"] == "500 mg is above protocol 'quick''s dose range of 20-150 mg");
  CHECK(preload["state"]["state"] == "idle");
  const auto bare = room.command("p2", {{"cmd", "preload"}, {"client", "c-7"}});
  REQUIRE(bare["ok"] == true);
  const auto start = room.command("s", {{"cmd", "start"}});
  CHECK(start["ok"] == false);
  CHECK(start["error"] == "no dose is entered for c-7: enter the amount (mg) on the tablet first");
  CHECK(room.terminate() == 0);
  const auto events = recorded(room, bare["state"]["session"].get<std::string>());
  CHECK(count_type(events, "dose") == 0);
  CHECK(count_type(events, "session_started") == 0);
}

TEST_CASE("a group of two dosed at different times is reminded at each client's own times") {
  DaemonRoom room(false);
  room.start();
  const auto preload = room.command("p", {{"cmd", "preload"},
                                          {"client", "c-7"},
                                          {"clients", {"c-7", "c-9"}},
                                          {"doses", {{{"client", "c-7"}, {"amount_mg", 50}}, {{"client", "c-9"}, {"amount_mg", 60}}}}});
  REQUIRE_MESSAGE(preload["ok"] == true, preload.dump());
  REQUIRE(room.command("s", {{"cmd", "start"}, {"clients", {"c-7"}}})["ok"] == true);
  // c-9 is dosed 4 s after c-7: the 12 s reminder falls at 12 s for c-7, at 16 s for c-9.
  REQUIRE(room.command("d", {{"cmd", "dose"}, {"client", "c-9"}, {"given_at", now_iso(-0s)}})["ok"] == true);
  const auto first = room.event("reminder_due", 20s, [](const json& e) { return e["client"] == "c-7"; });
  const auto second = room.event("reminder_due", 20s, [](const json& e) { return e["client"] == "c-9"; });
  REQUIRE(first.has_value());
  REQUIRE(second.has_value());
  CHECK((*first)["due_dose_ms"] == 12000);
  const auto offset = (*second)["due_dose_ms"].get<std::int64_t>() - 12000;
  CHECK(offset > 0);
  CHECK(offset < 20000);
  // Vitals and acknowledgements name their client.
  CHECK(room.command("v", {{"cmd", "vitals"}, {"bp_sys", 120}, {"bp_dia", 80}})["reason"] == "refused");
  CHECK(room.command("v2", {{"cmd", "vitals"}, {"client", "c-9"}, {"bp_sys", 120}, {"bp_dia", 80}})["ok"] == true);
  CHECK(room.command("a", {{"cmd", "ack"}, {"reminder", "bp"}, {"client", "c-9"}})["ok"] == true);
}

TEST_CASE("clinical values stay off the public topics: Home Assistant and an observer read no dose or vital sign") {
  DaemonRoom room(false);
  MqttProbe homeassistant(room.broker().port(), "ha-probe", "homeassistant", "h-secret");
  homeassistant.subscribe("#");
  MqttProbe observer(room.broker().port(), "observer-probe", "observer-1", "o-secret");
  observer.subscribe("#");
  MqttProbe clinician(room.broker().port(), "clinician-probe", "tablet-1", "t-secret");
  clinician.subscribe("stillroom/room-1/clinical/#");
  room.start();
  const auto preload = room.command("p", {{"cmd", "preload"}, {"client", "c-7"}, {"doses", {{{"client", "c-7"}, {"amount_mg", 77}, {"lot", "LOT-4417"}}}}});
  REQUIRE(preload["ok"] == true);
  REQUIRE(room.command("s", {{"cmd", "start"}})["ok"] == true);
  REQUIRE(room.command("v", {{"cmd", "vitals"}, {"bp_sys", 143}, {"bp_dia", 91}, {"hr", 67}, {"spo2", 94}})["ok"] == true);
  // A positive signal first: the public vitals event reached both (without its values).
  for (auto* probe : {&homeassistant, &observer})
    REQUIRE(probe->wait_for("stillroom/room-1/events", [](const ProbeMessage& m) { return m.json()["type"] == "vitals"; }));
  // The clinicians' copy has the values.
  const auto clinical = clinician.wait_for("stillroom/room-1/clinical/events", [](const ProbeMessage& m) {
    return m.json()["type"] == "vitals";
  });
  REQUIRE(clinical.has_value());
  CHECK(clinical->json()["bp_sys"] == 143);
  REQUIRE(clinician.wait_for("stillroom/room-1/clinical/session"));
  for (auto* probe : {&homeassistant, &observer}) {
    const auto all = probe->received_all();
    for (const auto& m : all) {
      CHECK_MESSAGE(m.topic.find("/clinical/") == std::string::npos, m.topic);
      CHECK_MESSAGE(m.topic.find("/record") == std::string::npos, m.topic);
      for (const char* value : {"LOT-4417", "\"amount\"", "\"lot\"", "\"bp_sys\"", "\"bp_dia\"", "\"hr\"", "\"spo2\""})
        CHECK_MESSAGE(m.payload.find(value) == std::string::npos, m.topic << " carries " << value << ": " << m.payload);
    }
    CHECK(all.size() > 5);
  }
}

TEST_CASE("an exception on a worker thread ends the room with the fatal fault logged and recorded, exit 70, not an abort") {
  DaemonRoom room(false);
  room.start({{"STILLROOM_INJECT_FAULT", "preflight"}});
  REQUIRE(room.tablet->publish("stillroom/room-1/cmd/tablet-1",
                               json{{"id", "p"}, {"cmd", "preload"}, {"client", "c-7"}}.dump()).ok);
  const auto fault = room.event("fault", 10s, [](const json& e) { return e["code"] == "fatal"; });
  REQUIRE_MESSAGE(fault.has_value(), room.log());
  CHECK(fault->value("subject", "") == "preflight");
  const auto status = room.wait_exit(10s);
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 70);
  CHECK(room.log().find("fatal: fault injected into the preflight thread") != std::string::npos);
  CHECK(room.tablet->wait_for("stillroom/room-1/status", [](const ProbeMessage& m) { return m.payload == "offline"; }));
}

TEST_CASE("Ctrl-C while something that is not a broker holds the MQTT port: an orderly exit, not an abort") {
  DaemonRoom room(false);
  // A listener that accepts and says nothing, where the broker should be.
  const int server = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(server >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(server, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(server, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  REQUIRE(::listen(server, 8) == 0);
  room.edit_room("  port: " + std::to_string(room.broker().port()) + "\n", "  port: " + std::to_string(ntohs(address.sin_port)) + "\n");
  room.launch();
  REQUIRE_MESSAGE(room.wait_log("running"), room.log());
  ::kill(room.pid(), SIGINT);
  const auto status = room.wait_exit(15s);
  REQUIRE_MESSAGE(status.has_value(), room.log());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
  ::close(server);
}

TEST_CASE("events are numbered within an epoch: a restart starts a new epoch at seq 1") {
  DaemonRoom room(false);
  room.start();
  (void)room.begin_session("c-7");
  REQUIRE(room.event("phase_changed"));
  // Each event names the command that caused it, the preload's too.
  const auto preloaded = room.event("session_preloaded");
  REQUIRE(preloaded.has_value());
  CHECK((*preloaded)["command_id"] == "begin-preload");
  CHECK((*room.event("session_started"))["command_id"] == "begin-start");
  const auto before = room.events();
  REQUIRE(before.size() >= 3);
  const std::string epoch = before.front()["epoch"];
  for (std::size_t i = 0; i < before.size(); ++i) {
    CHECK(before[i]["epoch"] == epoch);
    CHECK(before[i]["seq"] == before.front()["seq"].get<int>() + static_cast<int>(i));
  }
  room.kill9();
  room.start();
  const auto recovered = room.event("recovered");
  REQUIRE(recovered.has_value());
  CHECK((*recovered)["epoch"] != epoch);
  CHECK((*recovered)["seq"].get<int>() <= 3);
}

TEST_CASE("an unsynchronised clock shows in the state and as a fault, and a start needs the time confirmed") {
  DaemonRoom room(false);
  room.start({{"STILLROOM_INJECT_CLOCK", "unsynced"}});
  const auto shown = room.tablet->wait_for("stillroom/room-1/state", [&](const ProbeMessage& m) {
    const auto s = m.json();
    if (m.order <= room.online_order() || s["clock"]["synced"] != false) return false;
    for (const auto& f : s["faults"])
      if (f["code"] == "clock_unsynced") return true;
    return false;
  });
  REQUIRE_MESSAGE(shown.has_value(), room.log());

  REQUIRE(room.command("p", {{"cmd", "preload"}, {"client", "c-7"}, {"doses", {{{"client", "c-7"}, {"amount_mg", 50}}}}})["ok"] ==
          true);
  const auto refused = room.command("s-1", {{"cmd", "start"}, {"sent_at", now_iso()}});
  CHECK(refused["ok"] == false);
  CHECK(refused["reason"] == "clock_unsynced");
  CHECK(refused["state"]["state"] == "ready");

  const std::string device_time = now_iso();
  const auto started = room.command("s-2", {{"cmd", "start"}, {"sent_at", device_time}, {"clock_confirmed", true}});
  REQUIRE_MESSAGE(started["ok"] == true, started.dump());
  const auto event = room.event("session_started");
  REQUIRE(event.has_value());
  CHECK((*event)["clock_confirmed_by"] == "tablet-1");
  CHECK((*event)["confirmed_device_time"] == device_time);
  REQUIRE(room.command("stop", {{"cmd", "stop"}})["ok"] == true);
  CHECK(room.terminate() == 0);

  // The record keeps who vouched for the clock, and that it was not synchronised.
  record::RecordReader reader(room.record());
  bool found = false;
  for (const auto& e : reader.session_events((*event)["session"])) {
    if (e.type != "session_started") continue;
    found = true;
    CHECK_FALSE(e.clock_synced);
    CHECK(json::parse(e.payload)["clock_confirmed_by"] == "tablet-1");
  }
  CHECK(found);
}
