// The session summary from a real record: a scripted group session run through
// the session core, written to a real SQLite record, read back, summarised,
// signed (over the hash the summary computes), corrected by an addendum, and
// rendered to PDF and SVG with Cairo. pdftotext must find every value;
// pdftoppm's rendering must show the phase bands where the plan puts them.
#include "../session/SessionFixture.hpp"

#include "support/TempDir.hpp"
#include "record/FhirBundle.hpp"
#include "record/Record.hpp"
#include "record/RecordHappened.hpp"
#include "record/RecordReader.hpp"
#include "report/MonitoringCsv.hpp"
#include "report/SessionSummary.hpp"
#include "report/SummaryDrawing.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

using namespace stillroom;
using namespace stillroom::test;
using session::CommandKind;

namespace {

/** stdout of `command` (a shell line); fails the test when it does not exit 0. */
std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  REQUIRE_MESSAGE(::pclose(pipe) == 0, command);
  return out;
}

/** A binary PPM (P6) as pdftoppm writes it. */
struct Image {
  int width = 0, height = 0;
  std::string pixels;
  [[nodiscard]] std::array<unsigned char, 3> at(int x, int y) const {
    const auto i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 3;
    return {static_cast<unsigned char>(pixels[i]), static_cast<unsigned char>(pixels[i + 1]),
            static_cast<unsigned char>(pixels[i + 2])};
  }
};

Image read_ppm(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  int max = 0;
  Image image;
  in >> magic >> image.width >> image.height >> max;
  in.get();
  REQUIRE(magic == "P6");
  REQUIRE(max == 255);
  image.pixels.resize(static_cast<std::size_t>(image.width * image.height * 3));
  in.read(image.pixels.data(), static_cast<std::streamsize>(image.pixels.size()));
  REQUIRE(in.gcount() == static_cast<std::streamsize>(image.pixels.size()));
  return image;
}

bool close_to(std::array<unsigned char, 3> a, std::array<unsigned char, 3> b) {
  for (int i = 0; i < 3; ++i)
    if (std::abs(int(a[static_cast<std::size_t>(i)]) - int(b[static_cast<std::size_t>(i)])) > 6) return false;
  return true;
}

session::Command for_client(CommandKind kind, const std::string& client) {
  auto c = SessionFixture::command(kind);
  c.client = client;
  c.by = "nurse-7";
  return c;
}

session::Command vitals(const std::string& client, int sys, int dia, int hr, int spo2) {
  auto c = for_client(CommandKind::Vitals, client);
  c.vitals = {sys, dia, hr, spo2};
  return c;
}

/** Appends what the session recorded since `from` to the real record. */
void write(record::Record& r, const std::vector<session::Happened>& events, std::size_t& from) {
  for (; from < events.size(); ++from) (void)r.append(record::to_draft(events[from]));
}

}  // namespace

TEST_CASE("the summary of a group session with a booster, signed and corrected, as PDF, SVG, JSON and CSV") {
  SessionFixture f;
  TempDir dir("stillroom-report");
  record::Record rec(dir / "record.db", f.clock, record::RecordOptions{"stillroom-room-1"});
  std::size_t written = 0;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");

  auto preload = SessionFixture::command(CommandKind::Preload);
  preload.client = "c-1";
  preload.clients = {"c-1", "c-3"};
  preload.doses = {{"c-1", 50, std::string("L-1")}, {"c-3", 70, std::string("B-2")}};
  REQUIRE(f.send(s, preload).ok);
  REQUIRE(f.send(s, vitals("c-1", 131, 84, 72, 99)).ok);  // baseline
  REQUIRE(f.send(s, vitals("c-3", 122, 79, 66, 98)).ok);
  f.clock.advance(1min);
  auto start = SessionFixture::command(CommandKind::Start);
  start.clients = {"c-1"};
  REQUIRE(f.send(s, start).ok);
  const std::string id = s.session_id();
  f.run_for(s, 2min);
  REQUIRE(f.send(s, for_client(CommandKind::Dose, "c-3")).ok);
  f.run_for(s, 16min);  // 18 min: inside the booster window
  auto booster = for_client(CommandKind::Booster, "c-1");
  booster.amount_mg = 25;
  REQUIRE(f.send(s, booster).ok);
  auto seen = for_client(CommandKind::Observe, "c-1");
  seen.observation.moaa_s = 3;
  seen.observation.dissociation = "present";
  seen.observation.respiratory = "none";
  REQUIRE(f.send(s, seen).ok);
  f.run_for(s, 23min);  // 41 min: c-1's blood pressure at 40 minutes
  auto ack = for_client(CommandKind::Ack, "c-1");
  ack.reminder = "bp-40";
  REQUIRE(f.send(s, ack).ok);
  REQUIRE(f.send(s, vitals("c-1", 142, 91, 88, 96)).ok);
  f.run_for(s, 3min);
  ack.client = "c-3";
  REQUIRE(f.send(s, ack).ok);
  REQUIRE(f.send(s, vitals("c-3", 135, 88, 80, 97)).ok);
  f.run_for(s, 48min);  // 92 min
  REQUIRE(f.send(s, for_client(CommandKind::ReadyToLeave, "c-3")).ok);
  f.run_for(s, 6min);  // 98 min
  REQUIRE(f.send(s, vitals("c-1", 126, 80, 70, 98)).ok);
  REQUIRE(f.send(s, vitals("c-3", 120, 78, 64, 99)).ok);
  REQUIRE(f.send(s, for_client(CommandKind::ReadyToLeave, "c-1")).ok);
  f.run_for(s, 3min);  // c-1 monitored to 100 min (the booster's 10 added)
  REQUIRE(f.send(s, for_client(CommandKind::Discharge, "c-3")).ok);
  REQUIRE(f.send(s, for_client(CommandKind::Discharge, "c-1")).ok);
  write(rec, f.recorded, written);

  // The signature covers the summary as the record holds it now.
  const auto before = report::summarise(id, report::session_span(rec, id));
  const session::SignedContent content{report::content_hash(before), before.last_seq, before.last_hash};
  auto sign = SessionFixture::command(CommandKind::Sign);
  sign.by = "dr-3";
  sign.meaning = "reviewed and approved";
  const auto signed_out = f.keep(s.handle(sign, &content));
  REQUIRE_MESSAGE(signed_out.reply->ok, signed_out.reply->error);
  CHECK(f.keep(s.handle(sign, &content)).reply->error.find("is already signed") != std::string::npos);
  auto late = vitals("c-1", 119, 75, 68, 98);
  CHECK(f.send(s, late).error.find("a signed session is not edited; a correction is an addendum") != std::string::npos);
  auto addendum = for_client(CommandKind::Addendum, "c-3");
  addendum.text = "Booster lot checked: B-2.";
  addendum.section = "dose";
  REQUIRE(f.send(s, addendum).ok);
  write(rec, f.recorded, written);

  record::RecordReader reader(dir / "record.db");
  const auto verification = reader.verify();
  REQUIRE_MESSAGE(verification.ok(), verification.message());
  const auto began = std::chrono::steady_clock::now();
  auto summary = report::summarise(id, report::session_span(reader, id));
  summary.verified = true;
  summary.verification = verification.message();
  const auto pdf = dir / "summary.pdf";
  const auto svg = dir / "summary.svg";
  report::write_pdf(summary, pdf);
  report::write_svg(summary, svg);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began);
  MESSAGE("summary + PDF + SVG in " << took.count() << " ms; PDF " << std::filesystem::file_size(pdf) << " B, SVG "
                                    << std::filesystem::file_size(svg) << " B");

  SUBCASE("the summary's content") {
    REQUIRE(summary.clients.size() == 2);
    const auto& c1 = *summary.find_client("c-1");
    const auto& c3 = *summary.find_client("c-3");
    REQUIRE(c1.doses.size() == 2);
    CHECK(c1.doses[0].lot == "L-1");
    CHECK(c1.doses[1].booster);
    CHECK(c1.doses[1].amount == 25);
    REQUIRE(c1.vitals.size() == 3);
    CHECK(c1.vitals[0].point == "baseline");
    CHECK(c1.vitals[1].point == "bp-40");
    CHECK(c1.vitals[2].point == "before discharge");
    CHECK(c3.vitals[1].point == "bp-40");
    CHECK(c1.monitored_minutes == 101);
    CHECK(c3.monitored_minutes == 99);
    REQUIRE(summary.signature);
    CHECK(summary.signature->matches);
    CHECK(summary.signature->content_hash == content.content_hash);
    REQUIRE(summary.addenda.size() == 1);
    CHECK(summary.addenda[0].client == "c-3");
    // What the signature covers is the clinical content: an addendum after it is shown beside it, never in it.
    CHECK(report::content_hash(summary) == content.content_hash);
    const auto json = report::summary_json(summary);
    CHECK(json["clients"][1]["doses"][0]["lot"] == "B-2");
    CHECK(json["record"]["last_hash"] == summary.last_hash);
  }

  SUBCASE("pdftotext finds every value") {
    const auto text = run("pdftotext -layout '" + pdf.string() + "' -");
    for (const char* value :
         {"c-1", "c-3", "im", "ketamine", "50 mg", "70 mg", "25 mg", "L-1", "B-2", "entered by tablet-1", "131/84", "142/91",
          "126/80", "122/79", "135/88", "120/78", "HR 72", "HR 88", "SpO2 96%", "baseline", "bp-40", "before discharge",
          "MOAA/S 3", "dissociation present", "respiratory events none", "booster c-1", "Ready to leave", "discharged",
          "monitored 101 min", "monitored 99 min", "reviewed and approved", "dr-3", "matches the record",
          "Booster lot checked: B-2.", "Addendum (dose, c-3)", "acknowledged", "Record verified"}) {
      CHECK_MESSAGE(text.find(value) != std::string::npos, std::string(value));
    }
    CHECK(text.find(summary.last_hash) != std::string::npos);
    CHECK(text.find(summary.signature->content_hash) != std::string::npos);
  }

  SUBCASE("pdftoppm: a page that is not blank, with the phase bands where the plan puts them") {
    constexpr int dpi = 72;
    run("pdftoppm -r " + std::to_string(dpi) + " -f 1 -l 1 -singlefile '" + pdf.string() + "' '" + (dir / "page").string() + "'");
    // -singlefile writes page.ppm
    const auto image = read_ppm(dir / "page.ppm");
    CHECK(image.width == 595);
    std::size_t ink = 0;
    for (std::size_t i = 0; i < image.pixels.size(); i += 3)
      if (static_cast<unsigned char>(image.pixels[i]) < 200) ++ink;
    CHECK(ink > 5000);

    const auto layout = report::chart_layout(summary);
    const int y = static_cast<int>(report::ChartLayout::kBandTop + report::ChartLayout::kBandHeight - 4);
    const auto& plan = s.state().plan;
    REQUIRE(plan.phases.size() == 5);
    for (const auto& phase : plan.phases) {
      if (phase.end <= plan.start_at) continue;  // before the music began (the dose was given at the start)
      // A column a minute inside each end: the band's colour there, another phase's colour just beyond.
      const auto colour = report::phase_colour(phase.index);
      for (const auto at : {phase.start + 1min, (phase.start + phase.end) / 2, phase.end - 1min}) {
        const int x = static_cast<int>(layout.x_of(at.count()));
        CHECK_MESSAGE(close_to(image.at(x, y), colour), phase.name << " at " << at.count() / 60000 << " min, x " << x);
      }
    }
    // Outside the plan (after the last phase) the row is white.
    const int after = static_cast<int>(layout.x_of((plan.phases.back().end + 5min).count()));
    CHECK(close_to(image.at(after, y), {255, 255, 255}));
    CHECK(plan.phases[2].end == 35min);  // the booster extended the peak by ten minutes
  }

  SUBCASE("the SVG and the monitoring CSV") {
    const auto text = read_file(svg);
    CHECK(text.find("<svg") != std::string::npos);
    CHECK(text.size() > 10000);
    const auto csv = report::monitoring_csv({summary});
    std::istringstream lines(csv);
    std::string header, row1, row2, extra;
    std::getline(lines, header);
    std::getline(lines, row1);
    std::getline(lines, row2);
    CHECK_FALSE(std::getline(lines, extra));
    CHECK(header.rfind("session,client,protocol,medication,route,dose_utc,dose_mg,lot,entered_by", 0) == 0);
    CHECK(row1.find(",c-1,im,ketamine,im,") != std::string::npos);
    CHECK(row1.find(",131/84,72,99,") != std::string::npos);
    CHECK(row1.find(",142/91,88,96,") != std::string::npos);
    CHECK(row1.find(",126/80,70,98,") != std::string::npos);
    CHECK(row1.find(",3,yes,present,none,no,101,") != std::string::npos);
    CHECK(row2.find(",c-3,") != std::string::npos);
    CHECK(row2.find("reviewed and approved,1\r") != std::string::npos);
  }
}

#ifdef STILLROOM_FHIR_VALIDATOR
TEST_CASE("the session's FHIR transaction Bundle passes Medplum's R4 validator, with the codes an EHR needs") {
  SessionFixture f;
  TempDir dir("stillroom-fhir");
  record::Record rec(dir / "record.db", f.clock, record::RecordOptions{"stillroom-room-1"});
  std::size_t written = 0;
  session::Session s(f.library, f.clock, f.out, "stillroom-room-1");
  f.begin(s);
  const std::string id = s.session_id();
  REQUIRE(f.send(s, vitals("c-1", 128, 82, 71, 98)).ok);
  auto seen = for_client(CommandKind::Observe, "c-1");
  seen.observation.moaa_s = 4;
  seen.observation.dissociation = "present";
  seen.observation.dissociation_features = std::vector<std::string>{"derealization"};
  seen.observation.cadss = 12;
  seen.observation.respiratory = "snoring";
  REQUIRE(f.send(s, seen).ok);
  f.run_for(s, 90min);
  REQUIRE(f.send(s, for_client(CommandKind::ReadyToLeave, "c-1")).ok);
  REQUIRE(f.send(s, for_client(CommandKind::Discharge, "c-1")).ok);
  write(rec, f.recorded, written);
  const auto summary = report::summarise(id, report::session_span(rec, id));
  const session::SignedContent content{report::content_hash(summary), summary.last_seq, summary.last_hash};
  auto sign = SessionFixture::command(CommandKind::Sign);
  sign.by = "dr-3";
  sign.meaning = "reviewed and approved";
  REQUIRE(f.keep(s.handle(sign, &content)).reply->ok);
  auto addendum = for_client(CommandKind::Addendum, "c-1");
  addendum.text = "Snoring resolved by repositioning.";
  addendum.section = "observation";
  REQUIRE(f.send(s, addendum).ok);
  write(rec, f.recorded, written);

  const auto bundle = record::make_fhir_bundle(id, rec.session_events(id));
  const auto path = dir.write("bundle.json", bundle.dump(2));
  const auto verdict = run(std::string(STILLROOM_NODE) + " " + STILLROOM_FHIR_VALIDATOR + " '" + path.string() + "' 2>&1");
  CHECK(verdict.find("valid: ") == 0);

  CHECK(bundle["type"] == "transaction");
  std::map<std::string, int> count;
  bool bp = false, hr = false, spo2 = false, lot = false;
  for (const auto& entry : bundle["entry"]) {
    const auto& r = entry["resource"];
    const std::string type = r["resourceType"];
    ++count[type];
    CHECK(entry["request"]["method"] == "PUT");
    CHECK(entry["request"]["url"] == type + "/" + r["id"].get<std::string>());
    if (type == "Observation" && r["category"][0]["coding"][0]["code"] == "vital-signs") {
      const std::string code = r["code"]["coding"][0]["code"];
      bp = bp || (code == "85354-9" && r["component"][0]["code"]["coding"][0]["code"] == "8480-6" &&
                  r["component"][1]["code"]["coding"][0]["code"] == "8462-4" && r["component"][0]["valueQuantity"]["value"] == 128);
      hr = hr || (code == "8867-4" && r["valueQuantity"]["value"] == 71);
      spo2 = spo2 || (code == "59408-5" && r["valueQuantity"]["value"] == 98);
    }
    if (type == "MedicationAdministration") lot = r["contained"][0]["batch"]["lotNumber"] == "L-1";
  }
  CHECK(bp);
  CHECK(hr);
  CHECK(spo2);
  CHECK(lot);
  CHECK(count["Encounter"] == 1);
  CHECK(count["Procedure"] == 1);
  CHECK(count["MedicationAdministration"] == 1);
  CHECK(count["Observation"] == 3 + 3 + 1);  // vitals: BP, HR, SpO2; MOAA/S, dissociation, breathing; ready to leave
  CHECK(count["DocumentReference"] == 2);    // the signed summary and the addendum
  CHECK(count["Provenance"] == 1);
  CHECK(count["Practitioner"] == 2);

  SUBCASE("the validator is real: a broken resource fails it") {
    auto broken = bundle;
    broken["entry"][0]["resource"]["notAnElement"] = 1;
    const auto bad = dir.write("broken.json", broken.dump());
    FILE* pipe = ::popen((std::string(STILLROOM_NODE) + " " + STILLROOM_FHIR_VALIDATOR + " '" + bad.string() + "'").c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    char buffer[512];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    CHECK(::pclose(pipe) != 0);
    CHECK(out.find("notAnElement") != std::string::npos);
  }
}
#endif
