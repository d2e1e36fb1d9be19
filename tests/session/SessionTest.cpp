// The session core driven by commands and ticks on a manual clock: what it
// records, what it refuses and why, what it asks of the music and the lights.
#include "SessionFixture.hpp"

#include "session/Apply.hpp"
#include "session/Staleness.hpp"

#include <doctest/doctest.h>

using namespace stillroom;
using namespace stillroom::test;
using session::CommandKind;
using session::SessionStatus;

namespace {

session::Command preload_of(const std::string& client, std::optional<double> mg = 50) {
  auto c = SessionFixture::command(CommandKind::Preload);
  c.client = client;
  if (mg) c.doses.push_back({client, *mg, std::nullopt});
  return c;
}

}  // namespace

TEST_CASE("a whole session: preload with the dose entered, start, phases, reminder, pause, talk, booster, vitals, stop") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  CHECK(s.status() == SessionStatus::Idle);
  f.begin(s);
  CHECK(s.status() == SessionStatus::Running);
  // Dose given now: the settle phase is skipped, music starts in onset at 0.
  CHECK(*s.dose_now() == Millis{0});
  CHECK(f.types() == std::vector<std::string>{"session_preloaded", "dose_entered", "session_started", "dose",
                                              "phase_changed", "track_changed"});
  const auto dose = f.of_type<session::DoseGiven>().at(0);
  CHECK(dose.amount == 50);
  CHECK(dose.unit == "mg");
  CHECK(dose.lot == "L-1");
  CHECK(dose.medication == "ketamine");
  CHECK(dose.entered_by == "tablet-1");
  CHECK(f.of_type<session::PhaseChanged>()[0].phase == "onset");
  REQUIRE_FALSE(f.out.light_cues.empty());
  CHECK(f.out.light_cues.back().scene == "dim");

  f.run_for(s, 5min);
  auto phases = f.of_type<session::PhaseChanged>();
  REQUIRE(phases.size() == 2);
  CHECK(phases[1].phase == "peak");
  CHECK(phases[1].at_dose == 5min);
  CHECK(f.out.light_cues.back().scene == "low");

  const auto pause = SessionFixture::command(CommandKind::Pause);
  CHECK(f.send(s, pause).ok);
  CHECK(s.status() == SessionStatus::Paused);
  CHECK(std::get<session::Paused>(f.last().event).at_dose == 5min);
  CHECK(f.send(s, SessionFixture::command(CommandKind::Pause)).error == "already paused");
  CHECK(f.types().back() == "command_refused");
  f.run_for(s, 2min);
  CHECK(f.send(s, SessionFixture::command(CommandKind::Resume)).ok);
  CHECK(s.room_state().track.has_value());

  auto talk = SessionFixture::command(CommandKind::Talk);
  talk.on = true;
  CHECK(f.send(s, talk).ok);
  CHECK(s.room_state().talk);
  CHECK(f.out.plans.back().master.back().target_db == -2 + f.library.room.audio.talk_duck_db);
  talk = SessionFixture::command(CommandKind::Talk);
  talk.on = false;
  CHECK(f.send(s, talk).ok);

  f.run_for(s, 10min);  // dose time 17 min: within the booster window
  auto booster = SessionFixture::command(CommandKind::Booster);
  booster.amount_mg = 25;
  CHECK(f.send(s, booster).ok);
  CHECK(f.of_type<session::BoosterGiven>().size() == 1);
  CHECK(f.of_type<session::BoosterGiven>()[0].moves_music);
  REQUIRE(f.of_type<session::DoseGiven>().size() == 2);
  CHECK(f.of_type<session::DoseGiven>()[1].booster);
  CHECK(f.of_type<session::DoseGiven>()[1].amount == 25);
  CHECK(s.plan().phases[3].start == 35min);  // return moved by the extend rule
  // The state shows the moved phase end at once.
  CHECK(*s.room_state().phase_ends_in_s == doctest::Approx(35 * 60 - 17 * 60));
  booster = SessionFixture::command(CommandKind::Booster);
  booster.amount_mg = 25;
  CHECK(f.send(s, booster).error == "protocol 'im' allows 1 booster");

  f.run_for(s, 24min);  // 41 min: the 40-minute reminder is due
  const auto due = f.of_type<session::ReminderDue>();
  REQUIRE(due.size() == 1);
  CHECK(due[0].reminder == "bp-40");
  CHECK(due[0].client == "c-1");
  CHECK(s.room_state().next_reminder->id == "bp-40");
  CHECK(s.room_state().next_reminder->due);
  REQUIRE(s.room_state().reminders_due.size() == 1);
  auto ack = SessionFixture::command(CommandKind::Ack);
  ack.reminder = "bp-40";
  CHECK(f.send(s, ack).ok);
  CHECK(std::get<session::ReminderAcked>(f.last().event).after == 60s);
  CHECK(f.send(s, ack).error == "reminder 'bp-40' is already acknowledged");
  ack.reminder = "bp-41";
  CHECK(f.send(s, ack).error == "protocol 'im' has no reminder 'bp-41' (reminders: bp-40)");

  auto vitals = SessionFixture::command(CommandKind::Vitals);
  vitals.vitals = {128, 82, 71, 98};
  CHECK(f.send(s, vitals).ok);
  const auto taken = std::get<session::VitalsTaken>(f.last().event);
  CHECK(taken.bp_sys == 128);
  CHECK(taken.client == "c-1");

  CHECK(f.send(s, SessionFixture::command(CommandKind::Stop)).ok);
  CHECK(s.status() == SessionStatus::Ended);
  CHECK(std::get<session::SessionEnded>(f.last().event).reason == "stop");
  CHECK(f.out.plans.back().stopped_at == 41min);
  CHECK(f.out.light_cues.back().scene == "bright");  // the room's normal light
  f.run_for(s, 60min);  // monitoring ends at 100 min (90 + the booster's 10)
  REQUIRE(f.of_type<session::MonitoringEnded>().size() == 1);
  CHECK(f.of_type<session::MonitoringEnded>()[0].at_dose == 100min);
  CHECK(f.send(s, SessionFixture::command(CommandKind::Clear)).ok);
  CHECK(s.status() == SessionStatus::Idle);
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
    auto command = SessionFixture::command(c.kind);
    command.amount_mg = 20;
    const auto reply = f.send(s, command);
    CHECK_FALSE(reply.ok);
    CHECK(reply.error == c.error);
    const auto refused = std::get<session::CommandRefused>(f.last().event);
    CHECK(refused.error == c.error);
    CHECK(refused.reason == "refused");
    CHECK(f.last().actor.device == "tablet-1");
    CHECK(s.status() == SessionStatus::Idle);
  }
  CHECK(f.out.plans.empty());

  f.begin(s);
  CHECK(f.send(s, preload_of("c-1")).error == "a session is running: stop it before preloading another");
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
  booster.amount_mg = 20;
  CHECK(f.send(s, booster).error == "a booster is accepted from +0:15:00 to +0:30:00 after the dose, not at +0:00:00");
  auto ack = SessionFixture::command(CommandKind::Ack);
  ack.reminder = "bp-40";
  CHECK(f.send(s, ack).error == "reminder 'bp-40' is not due until +0:40:00");
  CHECK(s.status() == SessionStatus::Running);
}

TEST_CASE("a dose is recorded only as a clinician entered it, within the protocol's range") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");

  SUBCASE("out of range: refused with the range") {
    CHECK(f.send(s, preload_of("c-1", 200)).error == "200 mg is above protocol 'im''s dose range of 20-150 mg");
    CHECK(f.send(s, preload_of("c-1", 5)).error == "5 mg is below protocol 'im''s dose range of 20-150 mg");
    CHECK(s.status() == SessionStatus::Idle);
  }
  SUBCASE("no dose entered: the start is refused, nothing is inferred from the client's series") {
    auto preload = preload_of("c-1", std::nullopt);
    preload.session_number = 3;  // the series suggests 60 mg for session 3: a suggestion, never a record
    CHECK(f.send(s, preload).ok);
    CHECK(f.of_type<session::SessionPreloaded>().at(0).session_number == 3);
    CHECK(f.of_type<session::DoseEntered>().empty());
    CHECK(f.send(s, SessionFixture::command(CommandKind::Start)).error ==
          "no dose is entered for c-1: enter the amount (mg) on the tablet first");
    auto enter = SessionFixture::command(CommandKind::EnterDose);
    enter.amount_mg = 160;
    CHECK(f.send(s, enter).error == "160 mg is above protocol 'im''s dose range of 20-150 mg");
    enter = SessionFixture::command(CommandKind::EnterDose);
    enter.amount_mg = 60;
    enter.lot = "A-77";
    CHECK(f.send(s, enter).ok);
    CHECK(f.send(s, SessionFixture::command(CommandKind::Start)).ok);
    const auto given = f.of_type<session::DoseGiven>();
    REQUIRE(given.size() == 1);
    CHECK(given[0].amount == 60);
    CHECK(given[0].lot == "A-77");
  }
  SUBCASE("a booster names its amount and keeps to the booster's range") {
    f.begin(s);
    f.run_for(s, 16min);
    auto booster = SessionFixture::command(CommandKind::Booster);
    booster.amount_mg = 80;
    CHECK(f.send(s, booster).error == "80 mg is above protocol 'im''s booster range of 10-75 mg");
    booster.amount_mg = 30;
    CHECK(f.send(s, booster).ok);
  }
  SUBCASE("a dose time ahead of the room's clock is refused and records no dose") {
    CHECK(f.send(s, preload_of("c-1")).ok);
    auto start = SessionFixture::command(CommandKind::Start);
    start.given_at = f.clock.now().wall + 10min;
    CHECK(f.send(s, start).error == "dose_at 2026-01-01T00:10:00.000Z is 10m ahead of this room's clock: a dose cannot "
                                     "be recorded before it is given (check the tablet's clock)");
    CHECK(f.of_type<session::DoseGiven>().empty());
    CHECK(s.status() == SessionStatus::Ready);
    start.given_at = f.clock.now().wall + 20s;  // a tablet running a little fast
    CHECK(f.send(s, start).ok);
    REQUIRE(f.of_type<session::DoseGiven>().size() == 1);
    CHECK(f.of_type<session::DoseGiven>()[0].given_at == *start.given_at);
  }
  SUBCASE("the session number is only what the clinic said") {
    CHECK(f.send(s, preload_of("c-1")).ok);
    CHECK_FALSE(f.of_type<session::SessionPreloaded>().at(0).session_number.has_value());
  }
}

TEST_CASE("a group: each client dosed and monitored on their own clock, the music follows the first") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  auto preload = SessionFixture::command(CommandKind::Preload);
  preload.client = "c-1";
  preload.clients = {"c-1", "c-3"};
  preload.doses = {{"c-1", 50, std::nullopt}, {"c-3", 70, std::string("B-2")}};
  REQUIRE(f.send(s, preload).ok);
  auto start = SessionFixture::command(CommandKind::Start);
  start.clients = {"c-3"};
  CHECK(f.send(s, start).error == "the music follows c-1's dose: start with c-1 among the clients dosed");
  start.clients = {"c-1"};
  REQUIRE(f.send(s, start).ok);
  f.run_for(s, 5min);
  auto dose = SessionFixture::command(CommandKind::Dose);
  dose.client = "c-3";
  REQUIRE(f.send(s, dose).ok);
  const auto given = f.of_type<session::DoseGiven>();
  REQUIRE(given.size() == 2);
  CHECK(given[1].client == "c-3");
  CHECK(given[1].amount == 70);
  CHECK(given[1].lot == "B-2");
  CHECK(given[1].at_dose == 5min);
  CHECK(f.send(s, dose).error == "c-3 has had their dose: a further dose is a booster");

  auto vitals = SessionFixture::command(CommandKind::Vitals);
  vitals.vitals = {120, 80, std::nullopt, std::nullopt};
  CHECK(f.send(s, vitals).error == "vitals in a group session needs 'client': which of c-1, c-3?");
  vitals.client = "c-3";
  CHECK(f.send(s, vitals).ok);
  CHECK(std::get<session::VitalsTaken>(f.last().event).client == "c-3");

  // Blood pressure at 40 minutes after each client's own dose.
  f.run_for(s, 35min + 1s);
  auto due = f.of_type<session::ReminderDue>();
  REQUIRE(due.size() == 1);
  CHECK(due[0].client == "c-1");
  CHECK(due[0].due == 40min);
  f.run_for(s, 5min);
  due = f.of_type<session::ReminderDue>();
  REQUIRE(due.size() == 2);
  CHECK(due[1].client == "c-3");
  CHECK(due[1].due == 45min);
  CHECK(s.room_state().reminders_due.size() == 2);
  auto ack = SessionFixture::command(CommandKind::Ack);
  ack.reminder = "bp-40";
  CHECK(f.send(s, ack).error == "ack in a group session needs 'client': which of c-1, c-3?");
  ack.client = "c-3";
  CHECK(f.send(s, ack).ok);
  CHECK(std::get<session::ReminderAcked>(f.last().event).client == "c-3");
  CHECK(s.room_state().reminders_due.size() == 1);

  // Each client's monitoring ends 90 minutes after their own dose; the music ended with c-1's protocol.
  f.run_for(s, 45min);  // 90 min after c-1's dose, 85 after c-3's
  auto ended = f.of_type<session::MonitoringEnded>();
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].client == "c-1");
  f.run_for(s, 5min);
  ended = f.of_type<session::MonitoringEnded>();
  REQUIRE(ended.size() == 2);
  CHECK(ended[1].client == "c-3");
  CHECK(ended[1].at_dose == 95min);
  CHECK(f.of_type<session::SessionEnded>().at(0).at_dose == 60min);
}

TEST_CASE("a booster of a group member moves only their own clock") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  auto preload = SessionFixture::command(CommandKind::Preload);
  preload.client = "c-1";
  preload.clients = {"c-1", "c-3"};
  preload.doses = {{"c-1", 50, std::nullopt}, {"c-3", 70, std::nullopt}};
  REQUIRE(f.send(s, preload).ok);
  REQUIRE(f.send(s, SessionFixture::command(CommandKind::Start)).ok);
  f.run_for(s, 20min);
  auto booster = SessionFixture::command(CommandKind::Booster);
  booster.amount_mg = 20;
  CHECK(f.send(s, booster).error == "a booster in a group session needs 'client': which of c-1, c-3?");
  booster.client = "c-3";
  CHECK(f.send(s, booster).ok);
  const auto b = f.of_type<session::BoosterGiven>().at(0);
  CHECK_FALSE(b.moves_music);
  CHECK(b.monitoring_end == 100min);
  CHECK(s.plan().session_end == 60min);  // the music did not move
}

TEST_CASE("an emergency while a preload's music is checked cancels it: the room stays aborted until clear") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  const auto preload = preload_of("c-1");
  const auto checking = f.handle(s, preload);
  REQUIRE(checking.preflight);
  CHECK(s.room_state().checking.has_value());
  CHECK(f.send(s, SessionFixture::command(CommandKind::Start)).error ==
        "a preload is still checking the music: try again in a moment");
  CHECK(f.send(s, SessionFixture::command(CommandKind::Emergency, "panel-1", "panel")).ok);
  CHECK(s.status() == SessionStatus::Aborted);
  CHECK(f.out.light_cues.back().scene == "full");
  const auto finished = f.finish(s, preload);
  REQUIRE(finished.reply);
  CHECK_FALSE(finished.reply->ok);
  CHECK(finished.reply->error == "the preload was cancelled: the emergency light was raised while its music was checked");
  CHECK(s.status() == SessionStatus::Aborted);
  CHECK(f.send(s, SessionFixture::command(CommandKind::Start)).error ==
        "the session has ended: clear it, then preload the next");
  CHECK(f.send(s, SessionFixture::command(CommandKind::Clear)).ok);
  CHECK(s.status() == SessionStatus::Idle);
}

TEST_CASE("a failing preflight changes nothing: a ready session stays ready") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  REQUIRE(f.send(s, preload_of("c-1")).ok);
  const auto first = s.session_id();
  f.clock.advance(2s);
  const auto replacement = preload_of("c-3");
  REQUIRE(f.handle(s, replacement).preflight);
  const auto failed = f.finish(s, replacement, {"'/music/peak-1.flac': truncated: 41230 of 96000 frames decode"});
  CHECK(failed.reply->error == "not ready: '/music/peak-1.flac': truncated: 41230 of 96000 frames decode");
  CHECK(s.status() == SessionStatus::Ready);
  CHECK(s.session_id() == first);
  CHECK(s.room_state().client == "c-1");
  f.clock.advance(2s);
  CHECK(f.send(s, replacement).ok);
  CHECK(s.session_id() != first);
  CHECK(s.room_state().client == "c-3");
  CHECK(std::get<session::Cleared>(f.recorded[f.recorded.size() - 3].event).reason == "replaced by a new preload");
}

TEST_CASE("a client's limit is a ceiling on what they hear, not the room's master volume") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  f.begin(s, "c-2");  // c-2's limit: -6 dB; the room's default -2, maximum 0
  CHECK(s.room_state().volume_db == -2);
  CHECK(f.out.plans.back().cap_db == -6);
  CHECK(f.out.plans.back().master.front().volume_db == -2);  // the room's default holds
  auto volume = SessionFixture::command(CommandKind::Volume);
  volume.db = -1;  // onset plays at -6: -7 heard
  CHECK(f.send(s, volume).ok);
  f.run_for(s, 6min);  // peak plays at -2
  volume = SessionFixture::command(CommandKind::Volume);
  volume.db = -2;
  CHECK(f.send(s, volume).error == "volume -2.0 dB would play phase 'peak' at -4.0 dB, above c-2's limit of -6.0 dB");
  volume.db = -4;
  CHECK(f.send(s, volume).ok);
}

TEST_CASE("the volume chosen while ready holds from the start and after a restart") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  REQUIRE(f.send(s, preload_of("c-1")).ok);
  auto volume = SessionFixture::command(CommandKind::Volume);
  volume.db = -20;
  REQUIRE(f.send(s, volume).ok);
  REQUIRE(f.send(s, SessionFixture::command(CommandKind::Start)).ok);
  CHECK(f.out.plans.back().master_at(1s)->volume_db == -20);
  f.run_for(s, 90s);
  RecordingOutput out2;
  session::Session restored(f.library, f.clock, out2, "stillroom-room-1");
  (void)restored.restore(f.recorded, std::chrono::seconds{0}, "monotonic");
  REQUIRE_FALSE(out2.plans.empty());
  CHECK(out2.plans.back().master_at(*restored.dose_now())->volume_db == -20);
  CHECK(restored.room_state().volume_db == -20);
  CHECK(session::first_difference(s.state(), restored.state()) == "");
}

TEST_CASE("on a clock nobody synchronised, a start needs the clinician to confirm the time, and says who did") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  f.clock.set_synced(false);
  REQUIRE(f.send(s, preload_of("c-1")).ok);

  auto start = SessionFixture::command(CommandKind::Start);
  auto refused = f.send(s, start);
  CHECK(refused.reason == "clock_unsynced");
  CHECK(refused.error == "this room's clock is not synchronised (it reads 2026-01-01T00:00:00.000Z): check it against "
                         "your device and confirm the time to start");
  start.clock_confirmed = true;  // confirmed, but without the device's own time to show for it
  CHECK(f.send(s, start).error == "confirming the room's clock needs your device's time: send sent_at with clock_confirmed");
  CHECK(s.status() == SessionStatus::Ready);
  CHECK(f.of_type<session::DoseGiven>().empty());

  start.sent_at = f.clock.now().wall - 2s;
  REQUIRE(f.send(s, start).ok);
  const auto started = f.of_type<session::SessionStarted>();
  REQUIRE(started.size() == 1);
  CHECK(started[0].clock_confirmed_by == "tablet-1");
  CHECK(started[0].confirmed_device_time == start.sent_at);
}

TEST_CASE("on a synchronised clock a start needs no confirmation and records none") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  REQUIRE(f.send(s, preload_of("c-1")).ok);
  REQUIRE(f.send(s, SessionFixture::command(CommandKind::Start)).ok);
  const auto started = f.of_type<session::SessionStarted>();
  REQUIRE(started.size() == 1);
  CHECK_FALSE(started[0].clock_confirmed_by.has_value());
  CHECK_FALSE(started[0].confirmed_device_time.has_value());
}

TEST_CASE("a stale command is refused and recorded with both times") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  f.begin(s);
  auto pause = SessionFixture::command(CommandKind::Pause);
  pause.sent_at = f.clock.now().wall - 20s;
  const auto stale = session::stale_refusal(pause, f.clock.now().wall, std::nullopt, 5s);
  REQUIRE(stale);
  CHECK(stale->reason == "stale");
  CHECK(stale->error == "sent 20.0 s ago, more than the 5.0 s allowed: not carried out (send it again if it is still wanted)");
  f.keep(s.refuse(pause, *stale));
  const auto refused = std::get<session::CommandRefused>(f.last().event);
  CHECK(refused.reason == "stale");
  CHECK(refused.sent_at == pause.sent_at);
  CHECK(refused.received_at == f.clock.now().wall);
  CHECK(s.status() == SessionStatus::Running);

  pause.sent_at = f.clock.now().wall - 2s;
  CHECK(session::stale_refusal(pause, f.clock.now().wall, f.clock.now().wall - 1min, 5s) == std::nullopt);
  const auto queued = session::stale_refusal(pause, f.clock.now().wall, f.clock.now().wall - 500ms, 5s);
  REQUIRE(queued);
  CHECK(queued->error == "sent while the room was offline (1.5 s before it came back): not carried out");
  CHECK(session::stale_refusal(pause, f.clock.now().wall, f.clock.now().wall - 1900ms, 5s) == std::nullopt);  // within the slack
  pause.sent_at = f.clock.now().wall + 10s;
  CHECK(session::stale_refusal(pause, f.clock.now().wall, std::nullopt, 5s)->reason == "clock_skew");
}

TEST_CASE("emergency from any state brings full light at once, clear returns the room's light") {
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
  CHECK(s.room_state().emergency);
  CHECK(f.out.light_cues.back().scene == "full");
  CHECK(f.out.plans.back().music_end == 10min + f.library.room.audio.ramps.emergency);
  const auto ended = f.of_type<session::SessionEnded>();
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].reason == "emergency");
  // Monitoring reminders go on in an emergency.
  f.run_for(s, 31min);
  CHECK(f.of_type<session::ReminderDue>().size() == 1);

  SUBCASE("an emergency after a stop still brings full light") {
    SessionFixture g;
    session::Session t(g.library, g.clock, g.out, "stillroom-room-1");
    g.begin(t);
    g.run_for(t, 2min);
    REQUIRE(g.send(t, SessionFixture::command(CommandKind::Stop)).ok);
    REQUIRE(g.send(t, SessionFixture::command(CommandKind::Emergency)).ok);
    CHECK(g.out.light_cues.back().scene == "full");
  }
}

TEST_CASE("the protocol's end ends the session by itself, reminders repeat as notices until acknowledged") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  f.begin(s);
  f.run_for(s, 120min);
  const auto ended = f.of_type<session::SessionEnded>();
  REQUIRE(ended.size() == 1);
  CHECK(ended[0].reason == "protocol_end");
  CHECK(ended[0].at_dose == 60min);
  CHECK(f.of_type<session::PhaseChanged>().size() == 4);  // onset, peak, return, integration
  CHECK(f.of_type<session::TrackChanged>().size() > 15);
  CHECK(f.of_type<session::MonitoringEnded>().size() == 1);
  CHECK(f.of_type<session::ReminderDue>().size() == 1);
  const auto repeats = std::count_if(f.out.notices.begin(), f.out.notices.end(),
                                     [](const auto& j) { return j.value("type", "") == "reminder_repeat"; });
  CHECK(repeats == 9);  // 45, 50, ... 85: none once monitoring ends at 90
  const auto left = std::count_if(f.out.notices.begin(), f.out.notices.end(),
                                  [](const auto& j) { return j.value("type", "") == "minutes_left"; });
  CHECK(left == 1);
}

TEST_CASE("after a restart the session resumes where the dose clock is") {
  SessionFixture f;
  {
    session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
    f.begin(s);
    f.run_for(s, 12min);
    CHECK(f.send(s, SessionFixture::command(CommandKind::Skip)).ok);
    f.run_for(s, 30min);
    auto ack = SessionFixture::command(CommandKind::Ack);
    ack.reminder = "bp-40";
    CHECK(f.send(s, ack).ok);
  }
  const auto plan_before = f.out.plans.back();
  const auto recorded = f.recorded;
  // The controller is down for 95 seconds (same boot: monotonic time tells).
  f.clock.advance(95s);
  RecordingOutput out2;
  session::Session s2(f.library, f.clock, out2, "stillroom-room-1");
  const auto restored = s2.restore(recorded, std::chrono::seconds{95}, "monotonic");
  CHECK(s2.status() == SessionStatus::Running);
  CHECK(s2.session_id() == recorded.front().session);
  const Millis expected = 42min + 95s;
  CHECK(*s2.dose_now() == expected);
  REQUIRE_FALSE(out2.plans.empty());
  CHECK(out2.play_times.front() == expected);
  // The same plan as before the crash: the skip is part of it.
  CHECK(out2.plans.front().segments == plan_before.segments);
  REQUIRE_FALSE(restored.events.empty());
  const auto recovered = std::get<session::Recovered>(restored.events.front().event);
  CHECK(recovered.outage_ms == 95'000);
  CHECK(recovered.position_ms == expected.count());
  CHECK(recovered.clock_source == "monotonic");
  // The acknowledged reminder stays acknowledged; the lights go where the room should be.
  for (const auto& e : restored.events) CHECK_FALSE(std::holds_alternative<session::ReminderDue>(e.event));
  REQUIRE(out2.light_cues.size() == 1);
  CHECK(out2.light_cues[0].scene == "dim");

  SUBCASE("after a reboot the wall clock carries the dose clock over") {
    f.clock.reboot("00000000-0000-4000-8000-000000000002");
    f.clock.advance(30s);
    RecordingOutput out3;
    session::Session s3(f.library, f.clock, out3, "stillroom-room-1");
    (void)s3.restore(recorded, std::nullopt, "wall_synced");
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
  f.keep(s.audio_file_failed(id, file, "decode error after 400000 of 8000000 frames", 60s));
  const auto* now_playing = s.plan().segment_at(57s);
  REQUIRE(now_playing != nullptr);
  CHECK(now_playing->id != id);  // the next entry took over before the audio ran out
  CHECK(now_playing->start == 60s - f.library.room.audio.ramps.manual_crossfade);
  REQUIRE(s.faults().list().size() == 1);
  CHECK(s.faults().list()[0].code == "audio_file");
  CHECK(f.of_type<session::FaultRaised>().size() == 1);
  const auto skip = std::get<session::Skipped>(f.last().event);
  CHECK(skip.reason == "audio file failed: decode error after 400000 of 8000000 frames");
}
