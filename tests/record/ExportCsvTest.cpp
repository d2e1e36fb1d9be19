// CSV export: RFC 4180 quoting, header, CRLF, and a full parse-back — every
// field of every event comes back exactly, so each row's hash recomputes.
#include "RecordTestFixture.hpp"

#include "record/ExportCsv.hpp"
#include "record/Record.hpp"
#include "support/TempDir.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using namespace stillroom::record;
namespace session = stillroom::session;
using stillroom::session::ManualClock;
using stillroom::test::draft;
using stillroom::test::kSystem;
using stillroom::test::sample_event;
using stillroom::test::TempDir;

namespace {

/** A strict RFC 4180 reader: CRLF record ends, quoted fields with doubled quotes. Throws on malformed input. */
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  std::size_t i = 0;
  bool field_started = false;
  while (i < text.size()) {
    const char c = text[i];
    if (!field_started && c == '"') {
      ++i;
      while (true) {
        if (i >= text.size()) throw std::runtime_error("unterminated quoted field");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(text[i++]);
      }
      field_started = true;
      if (i < text.size() && text[i] != ',' && text[i] != '\r') throw std::runtime_error("text after closing quote");
      continue;
    }
    if (c == ',') {
      row.push_back(field);
      field.clear();
      field_started = false;
      ++i;
    } else if (c == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') throw std::runtime_error("CR without LF");
      row.push_back(field);
      rows.push_back(row);
      row.clear();
      field.clear();
      field_started = false;
      i += 2;
    } else if (c == '\n' || c == '"') {
      throw std::runtime_error("bare LF or quote in an unquoted field");
    } else {
      field.push_back(c);
      field_started = true;
      ++i;
    }
  }
  if (!row.empty() || !field.empty()) throw std::runtime_error("last record without CRLF");
  return rows;
}

}  // namespace

TEST_CASE("record: CSV fields are quoted exactly when RFC 4180 needs it") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("") == "");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("cr\rhere") == "\"cr\rhere\"");
  CHECK(csv_field(" padded ") == "\" padded \"");
  CHECK(csv_field("{\"db\":-6.0}") == "\"{\"\"db\"\":-6.0}\"");
  CHECK(csv_field("Ünïcode") == "Ünïcode");
}

TEST_CASE("record: the CSV export parses back to every stored field of every event") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock);
  std::vector<RecordEvent> events;
  events.push_back(record.append(
      draft(session::TrackChanged{"Ocean, \"Deep\"\r\nPart 2", " Ünïcode Ω ", "/music/o.flac", "peak", 3, 1'260'000ms})));
  clock.advance(1500ms);
  clock.set_synced(false);
  events.push_back(record.append(draft(session::FaultRaised{"x", "lamp", "comma, and \"quotes\""}, "", kSystem)));
  for (int i = 0; i < 6; ++i) events.push_back(record.append(sample_event(i)));

  const std::string csv = export_csv(events);
  const auto rows = parse_csv(csv);
  REQUIRE(rows.size() == events.size() + 1);
  CHECK(rows[0] == csv_columns());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& r = rows[i + 1];
    const auto& e = events[i];
    INFO("seq " << e.seq);
    REQUIRE(r.size() == 13);
    RecordEvent back;
    back.seq = std::stoll(r[0]);
    back.event_id = r[1];
    back.session = r[2];
    back.utc = r[3];
    back.monotonic_ns = std::stoll(r[4]);
    back.boot_id = r[5];
    back.clock_synced = r[6] == "1";
    back.type = r[7];
    back.actor_device = r[8];
    back.actor_role = r[9];
    back.payload = r[10];
    back.prev_hash = r[11];
    back.hash = r[12];
    CHECK(back.seq == e.seq);
    CHECK(back.event_id == e.event_id);
    CHECK(back.session == e.session);
    CHECK(back.utc == e.utc);
    CHECK(back.monotonic_ns == e.monotonic_ns);
    CHECK(back.boot_id == e.boot_id);
    CHECK(back.clock_synced == e.clock_synced);
    CHECK(r[6] == (e.clock_synced ? "1" : "0"));
    CHECK(back.type == e.type);
    CHECK(back.actor_device == e.actor_device);
    CHECK(back.actor_role == e.actor_role);
    CHECK(back.payload == e.payload);
    CHECK(back.prev_hash == e.prev_hash);
    CHECK(back.hash == e.hash);
    CHECK(compute_hash(back) == e.hash);  // an auditor can recompute each row from the CSV alone
  }
  CHECK(rows[1][10].find("\\r\\n") != std::string::npos);  // the payload keeps its JSON escapes
  CHECK(csv.find("\r\n") == csv.find_first_of('\n') - 1);  // records end with CRLF
}

TEST_CASE("record: the CSV export of no events is just the header") {
  CHECK(export_csv({}) ==
        "seq,event_id,session,utc,monotonic_ns,boot_id,clock_synced,type,actor_device,actor_role,payload,prev_hash,"
        "hash\r\n");
}
