// Fuzz target "record": a valid clinical record (one session of 17 events),
// written once, then damaged by the input and opened as a clinic or the daemon
// would. The input is a list of 4-byte edits: a 24-bit big-endian offset into
// the file (modulo its size) and a byte XORed in there (0: cut the file at that
// offset). The damaged file is
//   1. read as `stillroom record list/show/verify/export` do: RecordReader,
//      sessions, the timeline, verify with integrity_check, the CSV, JSON and
//      FHIR exports. Only RecordError may come out; a verdict "intact" must
//      mean every original event is there, unchanged;
//   2. opened for writing as the daemon does at start: the record must be
//      available (a damaged file is moved aside and a new one started) or say
//      why, accept an event and then verify.
// Nothing may crash, hang or throw anything else.
#include "FuzzSupport.hpp"

#include "record/ExportCsv.hpp"
#include "record/ExportJson.hpp"
#include "record/FhirBundle.hpp"
#include "record/Record.hpp"
#include "record/RecordReader.hpp"
#include "record/RecordTimeline.hpp"
#include "session/Clock.hpp"

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace stillroom;
using namespace std::chrono_literals;
using nlohmann::json;
using record::EventDraft;
using record::RecordEvent;

namespace {

const record::RecordActor tablet{"tablet-1", "tablet"};
const record::RecordActor panel{"panel-1", "panel"};
const record::RecordActor system_actor{"room-1", "system"};

EventDraft event(std::string type, json payload, const record::RecordActor& actor, std::string session = "s-1") {
  return EventDraft{std::move(session), std::move(type), actor, std::move(payload)};
}

/** A short, complete IM session as the daemon records it. */
std::vector<EventDraft> one_session() {
  const json clients = json::array({"c-1042"});
  return {
      event("session_preloaded", {{"clients", clients}, {"protocol", "im"}, {"route", "im"},
                                  {"playlist", "gentle-tide"}, {"session_number", 1}, {"dose_mg", 50},
                                  {"shuffle_seed", 42}}, tablet),
      event("vitals", {{"client", "c-1042"}, {"bp_sys", 124}, {"bp_dia", 80}, {"hr", 72}, {"spo2", 98}}, tablet),
      event("session_started", {{"dose_at", "2026-11-22T09:30:00.000Z"}, {"clients", clients}, {"protocol", "im"},
                                {"route", "im"}, {"playlist", "gentle-tide"}}, tablet),
      event("dose", {{"client", "c-1042"}, {"at", "2026-11-22T09:30:00.000Z"}, {"dose_mg", 50}, {"route", "im"},
                     {"medication", "ketamine"}, {"booster", false}}, tablet),
      event("track_changed", {{"title", "Harbour"}, {"artist", "stillroom demo"}, {"file", "settle-harbour.flac"},
                              {"phase", "settle"}}, system_actor),
      event("phase_changed", {{"phase", "onset"}, {"index", 1}, {"at_dose_ms", 120000}}, system_actor),
      event("volume", {{"db", -6.5}}, panel),
      event("talk", {{"on", true}}, panel),
      event("talk", {{"on", false}}, panel),
      event("paused", {{"at_dose_ms", 600000}}, panel),
      event("resumed", {{"at_dose_ms", 660000}}, panel),
      event("reminder_due", {{"reminder", "bp-40"}, {"text", "Blood pressure"}, {"due_dose_ms", 2400000}},
            system_actor),
      event("reminder_acked", {{"reminder", "bp-40"}, {"after_ms", 35000}}, tablet),
      event("command_refused", {{"cmd", "volume"}, {"id", "7"}, {"error", "'db' is above the room's maximum"}},
            panel, ""),
      event("session_ended", {{"reason", "protocol_end"}, {"at_dose_ms", 5400000}}, system_actor),
      event("monitoring_ended", {{"at_dose_ms", 7200000}}, tablet),
      event("checkpoint", {{"seq", 16}, {"hash", std::string(64, 'a')}}, system_actor, ""),
  };
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) fuzz::fail("cannot write the scratch record " + path.string());
}

struct Original {
  std::string bytes;
  std::vector<RecordEvent> events;
};

const Original& original() {
  static const Original made = [] {
    const auto dir = fuzz::scratch_dir() / "original";
    std::filesystem::create_directories(dir);
    Original o;
    {
      session::ManualClock clock;
      record::Record record(dir / "record.db", clock, record::RecordOptions{"room-1"});
      for (const auto& draft : one_session()) {
        clock.advance(30s);
        o.events.push_back(record.append(draft));
      }
    }
    // Closing the trusted connection checkpointed the WAL: the main file holds everything.
    std::error_code ec;
    if (std::filesystem::file_size(dir / "record.db-wal", ec) > 0 && !ec)
      fuzz::fail("the original record left a non-empty WAL");
    o.bytes = read_bytes(dir / "record.db");
    return o;
  }();
  return made;
}

std::string damaged(const std::string& bytes, std::string_view edits) {
  std::string out = bytes;
  for (std::size_t i = 0; i + 4 <= edits.size() && !out.empty(); i += 4) {
    const auto byte = [&](std::size_t k) { return static_cast<std::size_t>(static_cast<unsigned char>(edits[i + k])); };
    const std::size_t offset = ((byte(0) << 16) | (byte(1) << 8) | byte(2)) % out.size();
    const auto value = static_cast<unsigned char>(edits[i + 3]);
    if (value == 0) out.resize(offset);
    else out[offset] = static_cast<char>(static_cast<unsigned char>(out[offset]) ^ value);
  }
  return out;
}

bool same_event(const RecordEvent& a, const RecordEvent& b) {
  return a.seq == b.seq && a.event_id == b.event_id && a.session == b.session && a.utc == b.utc &&
         a.monotonic_ns == b.monotonic_ns && a.boot_id == b.boot_id && a.clock_synced == b.clock_synced &&
         a.type == b.type && a.actor_device == b.actor_device && a.actor_role == b.actor_role &&
         a.payload == b.payload && a.prev_hash == b.prev_hash && a.hash == b.hash;
}

/** What `stillroom record list`, `show`, `verify` and `export` do with the file. */
void read_as_a_clinic(const std::filesystem::path& path) {
  try {
    record::RecordReader reader(path, 0);
    record::VerifyOptions options;
    options.integrity_check = true;
    const record::VerifyResult verdict = reader.verify(options);
    if (verdict.message().empty()) fuzz::fail("a verdict without a message");
    const auto checkpoint = reader.checkpoint();
    (void)reader.acknowledged();
    const auto sessions = reader.sessions();
    for (std::size_t i = 0; i < sessions.size() && i < 4; ++i) {
      const auto events = reader.session_events(sessions[i].session);
      (void)record::format_timeline(record::make_timeline(events));
      (void)record::export_csv(events);
      (void)record::export_text(record::export_json({sessions[i].session, events, checkpoint, verdict}));
      (void)record::export_text(record::make_fhir_bundle(sessions[i].session, events));
    }
    if (verdict.ok()) {
      const auto& before = original().events;
      const auto events = reader.events_after(0, before.size() + 1);
      if (events.size() != before.size())
        fuzz::fail("verify says intact, but " + std::to_string(events.size()) + " of " +
                   std::to_string(before.size()) + " events are there");
      for (std::size_t i = 0; i < events.size(); ++i)
        if (!same_event(events[i], before[i]))
          fuzz::fail("verify says intact, but event " + std::to_string(before[i].seq) + " has changed");
    }
  } catch (const record::RecordError&) {
    // Reported to the clinic with its message: the expected outcome for a damaged file.
  }
}

/** What the daemon does at start: open for writing (checking, replacing a damaged file), append, verify. */
void open_as_the_daemon(const std::filesystem::path& path) {
  session::ManualClock clock;
  clock.advance(24h);
  record::RecordOptions options{"room-1"};
  options.busy_timeout_ms = 0;
  record::Record record(path, clock, options);
  const auto& report = record.open_report();
  if (!report.available) {
    if (!report.error) fuzz::fail("the record is unavailable without saying why");
    return;
  }
  if (report.replaced && !std::filesystem::exists(report.replaced->preserved_as))
    fuzz::fail("a damaged record was replaced but not preserved");
  try {
    (void)record.append(event("volume", {{"db", -3.0}}, panel));
  } catch (const record::RecordError& e) {
    if (!e.is_storage_failure()) fuzz::fail(std::string("a trusted record refused a valid event: ") + e.what());
    return;
  }
  const auto verdict = record.verify();
  if (!verdict.ok()) fuzz::fail("a record trusted at open does not verify after an append: " + verdict.message());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Original& o = original();
  const auto dir = fuzz::scratch_dir() / "case";
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir);
  const auto path = dir / "record.db";
  write_bytes(path, damaged(o.bytes, fuzz::as_text(data, size)));
  read_as_a_clinic(path);
  open_as_the_daemon(path);
  return 0;
}
