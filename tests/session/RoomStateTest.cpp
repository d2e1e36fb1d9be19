#include "session/FaultBoard.hpp"
#include "session/RoomState.hpp"

#include "config/Duration.hpp"

#include <doctest/doctest.h>

using namespace stillroom;
using nlohmann::json;

TEST_CASE("an idle state publishes every field - unknown ones as null") {
  const json out = session::to_json(session::RoomState{});
  for (const char* key : {"session", "client", "clients", "protocol", "playlist", "dose_at", "since_dose_s", "phase",
                          "phase_ends_in_s", "track", "volume_db", "lights", "next_reminder"}) {
    CAPTURE(key);
    REQUIRE(out.contains(key));
    CHECK(out[key].is_null());
  }
  CHECK(out["state"] == "idle");
  CHECK(out["talk"] == false);
  CHECK(out["faults"] == json::array());
}

TEST_CASE("a running state carries the session as the therapist sees it") {
  session::RoomState s;
  s.state = session::SessionStatus::Running;
  s.session = "s-20261122-1";
  s.client = "c-0042";
  s.protocol = "im-standard";
  s.playlist = "calm-1";
  s.dose_at = *config::parse_instant("2026-11-22T09:30:00Z");
  s.since_dose_s = 754.1234;
  s.phase = "onset";
  s.phase_ends_in_s = 145.9;
  s.track = session::TrackInfo{"Slow Water", "", 61.5, 420.0};
  s.volume_db = -6.0;
  s.talk = true;
  s.lights = "dim";
  s.next_reminder = session::NextReminder{"bp-40", 2400.0, "Blood pressure at 40 minutes"};
  s.faults.push_back({"light_not_following", "ceiling", "light 'ceiling' has not reached 20 %",
                      *config::parse_instant("2026-11-22T09:41:00Z")});

  const json out = session::to_json(s);
  CHECK(out["state"] == "running");
  CHECK(out["session"] == "s-20261122-1");
  CHECK(out["client"] == "c-0042");
  CHECK(out["dose_at"] == "2026-11-22T09:30:00.000Z");
  CHECK(out["since_dose_s"].get<double>() == doctest::Approx(754.123));
  CHECK(out["phase"] == "onset");
  CHECK(out["track"]["title"] == "Slow Water");
  CHECK(out["track"]["artist"].is_null());
  CHECK(out["track"]["position_s"].get<double>() == doctest::Approx(61.5));
  CHECK(out["volume_db"].get<double>() == doctest::Approx(-6.0));
  CHECK(out["talk"] == true);
  CHECK(out["lights"] == "dim");
  CHECK(out["next_reminder"] == json{{"id", "bp-40"}, {"at_s", 2400.0}, {"text", "Blood pressure at 40 minutes"}});
  REQUIRE(out["faults"].size() == 1);
  CHECK(out["faults"][0]["code"] == "light_not_following");
  CHECK(out["faults"][0]["subject"] == "ceiling");
  CHECK(out["faults"][0]["since"] == "2026-11-22T09:41:00.000Z");
}

TEST_CASE("the republished state moves with the dose clock") {
  session::RoomState s;
  s.state = session::SessionStatus::Running;
  s.since_dose_s = 100.0;
  s.phase_ends_in_s = 3.0;
  s.track = session::TrackInfo{"t", "a", 10.0, 12.0};

  const auto later = session::advanced(s, std::chrono::seconds(5));
  CHECK(*later.since_dose_s == doctest::Approx(105.0));
  CHECK(*later.phase_ends_in_s == doctest::Approx(0.0));  // never negative
  CHECK(later.track->position_s == doctest::Approx(12.0));  // never past the end

  s.state = session::SessionStatus::Paused;
  const auto paused = session::advanced(s, std::chrono::seconds(5));
  CHECK(*paused.since_dose_s == doctest::Approx(105.0));  // the dose clock does not pause
  CHECK(paused.track->position_s == doctest::Approx(10.0));  // the music does

  s.state = session::SessionStatus::Ended;
  CHECK(*session::advanced(s, std::chrono::seconds(5)).since_dose_s == doctest::Approx(100.0));
}

TEST_CASE("the fault board reports each fault's start and end once") {
  session::FaultBoard board;
  const auto t0 = *config::parse_instant("2026-11-22T09:00:00Z");
  CHECK(board.raise("audio_underrun", "", "output underrun", t0));
  CHECK_FALSE(board.raise("audio_underrun", "", "output underrun (3 times)", t0 + std::chrono::seconds(2)));
  CHECK(board.raise("light_not_following", "ceiling", "ceiling stuck", t0 + std::chrono::seconds(1)));
  CHECK(board.raise("light_not_following", "lamp", "lamp stuck", t0 + std::chrono::seconds(3)));

  const auto list = board.list();
  REQUIRE(list.size() == 3);
  CHECK(list[0].code == "audio_underrun");
  CHECK(list[0].message == "output underrun (3 times)");
  CHECK(list[0].since == t0);  // a repeat does not move the start
  CHECK(list[1].subject == "ceiling");
  CHECK(list[2].subject == "lamp");

  CHECK(board.clear("audio_underrun"));
  CHECK_FALSE(board.clear("audio_underrun"));
  CHECK_FALSE(board.clear("light_not_following"));  // subject matters
  CHECK(board.active("light_not_following", "lamp"));
  const auto cleared = board.clear_all("light_not_following");
  CHECK(cleared.size() == 2);
  CHECK(board.empty());
}
