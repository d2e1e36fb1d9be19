// After-care in the session core: observations, ready to leave, discharge, the
// signature and addenda — what they record, what they refuse and why, and that
// a signed session takes no further clinical entries.
#include "SessionFixture.hpp"

#include "session/Apply.hpp"

#include <doctest/doctest.h>

using namespace stillroom;
using namespace stillroom::test;
using session::CommandKind;

namespace {

session::Command by_nurse(CommandKind kind, const std::string& client = "") {
  auto c = SessionFixture::command(kind);
  c.by = "nurse-7";
  c.client = client;
  return c;
}

session::Command observation(const std::string& client, int moaa_s, const char* dissociation) {
  auto c = by_nurse(CommandKind::Observe, client);
  c.observation.moaa_s = moaa_s;
  c.observation.dissociation = dissociation;
  return c;
}

session::Command signing(const char* meaning = "reviewed and approved") {
  auto c = SessionFixture::command(CommandKind::Sign);
  c.by = "dr-3";
  c.meaning = meaning;
  return c;
}

const session::SignedContent kContent{std::string(64, 'a'), 42, std::string(64, 'b')};

}  // namespace

TEST_CASE("observations, ready to leave and discharge are recorded per client with who entered them") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  CHECK(f.send(s, observation("c-1", 4, "absent")).error ==
        "no session: observations are recorded for a preloaded or later session");
  f.begin(s);
  f.run_for(s, 20min);

  auto o = observation("c-1", 3, "present");
  o.observation.dissociation_features = std::vector<std::string>{"derealization"};
  o.observation.respiratory = "none";
  REQUIRE(f.send(s, o).ok);
  const auto& seen = std::get<session::Observed>(f.last().event);
  CHECK(seen.client == "c-1");
  CHECK(seen.moaa_s == 3);
  CHECK(seen.dissociation == "present");
  CHECK(seen.at_dose == 20min);
  CHECK(seen.by == "nurse-7");
  CHECK(f.last().actor.device == "tablet-1");
  CHECK(s.state().clients[0].observations.size() == 1);

  CHECK(f.send(s, observation("c-9", 4, "absent")).error.find("c-9") != std::string::npos);
  const auto refused_before = f.recorded.size();
  CHECK(f.send(s, by_nurse(CommandKind::Discharge, "c-1")).error ==
        "c-1 is monitored until +1:30:00 on the dose clock (now +0:20:00): discharge once monitoring is over "
        "(ready to leave can be recorded now)");
  CHECK(std::holds_alternative<session::CommandRefused>(f.recorded.at(refused_before).event));
  CHECK(!s.state().clients[0].discharged);

  auto ahead = by_nurse(CommandKind::ReadyToLeave, "c-1");
  ahead.at = f.clock.now().wall + 10min;
  CHECK(f.send(s, ahead).error.find("is ahead of this room's clock") != std::string::npos);
  auto before_dose = by_nurse(CommandKind::ReadyToLeave, "c-1");
  before_dose.at = f.clock.now().wall - 30min;
  CHECK(f.send(s, before_dose).error.find("is before c-1's dose") != std::string::npos);

  f.run_for(s, 40min);
  REQUIRE(f.send(s, by_nurse(CommandKind::ReadyToLeave, "c-1")).ok);
  CHECK(std::get<session::ReadyToLeave>(f.last().event).at_dose == 60min);
  CHECK(f.send(s, by_nurse(CommandKind::ReadyToLeave, "c-1")).error.find("ready to leave is already recorded for c-1") == 0);

  f.run_for(s, 31min);  // monitoring ends at 90 min
  REQUIRE(s.state().clients[0].monitoring_over);
  REQUIRE(f.send(s, by_nurse(CommandKind::Discharge, "c-1")).ok);
  CHECK(std::get<session::Discharged>(f.last().event).by == "nurse-7");
  CHECK(f.send(s, by_nurse(CommandKind::Discharge, "c-1")).error.find("c-1 is already discharged") == 0);
  CHECK(f.send(s, observation("c-1", 5, "absent")).error.find("c-1 was discharged at") == 0);

  // Replay gives the same state the live session has.
  const auto replayed = session::replay(f.recorded, f.library);
  CHECK(session::first_difference(replayed, s.state()) == "");
}

TEST_CASE("sign: refused while unfinished, once only, a signed session takes only addenda") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  f.begin(s);
  f.run_for(s, 5min);
  CHECK(f.send(s, by_nurse(CommandKind::Addendum)).error.find("is not signed") != std::string::npos);
  const auto early = s.handle(signing(), &kContent);
  REQUIRE(early.reply);
  CHECK(early.reply->error.find("has not finished (state running)") != std::string::npos);

  f.run_for(s, 56min);  // the protocol ends at 60 min; monitoring runs to 90
  REQUIRE(s.status() == session::SessionStatus::Ended);
  CHECK(f.keep(s.handle(signing(), &kContent)).reply->error ==
        "c-1 is still monitored (until +1:30:00 on the dose clock) and not discharged: sign once their monitoring is "
        "over or they are discharged");
  f.run_for(s, 30min);
  CHECK(f.keep(s.handle(signing(), &kContent)).reply->error ==
        "the monitoring form needs c-1's ready-to-leave time before it is signed");
  REQUIRE(f.send(s, by_nurse(CommandKind::ReadyToLeave, "c-1")).ok);
  REQUIRE(f.send(s, by_nurse(CommandKind::Discharge, "c-1")).ok);

  CHECK_FALSE(session::Signed::check({"approved by me", "dr-3", {}, std::string(64, 'a'), 1, ""}).empty());
  CHECK(f.keep(s.handle(signing(), nullptr)).reply->error ==
        "the session's summary could not be read from the record: not signed");

  const auto signed_ok = f.keep(s.handle(signing(), &kContent));
  REQUIRE(signed_ok.reply);
  REQUIRE_MESSAGE(signed_ok.reply->ok, signed_ok.reply->error);
  const auto& sig = std::get<session::Signed>(f.last().event);
  CHECK(sig.content_hash == kContent.content_hash);
  CHECK(sig.covers_seq == 42);
  CHECK(sig.by == "dr-3");
  CHECK(sig.meaning == "reviewed and approved");
  REQUIRE(s.state().signature);

  const auto again = f.keep(s.handle(signing(), &kContent));
  CHECK(again.reply->error.find("is already signed (reviewed and approved by dr-3 at ") != std::string::npos);
  CHECK(again.reply->error.find("a session is signed once; a correction is an addendum") != std::string::npos);

  // Editing a signed session: every clinical entry is refused, naming the signature.
  auto vitals = SessionFixture::command(CommandKind::Vitals);
  vitals.vitals = {118, 76, 70, 98};
  const auto refused = f.send(s, vitals);
  CHECK_FALSE(refused.ok);
  CHECK(refused.error.find("is signed (reviewed and approved by dr-3") != std::string::npos);
  CHECK(refused.error.find("a signed session is not edited; a correction is an addendum") != std::string::npos);
  CHECK(f.send(s, observation("c-1", 5, "absent")).error == refused.error);
  CHECK(s.state().clients[0].vitals.empty());

  auto addendum = by_nurse(CommandKind::Addendum, "c-1");
  addendum.text = "Lot of the dose was L-2, not L-1.";
  addendum.section = "dose";
  REQUIRE(f.send(s, addendum).ok);
  const auto& a = std::get<session::Addendum>(f.last().event);
  CHECK(a.section == "dose");
  CHECK(a.client == "c-1");
  CHECK(s.state().addenda.size() == 1);
  CHECK(session::first_difference(session::replay(f.recorded, f.library), s.state()) == "");
}

TEST_CASE("after-care of a past session is decided on its record, never on the room's session") {
  SessionFixture f;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  f.begin(s);
  const std::string first = s.session_id();
  f.run_for(s, 91min);
  REQUIRE(f.send(s, SessionFixture::command(CommandKind::Clear)).ok);
  REQUIRE(s.session_id().empty());

  std::vector<session::Happened> past_events;
  for (const auto& e : f.recorded)
    if (e.session == first) past_events.push_back(e);
  auto past = session::replay_past(past_events, f.library);
  REQUIRE(past.id == first);
  auto ready = by_nurse(CommandKind::ReadyToLeave, "c-1");
  ready.session = first;
  ready.at = f.clock.now().wall - 20min;
  const auto out = f.keep(s.handle_past(past, ready));
  REQUIRE(out.reply);
  REQUIRE_MESSAGE(out.reply->ok, out.reply->error);
  CHECK(f.last().session == first);
  CHECK(past.clients[0].ready_to_leave);
  CHECK(s.session_id().empty());
}
