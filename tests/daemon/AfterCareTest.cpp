// After-care over MQTT against the real daemon, broker and SQLite record: the
// tablet records an observation, ready to leave and the discharge, signs the
// summary the record gives (refused while unfinished and a second time), a
// signed session refuses an edit and takes an addendum, the chain verifies, and
// `stillroom record report` writes the summary files.
#include "daemon/DaemonRoom.hpp"

#include "record/RecordReader.hpp"

#include <fstream>

using namespace stillroom;
using namespace stillroom::test;

TEST_CASE("after-care on the tablet: observe, ready to leave, discharge, sign once, then only an addendum") {
  DaemonRoom room(false);
  // Monitoring 30 s after the dose, so the session can be finished and signed within the test.
  std::ofstream(room.room_file().parent_path() / "protocols/quick.yaml")
      << "protocol: { id: quick, name: Compressed IM, route: im, medication: ketamine, dose_mg: [20, 150] }\n"
         "phases:\n"
         "  - { name: onset, from: 0, to: 10s, volume_db: -6, lights: dim, light_fade: 2s, crossfade: 2s }\n"
         "  - { name: peak, from: 10s, to: 20s, volume_db: -6, lights: dim, crossfade: 2s }\n"
         "monitoring_end: 25s\n"
         "end_fade: 2s\n";
  room.start();
  const auto preload = room.command("p", {{"cmd", "preload"}, {"client", "c-7"},
                                          {"doses", {{{"client", "c-7"}, {"amount_mg", 50}, {"lot", "L-9"}}}}});
  REQUIRE_MESSAGE(preload["ok"] == true, preload.dump());
  const std::string session = preload["state"]["session"];
  REQUIRE(room.command("s", {{"cmd", "start"}})["ok"] == true);

  const auto observed = room.command("o", {{"cmd", "observe"}, {"client", "c-7"}, {"by", "nurse-7"}, {"moaa_s", 4},
                                           {"dissociation", "present"}, {"respiratory", "none"}});
  CHECK_MESSAGE(observed["ok"] == true, observed.dump());
  const auto no_by = room.command("o2", {{"cmd", "observe"}, {"moaa_s", 4}});
  CHECK(no_by["ok"] == false);
  CHECK(no_by["error"].get<std::string>().find("'by'") != std::string::npos);
  const auto early = room.command("g0", {{"cmd", "sign"}, {"by", "dr-3"}, {"meaning", "reviewed and approved"}});
  CHECK(early["ok"] == false);
  CHECK(early["error"].get<std::string>().find("has not finished (state running)") != std::string::npos);
  CHECK(room.command("r", {{"cmd", "ready_to_leave"}, {"by", "nurse-7"}})["ok"] == true);
  const auto too_soon = room.command("d0", {{"cmd", "discharge"}, {"by", "nurse-7"}});
  CHECK(too_soon["ok"] == false);
  CHECK(too_soon["error"].get<std::string>().find("c-7 is monitored until") == 0);

  REQUIRE(room.event("monitoring_ended", 60s).has_value());
  CHECK(room.command("d", {{"cmd", "discharge"}, {"by", "nurse-7"}})["ok"] == true);
  const auto signed_reply = room.command("g", {{"cmd", "sign"}, {"by", "dr-3"}, {"meaning", "reviewed and approved"}});
  REQUIRE_MESSAGE(signed_reply["ok"] == true, signed_reply.dump());
  const auto twice = room.command("g2", {{"cmd", "sign"}, {"by", "dr-3"}, {"meaning", "reviewed and approved"}});
  CHECK(twice["ok"] == false);
  CHECK(twice["error"].get<std::string>().find("is already signed (reviewed and approved by dr-3") != std::string::npos);
  const auto edit = room.command("v", {{"cmd", "vitals"}, {"bp_sys", 120}, {"bp_dia", 80}});
  CHECK(edit["ok"] == false);
  CHECK(edit["error"].get<std::string>().find("a signed session is not edited; a correction is an addendum") !=
        std::string::npos);
  const auto addendum = room.command("a", {{"cmd", "addendum"}, {"by", "dr-3"}, {"section", "dose"},
                                           {"text", "Lot confirmed against the vial: L-9."}});
  CHECK_MESSAGE(addendum["ok"] == true, addendum.dump());

  const auto summary = room.command("sum", {{"cmd", "summary"}});
  REQUIRE_MESSAGE(summary["ok"] == true, summary.dump());
  const auto& body = summary["summary"];
  CHECK(body["session"] == session);
  CHECK(body["signature"]["matches"] == true);
  CHECK(body["signature"]["content_hash"] == body["content_hash"]);
  CHECK(body["clients"][0]["doses"][0]["lot"] == "L-9");
  CHECK(body["clients"][0]["observations"][0]["moaa_s"] == 4);
  CHECK(body["addenda"][0]["text"] == "Lot confirmed against the vial: L-9.");
  CHECK(body["record"]["verified"] == true);

  CHECK(room.terminate() == 0);
  record::RecordReader reader(room.record());
  CHECK(reader.verify().ok());
  const auto rows = reader.session_events(session);
  std::size_t signatures = 0;
  for (const auto& row : rows)
    if (row.type == "signed") {
      ++signatures;
      CHECK(row.actor_device == "tablet-1");
      CHECK(row.payload_json()["by"] == "dr-3");
    }
  CHECK(signatures == 1);
  const auto out = room.record().parent_path();
  const auto [status, text] = run_cli({"record", "--db", room.record().string(), "report", session, "--out", out.string()});
  CHECK_MESSAGE(status == 0, text);
  CHECK(std::filesystem::file_size(out / (session + ".pdf")) > 5000);
  CHECK(std::filesystem::exists(out / (session + ".svg")));
  CHECK(std::filesystem::exists(out / (session + "-monitoring.csv")));
}
