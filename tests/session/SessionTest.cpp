#include "SessionFixture.hpp"

#include <doctest/doctest.h>

using namespace stillroom;
using namespace stillroom::test;
using session::CommandKind;
using session::SessionStatus;

TEST_CASE("a whole session: preload, start, phases, reminder, pause, talk, booster, vitals, stop") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  CHECK(s.status() == SessionStatus::Idle);
  f.begin(s);
  CHECK(s.status() == SessionStatus::Running);
  // Dose given now: the settle phase is skipped, music starts in onset at 0.
  CHECK(*s.dose_now() == Millis{0});
  CHECK(f.out.types() == std::vector<std::string>{"session_preloaded", "session_started", "dose", "phase_changed",
                                                  "track_changed"});
  CHECK(f.out.of_type("phase_changed")[0]->payload_json()["phase"] == "onset");
  REQUIRE_FALSE(f.out.light_cues.empty());
  CHECK(f.out.light_cues.back().scene == "dim");

  f.run_for(s, 5min);
  auto phases = f.out.of_type("phase_changed");
  REQUIRE(phases.size() == 2);
  CHECK(phases[1]->payload_json()["phase"] == "peak");
  CHECK(phases[1]->payload_json()["at_dose_ms"] == 300'000);
  CHECK(f.out.light_cues.back().scene == "low");

  auto pause = SessionFixture::command(CommandKind::Pause);
  CHECK(f.send(s, pause).ok);
  CHECK(s.status() == SessionStatus::Paused);
  CHECK(f.out.last().type == "paused");
  CHECK(f.out.last().payload_json()["at_dose_ms"] == 300'000);
  CHECK(f.send(s, pause).error == "already paused");
  CHECK(f.out.last().type == "command_refused");
  f.run_for(s, 2min);
  CHECK(f.send(s, SessionFixture::command(CommandKind::Resume)).ok);
  CHECK(s.state().track.has_value());

  auto talk = SessionFixture::command(CommandKind::Talk);
  talk.on = true;
  CHECK(f.send(s, talk).ok);
  CHECK(s.state().talk);
  CHECK(f.out.plans.back().master.back().target_db == -2 + f.library.room.audio.talk_duck_db);
  talk.on = false;
  CHECK(f.send(s, talk).ok);

  f.run_for(s, 10min);  // dose time 17 min: within the booster window
  auto booster = SessionFixture::command(CommandKind::Booster);
  booster.dose_mg = 25;
  CHECK(f.send(s, booster).ok);
  CHECK(f.out.of_type("booster").size() == 1);
  CHECK(f.out.of_type("dose").size() == 2);
  CHECK(f.out.of_type("dose")[1]->payload_json()["booster"] == true);
  CHECK(s.plan().phases[3].start == 35min);  // return moved by the extend rule
  CHECK(f.send(s, booster).error == "protocol 'im' allows 1 booster");

  f.run_for(s, 24min);  // 41 min: the 40-minute reminder is due
  const auto due = f.out.of_type("reminder_due");
  REQUIRE(due.size() == 1);
  CHECK(due[0]->payload_json()["reminder"] == "bp-40");
  CHECK(s.state().next_reminder->id == "bp-40");
  auto ack = SessionFixture::command(CommandKind::Ack);
  ack.reminder = "bp-40";
  CHECK(f.send(s, ack).ok);
  CHECK(f.out.last().payload_json()["after_ms"] == 60'000);
  CHECK(f.send(s, ack).error == "reminder 'bp-40' is already acknowledged");
  ack.reminder = "bp-41";
  CHECK(f.send(s, ack).error == "protocol 'im' has no reminder 'bp-41' (reminders: bp-40)");

  auto vitals = SessionFixture::command(CommandKind::Vitals);
  vitals.vitals = {128, 82, 71, 98};
  CHECK(f.send(s, vitals).ok);
  CHECK(f.out.last().payload_json()["bp_sys"] == 128);
  CHECK(f.out.last().payload_json()["client"] == "c-1");

  CHECK(f.send(s, SessionFixture::command(CommandKind::Stop)).ok);
  CHECK(s.status() == SessionStatus::Ended);
  CHECK(f.out.last().type == "session_ended");
  CHECK(f.out.last().payload_json()["reason"] == "stop");
  CHECK(f.out.plans.back().stopped_at == Millis{41 * 60'000});
  CHECK(f.out.light_cues.back().scene == "bright");  // the room's normal light
  f.run_for(s, 60min);  // monitoring ends at 100 min (90 + the booster's 10)
  CHECK(f.out.of_type("monitoring_ended").size() == 1);
  CHECK(f.out.of_type("monitoring_ended")[0]->payload_json()["at_dose_ms"] == 100 * 60'000);
  CHECK(f.send(s, SessionFixture::command(CommandKind::Clear)).ok);
  CHECK(s.status() == SessionStatus::Idle);
  // Every command was replied ok only once recorded: nothing is waiting.
  CHECK(s.unrecorded() == 0);
}

TEST_CASE("commands invalid in the state are refused with a reason, recorded, and change nothing") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  struct Case {
    CommandKind kind;
    const char* error;
  };
  for (const auto& c : {Case{CommandKind::Start, "nothing is preloaded: preload a client first"},
                        Case{CommandKind::Pause, "no music is running (state idle)"},
                        Case{CommandKind::Resume, "no session to resume (state idle)"},
                        Case{CommandKind::Skip, "skip needs running music (state idle)"},
                        Case{CommandKind::Stop, "no session is running (state idle)"},
                        Case{CommandKind::Clear, "nothing to clear"},
                        Case{CommandKind::Booster, "a booster needs a running session (state idle)"},
                        Case{CommandKind::Vitals, "no session: vitals are recorded for a preloaded or running session"}}) {
    INFO(session::to_string(c.kind));
    const auto reply = f.send(s, SessionFixture::command(c.kind));
    CHECK_FALSE(reply.ok);
    CHECK(reply.error == c.error);
    CHECK(f.out.last().type == "command_refused");
    CHECK(f.out.last().payload_json()["error"] == c.error);
    CHECK(f.out.last().actor_device == "tablet-1");
    CHECK(s.status() == SessionStatus::Idle);
  }
  CHECK(f.out.plans.empty());

  f.begin(s);
  auto preload = SessionFixture::command(CommandKind::Preload);
  preload.client = "c-1";
  CHECK(f.send(s, preload).error == "a session is running: stop it before preloading another");
  CHECK(f.send(s, SessionFixture::command(CommandKind::Clear)).error == "the session is running: stop it first");
  CHECK(f.send(s, SessionFixture::command(CommandKind::Resume)).error == "not paused");
  auto volume = SessionFixture::command(CommandKind::Volume);
  volume.db = 3;
  CHECK(f.send(s, volume).error == "volume +3.0 dB is above this room's maximum of +0.0 dB");
  volume.db = -80;
  CHECK(f.send(s, volume).error == "volume -80.0 dB is below -60.0 dB");
  CHECK(f.send(s, SessionFixture::command(CommandKind::Alternate)).error ==
        "alternate at +0:00:00: phase 'onset' has no alternates");
  auto booster = SessionFixture::command(CommandKind::Booster);
  CHECK(f.send(s, booster).error == "a booster is accepted from +0:15:00 to +0:30:00 after the dose, not at +0:00:00");
  auto ack = SessionFixture::command(CommandKind::Ack);
  ack.reminder = "bp-40";
  CHECK(f.send(s, ack).error == "reminder 'bp-40' is not due until +0:40:00");
  CHECK(s.status() == SessionStatus::Running);
}

TEST_CASE("preload: unknown clients, a failing preflight, and the client's cap") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  auto preload = SessionFixture::command(CommandKind::Preload);
  preload.client = "c-9";
  CHECK(f.send(s, preload).error == "unknown client 'c-9' (known: c-1, c-2)");
  preload.client = "c-1";
  preload.playlist = "nope";
  CHECK(f.send(s, preload).error == "unknown playlist 'nope' (known: calm)");
  preload.playlist.reset();
  auto handled = s.handle(preload);
  REQUIRE(handled.preflight);
  CHECK(s.preloading());
  CHECK(f.send(s, SessionFixture::command(CommandKind::Start)).error ==
        "a preload is still checking the music: try again in a moment");
  session::PreflightResult broken;
  broken.problems = {"'/music/peak-1.flac': truncated: 41230 of 96000 frames decode"};
  const auto reply = s.finish_preload(preload, broken);
  CHECK_FALSE(reply.ok);
  CHECK(reply.error == "not ready: '/music/peak-1.flac': truncated: 41230 of 96000 frames decode");
  CHECK(s.status() == SessionStatus::Idle);

  f.begin(s, "c-2");
  auto volume = SessionFixture::command(CommandKind::Volume);
  volume.db = -3;  // under the room's cap, over this client's -6
  CHECK(f.send(s, volume).error == "volume -3.0 dB is above this room's maximum of -6.0 dB");
  CHECK(f.out.plans.back().cap_db == -6);
}

TEST_CASE("a record that fails: the room still acts, the reply says not recorded, the backlog lands in order") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  f.begin(s);
  f.run_for(s, 3min);
  const auto plans_before = f.out.plans.size();
  f.out.failing = true;
  const auto reply = f.send(s, SessionFixture::command(CommandKind::Pause));
  CHECK_FALSE(reply.ok);
  CHECK(reply.error ==
        "not recorded (database or disk is full): the pause took effect and will be recorded when the record is back");
  CHECK(s.status() == SessionStatus::Paused);          // the music obeyed
  CHECK(f.out.plans.size() == plans_before + 1);       // and was told
  CHECK(s.state().faults.size() == 1);
  CHECK(s.state().faults[0].code == "record");
  const auto recorded_before = f.out.events.size();
  f.run_for(s, 1min);
  CHECK_FALSE(f.send(s, SessionFixture::command(CommandKind::Resume)).ok);
  CHECK(s.unrecorded() == 2);
  CHECK(f.out.events.size() == recorded_before);

  f.out.failing = false;
  f.run_for(s, 1s);
  CHECK(s.unrecorded() == 0);
  const auto& e = f.out.events;
  REQUIRE(e.size() >= recorded_before + 3);
  CHECK(e[recorded_before].type == "paused");
  CHECK(e[recorded_before + 1].type == "resumed");
  CHECK(e[recorded_before + 2].type == "fault_cleared");
  // They say when they happened, not when the record took them.
  CHECK(e[recorded_before].payload_json()["at_dose_ms"] == 180'000);
  CHECK(e[recorded_before].payload_json()["at"] == "2026-01-01T00:03:00.000Z");
  CHECK(s.state().faults.empty());
}

TEST_CASE("emergency from any state brings full light at once; clear returns the room's light") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  CHECK(f.send(s, SessionFixture::command(CommandKind::Emergency, "panel-1", "panel")).ok);
  CHECK(s.status() == SessionStatus::Aborted);
  REQUIRE(f.out.light_cues.size() == 1);
  CHECK(f.out.light_cues[0].scene == "full");
  CHECK(f.out.light_cues[0].fade == 0ms);
  CHECK(f.send(s, SessionFixture::command(CommandKind::Clear)).ok);
  CHECK(f.out.light_cues.back().scene == "bright");
  CHECK(f.out.light_cues.back().fade == f.library.room.lights.return_fade);

  f.begin(s);
  f.run_for(s, 10min);
  CHECK(f.send(s, SessionFixture::command(CommandKind::Emergency, "panel-1", "panel")).ok);
  CHECK(s.status() == SessionStatus::Aborted);
  CHECK(f.out.light_cues.back().scene == "full");
  const auto& plan = f.out.plans.back();
  CHECK(plan.music_end == 10min + f.library.room.audio.ramps.emergency);
  const auto ended = f.out.of_type("session_ended");
  REQUIRE(ended.size() == 1);
  CHECK(ended[0]->payload_json()["reason"] == "emergency");
  // Monitoring reminders go on in an emergency.
  f.run_for(s, 31min);
  CHECK(f.out.of_type("reminder_due").size() == 1);
}

TEST_CASE("the protocol's end ends the session by itself; a two-hour session runs in milliseconds") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  f.begin(s);
  const auto wall = std::chrono::steady_clock::now();
  f.run_for(s, 120min);
  CHECK(std::chrono::steady_clock::now() - wall < 60s);  // 7200 ticks, not two hours
  const auto ended = f.out.of_type("session_ended");
  REQUIRE(ended.size() == 1);
  CHECK(ended[0]->payload_json()["reason"] == "protocol_end");
  CHECK(ended[0]->payload_json()["at_dose_ms"] == 60 * 60'000);
  CHECK(f.out.of_type("phase_changed").size() == 4);  // onset, peak, return, integration
  CHECK(f.out.of_type("track_changed").size() > 15);
  CHECK(f.out.of_type("monitoring_ended").size() == 1);
  // The reminder repeats every 5 minutes until acknowledged (signals), recorded once.
  CHECK(f.out.of_type("reminder_due").size() == 1);
  const auto repeats = std::count_if(f.out.signals.begin(), f.out.signals.end(), [](const auto& j) {
    return j.value("type", "") == "reminder_due" && j.contains("count");
  });
  CHECK(repeats == 9);  // 45, 50, ... 85: none once monitoring ends at 90
}

TEST_CASE("after a restart the session resumes where the dose clock is") {
  SessionFixture f;
  std::vector<record::RecordEvent> recorded;
  {
    session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
    f.begin(s);
    f.run_for(s, 12min);
    CHECK(f.send(s, SessionFixture::command(CommandKind::Skip)).ok);
    f.run_for(s, 30min);
    auto ack = SessionFixture::command(CommandKind::Ack);
    ack.reminder = "bp-40";
    CHECK(f.send(s, ack).ok);
    recorded = f.out.events;
  }
  const auto plan_before = f.out.plans.back();
  // The controller is down for 95 seconds (same boot: monotonic time tells).
  f.clock.advance(95s);
  RecordingOutput out2(f.clock);
  session::Session s2(f.library, f.clock, out2, "stillroom-room-1");
  s2.restore(recorded, std::chrono::seconds{95}, f.durations);
  CHECK(s2.status() == SessionStatus::Running);
  CHECK(s2.session_id() == recorded.front().session);
  const Millis expected = 42min + 95s;
  CHECK(*s2.dose_now() == expected);
  REQUIRE_FALSE(out2.plans.empty());
  CHECK(out2.play_times.front() == expected);
  // The same plan as before the crash: the skip is part of it.
  REQUIRE(out2.plans.front().segments.size() == plan_before.segments.size());
  for (std::size_t i = 0; i < plan_before.segments.size(); ++i) CHECK(out2.plans.front().segments[i].id == plan_before.segments[i].id);
  const auto recovered = out2.of_type("recovered");
  REQUIRE(recovered.size() == 1);
  CHECK(recovered[0]->payload_json()["outage_ms"] == 95'000);
  CHECK(recovered[0]->payload_json()["position_ms"] == expected.count());
  // The acknowledged reminder stays acknowledged; the lights go where the room should be.
  CHECK(out2.of_type("reminder_due").empty());
  REQUIRE(out2.light_cues.size() == 1);
  CHECK(out2.light_cues[0].scene == "dim");

  SUBCASE("after a reboot the wall clock carries the dose clock over") {
    f.clock.reboot("00000000-0000-4000-8000-000000000002");
    f.clock.advance(30s);
    RecordingOutput out3(f.clock);
    session::Session s3(f.library, f.clock, out3, "stillroom-room-1");
    s3.restore(recorded, std::nullopt, f.durations);
    CHECK(*s3.dose_now() == expected + 30s);
  }
}

TEST_CASE("a file that fails at play time is skipped with a crossfade, recorded as a fault") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  f.begin(s);
  f.run_for(s, 10s);
  const auto* playing = s.plan().segment_at(10s);
  REQUIRE(playing != nullptr);
  const auto id = playing->id;
  const auto file = playing->file;
  s.audio_file_failed(id, file, "decode error after 400000 of 8000000 frames", 60s);
  const auto* now_playing = s.plan().segment_at(57s);
  REQUIRE(now_playing != nullptr);
  CHECK(now_playing->id != id);  // the next entry took over before the audio ran out
  CHECK(now_playing->start == 60s - f.library.room.audio.ramps.manual_crossfade);
  CHECK(s.state().faults.size() == 1);
  CHECK(s.state().faults[0].code == "audio_file");
  CHECK(f.out.of_type("fault").size() == 1);
  CHECK(f.out.last().type == "skip");
}
