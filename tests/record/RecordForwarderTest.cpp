// Store-and-forward: the outbox's pending/acknowledge, and the forwarder that
// re-sends everything unacknowledged on connect, in order, sends new events as
// they commit, and never re-sends anything at or below an ack — across reopen.
// The consumer here parses every message as an off-box consumer would and acks
// the highest contiguous seq it holds.
#include "RecordTestFixture.hpp"

#include "record/Record.hpp"
#include "record/RecordForwarder.hpp"
#include "support/TempDir.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using namespace stillroom::record;
using stillroom::session::ManualClock;
using stillroom::test::sample_event;
using stillroom::test::TempDir;

namespace {

/** Receives published JSON, keeps events by seq, reports the highest contiguous seq. */
struct Consumer {
  std::vector<std::int64_t> received;  // in arrival order (duplicates kept)
  std::map<std::int64_t, RecordEvent> held;
  bool link_up = true;
  /** The broker accepts but the consumer never sees the message (it was away). */
  bool consumer_away = false;

  bool publish(const std::string& json) {
    if (!link_up) return false;
    if (consumer_away) return true;
    const RecordEvent e = event_from_json(nlohmann::json::parse(json));
    CHECK(e.hash == compute_hash(e));  // what arrives is the stored event, verifiable off the box
    received.push_back(e.seq);
    held[e.seq] = e;
    return true;
  }
  std::int64_t contiguous() const {
    std::int64_t seq = 0;
    while (held.count(seq + 1)) ++seq;
    return seq;
  }
};

std::vector<std::int64_t> range(std::int64_t first, std::int64_t last) {
  std::vector<std::int64_t> out;
  for (auto s = first; s <= last; ++s) out.push_back(s);
  return out;
}

}  // namespace

TEST_CASE("record: outbox pending and acknowledge, durable across reopen") {
  TempDir dir;
  ManualClock clock;
  {
    Record record(dir / "record.db", clock);
    for (int i = 1; i <= 6; ++i) record.append(sample_event(i));
    CHECK(record.acknowledged() == 0);
    auto pending = record.pending(100);
    REQUIRE(pending.size() == 6);
    CHECK(pending.front().seq == 1);
    CHECK(record.acknowledge(3));
    pending = record.pending(2);
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].seq == 4);
    CHECK(pending[1].seq == 5);
    CHECK_FALSE(record.acknowledge(2));  // stale (a QoS 1 duplicate): ignored
    CHECK_FALSE(record.acknowledge(3));
    try {
      record.acknowledge(7);
      FAIL("an ack beyond the newest event was accepted");
    } catch (const RecordError& error) {
      CHECK(error.kind() == RecordError::Kind::Refused);
      CHECK(std::string(error.what()).find("newest event is seq 6") != std::string::npos);
    }
    CHECK_THROWS_AS(record.acknowledge(-1), RecordError);
    CHECK(record.acknowledged() == 3);
  }
  Record reopened(dir / "record.db", clock);
  CHECK(reopened.acknowledged() == 3);
  const auto pending = reopened.pending(100);
  REQUIRE(pending.size() == 3);
  CHECK(pending[0].seq == 4);
  CHECK(pending[2].seq == 6);
  CHECK(reopened.acknowledge(6));
  CHECK(reopened.pending(100).empty());
}

TEST_CASE("record: the forwarder re-sends everything unacknowledged in order, across reopen, nothing older") {
  TempDir dir;
  ManualClock clock;
  Consumer consumer;
  {
    Record record(dir / "record.db", clock);
    RecordForwarder forwarder(record, [&](const std::string& json) { return consumer.publish(json); });
    for (int i = 1; i <= 5; ++i) record.append(sample_event(i));  // offline: nothing sent
    CHECK(consumer.received.empty());
    forwarder.connected();
    CHECK(consumer.received == range(1, 5));
    record.append(sample_event(6));  // live: sent as it commits
    CHECK(consumer.received == range(1, 6));
    CHECK(forwarder.acknowledge(4) == RecordForwarder::Ack::Advanced);
    forwarder.disconnected();
    for (int i = 7; i <= 9; ++i) record.append(sample_event(i));
    CHECK(consumer.received == range(1, 6));
  }
  // Restart of the controller: a new record object and forwarder on the same file.
  consumer.received.clear();
  Record record(dir / "record.db", clock);
  RecordForwarder forwarder(record, [&](const std::string& json) { return consumer.publish(json); });
  forwarder.connected();
  CHECK(consumer.received == range(5, 9));  // everything after the durable ack, in order
  CHECK(forwarder.acknowledge_message(R"({"seq": 9})") == RecordForwarder::Ack::Advanced);
  CHECK(record.acknowledged() == 9);
  consumer.received.clear();
  forwarder.disconnected();
  forwarder.connected();
  CHECK(consumer.received.empty());  // after an ack nothing older is sent again
  record.append(sample_event(10));
  CHECK(consumer.received == std::vector<std::int64_t>{10});
  CHECK(consumer.contiguous() == 10);
}

TEST_CASE("record: the forwarder keeps at most max_in_flight unacknowledged events outstanding") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock);
  Consumer consumer;
  RecordForwarder forwarder(record, [&](const std::string& json) { return consumer.publish(json); }, 4);
  for (int i = 1; i <= 10; ++i) record.append(sample_event(i));
  forwarder.connected();
  CHECK(consumer.received == range(1, 4));
  record.append(sample_event(11));  // window full: waits
  CHECK(consumer.received == range(1, 4));
  forwarder.acknowledge(2);
  CHECK(consumer.received == range(1, 6));
  forwarder.acknowledge(6);
  CHECK(consumer.received == range(1, 10));
  forwarder.acknowledge(10);
  CHECK(consumer.received == range(1, 11));
  CHECK(forwarder.sent_up_to() == 11);
}

TEST_CASE("record: a failed publish takes the link down and the next connect resends from the ack") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock);
  Consumer consumer;
  RecordForwarder forwarder(record, [&](const std::string& json) { return consumer.publish(json); });
  forwarder.connected();
  for (int i = 1; i <= 3; ++i) record.append(sample_event(i));
  forwarder.acknowledge(2);
  consumer.link_up = false;
  record.append(sample_event(4));
  CHECK_FALSE(forwarder.is_connected());
  record.append(sample_event(5));
  consumer.link_up = true;
  consumer.received.clear();
  forwarder.connected();
  CHECK(consumer.received == range(3, 5));
}

TEST_CASE("record: an ack delivered while publishing (synchronous consumer) neither recurses nor resends") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock);
  Consumer consumer;
  RecordForwarder* self = nullptr;
  RecordForwarder forwarder(record, [&](const std::string& json) {
    const bool ok = consumer.publish(json);
    self->acknowledge(consumer.contiguous());
    return ok;
  });
  self = &forwarder;
  for (int i = 1; i <= 5; ++i) record.append(sample_event(i));
  forwarder.connected();
  record.append(sample_event(6));
  CHECK(consumer.received == range(1, 6));
  CHECK(record.acknowledged() == 6);
}

TEST_CASE("record: a consumer that repeats its ack while events are outstanding gets them again") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock);
  Consumer consumer;
  RecordForwarder forwarder(record, [&](const std::string& json) { return consumer.publish(json); });
  forwarder.connected();
  for (int i = 1; i <= 3; ++i) record.append(sample_event(i));
  forwarder.acknowledge(3);
  consumer.consumer_away = true;  // the consumer restarts; the box stays connected
  for (int i = 4; i <= 6; ++i) record.append(sample_event(i));
  CHECK(forwarder.sent_up_to() == 6);
  CHECK(consumer.contiguous() == 3);
  consumer.consumer_away = false;
  consumer.received.clear();
  // Back, it announces what it holds.
  CHECK(forwarder.acknowledge(consumer.contiguous()) == RecordForwarder::Ack::Stale);
  CHECK(consumer.received == range(4, 6));
  CHECK(forwarder.acknowledge(6) == RecordForwarder::Ack::Advanced);
  // A repeated ack with nothing outstanding sends nothing.
  consumer.received.clear();
  CHECK(forwarder.acknowledge(6) == RecordForwarder::Ack::Stale);
  CHECK(consumer.received.empty());
}

TEST_CASE("record: ack messages are parsed strictly") {
  TempDir dir;
  ManualClock clock;
  Record record(dir / "record.db", clock);
  Consumer consumer;
  RecordForwarder forwarder(record, [&](const std::string& json) { return consumer.publish(json); });
  for (int i = 1; i <= 3; ++i) record.append(sample_event(i));
  CHECK(forwarder.acknowledge_message("2") == RecordForwarder::Ack::Advanced);
  CHECK(forwarder.acknowledge_message(R"({"seq":1})") == RecordForwarder::Ack::Stale);
  CHECK(forwarder.acknowledge_message(R"({"seq":"3"})") == RecordForwarder::Ack::Malformed);
  CHECK(forwarder.acknowledge_message("three") == RecordForwarder::Ack::Malformed);
  CHECK(forwarder.last_problem().find("neither") != std::string::npos);
  CHECK(forwarder.acknowledge_message(R"({"seq":4})") == RecordForwarder::Ack::Refused);
  CHECK(record.acknowledged() == 2);
}
