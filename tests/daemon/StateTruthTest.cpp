// The room states what it knows, as it is now: the state after a booster and
// after a track change is the session's own (phase end, track position), and a
// restart reports the outage the room really had, not the quiet before it.
#include "controller/SystemClock.hpp"
#include "daemon/DaemonRoom.hpp"
#include "record/Record.hpp"
#include "record/RecordReader.hpp"
#include "session/EventCodec.hpp"

#include <filesystem>

using namespace stillroom;
using namespace stillroom::test;

namespace {

/** The plan's end of `phase` in dose seconds, from the retained plan the tablet last received. */
std::optional<double> plan_phase_end(const DaemonRoom& room, const std::string& phase) {
  const auto plans = room.tablet->received("stillroom/room-1/plan");
  if (plans.empty()) return std::nullopt;
  const auto plan = plans.back().json();
  for (const auto& p : plan.value("phases", json::array()))
    if (p["name"] == phase) return p["end_s"].get<double>();
  return std::nullopt;
}

/** The first state published after arrival `order` for which `also` holds. */
std::optional<json> state_after(DaemonRoom& room, std::uint64_t order, const std::function<bool(const json&)>& also) {
  const auto m = room.tablet->wait_for("stillroom/room-1/state", [&](const ProbeMessage& msg) {
    return msg.order > order && also(msg.json());
  }, 8s);  // a state goes out on every change and at least every 5 s
  if (!m) return std::nullopt;
  return m->json();
}

std::uint64_t last_order(const DaemonRoom& room) {
  const auto all = room.tablet->received("stillroom/room-1/reply/tablet-1");
  return all.empty() ? 0 : all.back().order;
}

}  // namespace

TEST_CASE("the state after a booster carries the moved phase end, at once and in every later state") {
  DaemonRoom room(false);
  room.start();
  (void)room.begin_session("c-7");
  const auto onset = room.tablet->wait_for("stillroom/room-1/state", [](const ProbeMessage& m) {
    const auto s = m.json();
    return s["phase"] == "onset" && s["since_dose_s"].get<double>() >= 5.5;  // inside the booster's window
  }, 15s);
  REQUIRE(onset.has_value());
  const double before_end = onset->json()["since_dose_s"].get<double>() + onset->json()["phase_ends_in_s"].get<double>();
  CHECK(before_end == doctest::Approx(20.0).epsilon(0.03));

  const auto reply = room.command("boost", {{"cmd", "booster"}, {"amount_mg", 25}});
  REQUIRE_MESSAGE(reply["ok"] == true, reply.dump());
  // The booster moves every later boundary by 30 s; the reply's state already says so.
  const auto& s = reply["state"];
  CHECK(s["phase"] == "onset");
  CHECK(s["since_dose_s"].get<double>() + s["phase_ends_in_s"].get<double>() == doctest::Approx(50.0).epsilon(0.01));
  REQUIRE_MESSAGE(room.tablet->wait_for("stillroom/room-1/plan", [](const ProbeMessage& m) {
    const auto plan = m.json();
    for (const auto& p : plan.value("phases", json::array()))
      if (p["name"] == "onset") return p["end_s"].get<double>() > 40;
    return false;
  }), [&] {
    std::string seen;
    for (const auto& m : room.tablet->received("stillroom/room-1/plan")) seen += m.payload + "\n";
    return seen;
  }());
  const auto planned = plan_phase_end(room, "onset");
  REQUIRE(planned.has_value());
  CHECK(*planned == doctest::Approx(50.0).epsilon(0.001));
  // A state published a second later still agrees with the plan, within 0.5 s.
  const double replied_at = s["since_dose_s"].get<double>();
  const auto later = state_after(room, last_order(room), [&](const json& st) {
    return st["since_dose_s"].get<double>() > replied_at + 1.0;
  });
  REQUIRE(later.has_value());
  CHECK(std::abs((*later)["since_dose_s"].get<double>() + (*later)["phase_ends_in_s"].get<double>() - *planned) < 0.5);
}

TEST_CASE("the state after an alternate names the new track at its own position, not the old track's") {
  DaemonRoom room(false);
  room.start();
  (void)room.begin_session("c-7");
  // Into the peak: one track (b) playing since 20 s, with an alternate (c) ready.
  const auto peak = room.tablet->wait_for("stillroom/room-1/state", [](const ProbeMessage& m) {
    const auto s = m.json();
    return s["phase"] == "peak" && s["since_dose_s"].get<double>() >= 26.0;
  }, 40s);
  REQUIRE(peak.has_value());
  const std::string old_title = peak->json()["track"]["title"];

  const auto reply = room.command("alt", {{"cmd", "alternate"}});
  REQUIRE_MESSAGE(reply["ok"] == true, reply.dump());
  const auto& s = reply["state"];
  REQUIRE(s["track"].is_object());
  CHECK(s["track"]["title"] != old_title);
  CHECK(s["track"]["position_s"].get<double>() < 0.5);

  // Later states count the new track's own time: position grows with the dose clock from the change.
  const double since_change = s["since_dose_s"].get<double>() - s["track"]["position_s"].get<double>();
  const auto later = state_after(room, last_order(room), [&](const json& st) {
    return st["since_dose_s"].get<double>() > s["since_dose_s"].get<double>() + 2.0;
  });
  REQUIRE(later.has_value());
  REQUIRE((*later)["track"].is_object());
  CHECK((*later)["track"]["title"] != old_title);
  CHECK(std::abs((*later)["track"]["position_s"].get<double>() - ((*later)["since_dose_s"].get<double>() - since_change)) <
        0.5);
}

TEST_CASE("recovered.outage_ms is the real downtime after a kill -9 that follows a quiet minute") {
  DaemonRoom room(false);
  room.start();
  const std::string session = room.begin_session("c-8")["session"];  // one phase, one track: nothing to record
  REQUIRE(room.event("phase_changed"));
  std::this_thread::sleep_for(60s);  // the quiet minute: music plays, nothing is recorded

  const auto killed = std::chrono::steady_clock::now();
  room.kill9();
  std::this_thread::sleep_for(3s);  // the room is down
  const auto restarted = std::chrono::steady_clock::now();
  room.start();
  const auto recovered = room.event("recovered");
  REQUIRE(recovered.has_value());
  const auto arrived = std::chrono::steady_clock::now();
  const auto ms = [](auto d) { return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()); };
  const double down_at_least = ms(restarted - killed);
  const double down_at_most = ms(arrived - killed);

  CHECK((*recovered)["session"] == session);
  const std::optional<double> outage = (*recovered)["outage_ms"].get<double>();
  INFO("outage_ms " << *outage << ", real downtime " << down_at_least << "-" << down_at_most << " ms");
  CHECK(*outage >= down_at_least - 1000);
  CHECK(*outage <= down_at_most + 1000);
  CHECK(*outage < 10'000);  // not the 60 s of quiet before the crash
}

TEST_CASE("a record damaged away from its tail: online at once, the record fault after the file check, moved aside at the next start") {
  DaemonRoom room(false);
  {
    // An old record with a long history outside any session (a restore reads only the last session's
    // events): 600 refused commands with long reasons, about 170 pages.
    controller::SystemClock clock;
    record::Record old(room.record(), clock, record::RecordOptions{"stillroom-room-1"});
    REQUIRE(old.available());
    for (int i = 0; i < 600; ++i) {
      const session::Event refused =
          session::CommandRefused{"skip", std::to_string(i), "refused", std::string(900, 'r'), {}, {}, {}};
      old.append(record::EventDraft{"", std::string(session::type_name(refused)), {"tablet-1", "tablet"},
                                    session::encode(refused)});
    }
  }
  {
    // A page a third into the file: old events, far from the tail every start verifies.
    std::fstream f(room.record(), std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(std::filesystem::file_size(room.record()) / 4096 / 3 * 4096));
    const std::string garbage(4096, '\x5A');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
  }
  room.start();
  const auto faulted = room.tablet->wait_for("stillroom/room-1/state", [](const ProbeMessage& m) {
    for (const auto& f : m.json().value("faults", json::array()))
      if (f.value("code", "") == "record") return true;
    return false;
  }, 20s);
  REQUIRE_MESSAGE(faulted.has_value(), room.log());
  CHECK(faulted->order > room.online_order());  // found after the room was online
  std::string message;
  const json state = faulted->json();
  for (const auto& f : state["faults"])
    if (f["code"] == "record") message = f.value("message", "");
  CHECK_MESSAGE(message.find("the record's file is damaged (SQLite quick_check: ") == 0, message);
  const auto marker = room.record().string() + ".damaged";
  CHECK(std::filesystem::exists(marker));

  CHECK(room.terminate() == 0);
  room.start();
  CHECK_FALSE(std::filesystem::exists(marker));
  bool preserved = false;
  for (const auto& entry : std::filesystem::directory_iterator(room.record().parent_path()))
    preserved = preserved || entry.path().filename().string().rfind("record.db.corrupt-", 0) == 0;
  CHECK(preserved);
  // The new record begins with the replacement, and the record fault now names the preserved copy.
  const auto fresh = room.tablet->wait_for("stillroom/room-1/state", [&](const ProbeMessage& m) {
    return m.order > room.online_order();
  }, 8s);
  REQUIRE(fresh.has_value());
  const json after = fresh->json();
  std::string now_says;
  for (const auto& f : after.value("faults", json::array()))
    if (f.value("code", "") == "record") now_says = f.value("message", "");
  CHECK_MESSAGE(now_says.find("record.db.corrupt-") != std::string::npos, now_says);
  CHECK(now_says.find("the record's file is damaged") == std::string::npos);
  CHECK(room.terminate() == 0);
  record::RecordReader reader(room.record());
  const auto first = reader.events_after(0, 1);
  REQUIRE(first.size() == 1);
  CHECK(first[0].type == "record_replaced");
}
