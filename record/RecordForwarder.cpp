#include "record/RecordForwarder.hpp"

namespace stillroom::record {

RecordForwarder::RecordForwarder(Record& record, Publish publish, std::size_t max_in_flight)
    : record_(record), publish_(std::move(publish)), max_in_flight_(max_in_flight == 0 ? 1 : max_in_flight) {
  record_.set_commit_listener([this](const RecordEvent& event) { committed(event); });
}

RecordForwarder::~RecordForwarder() { record_.set_commit_listener({}); }

void RecordForwarder::connected() {
  connected_ = true;
  try {
    acked_ = record_.acknowledged();
  } catch (const RecordError& error) {
    last_problem_ = error.what();
  }
  // Everything after the acknowledged seq goes again: the broker may have lost what it had.
  sent_up_to_ = acked_;
  pump();
}

void RecordForwarder::disconnected() noexcept { connected_ = false; }

void RecordForwarder::committed(const RecordEvent& event) {
  if (!connected_ || pumping_) return;
  if (event.seq == sent_up_to_ + 1 && static_cast<std::size_t>(event.seq - acked_) <= max_in_flight_) {
    // Guarded like pump(): a consumer may ack synchronously from inside publish.
    pumping_ = true;
    const std::int64_t acked_before = acked_;
    const bool sent = send(event);
    pumping_ = false;
    if (!sent) {
      connected_ = false;
      return;
    }
    if (sent_up_to_ < event.seq) sent_up_to_ = event.seq;
    if (acked_ != acked_before) pump();  // the window moved while publishing
    return;
  }
  pump();  // behind (an event was missed or the window was full): catch up from the record
}

RecordForwarder::Ack RecordForwarder::acknowledge(std::int64_t seq) {
  Ack result = Ack::Stale;
  try {
    result = record_.acknowledge(seq) ? Ack::Advanced : Ack::Stale;
    if (result == Ack::Advanced) acked_ = seq;
  } catch (const RecordError& error) {
    last_problem_ = error.what();
    return error.kind() == RecordError::Kind::Refused ? Ack::Refused : Ack::Stale;
  }
  if (sent_up_to_ < acked_) sent_up_to_ = acked_;
  if (result == Ack::Stale && seq == acked_ && sent_up_to_ > acked_) {
    // The consumer repeats what it holds while more is outstanding: it lost what followed
    // (it reconnected, or the broker dropped messages). Go back and send again from there.
    sent_up_to_ = acked_;
  }
  pump();
  return result;
}

RecordForwarder::Ack RecordForwarder::acknowledge_message(std::string_view payload) {
  std::int64_t seq = -1;
  const auto json = nlohmann::json::parse(payload, nullptr, false);
  if (json.is_number_integer()) {
    seq = json.get<std::int64_t>();
  } else if (json.is_object() && json.contains("seq") && json["seq"].is_number_integer()) {
    seq = json["seq"].get<std::int64_t>();
  } else {
    last_problem_ = "ack message is neither {\"seq\": N} nor a number: " + std::string(payload.substr(0, 80));
    return Ack::Malformed;
  }
  return acknowledge(seq);
}

bool RecordForwarder::send(const RecordEvent& event) noexcept {
  try {
    return publish_(to_json(event).dump());
  } catch (const std::exception& error) {
    last_problem_ = std::string("publish failed: ") + error.what();
  } catch (...) {
    last_problem_ = "publish failed";
  }
  return false;
}

void RecordForwarder::pump() {
  if (pumping_) return;
  pumping_ = true;
  try {
    while (connected_) {
      const auto in_flight = static_cast<std::size_t>(sent_up_to_ - acked_);
      if (in_flight >= max_in_flight_) break;
      const auto batch = record_.events_after(sent_up_to_, max_in_flight_ - in_flight);
      if (batch.empty()) break;
      for (const auto& event : batch) {
        if (event.seq <= sent_up_to_) continue;  // an ack during this batch moved us past it
        if (!send(event)) {
          connected_ = false;
          break;
        }
        sent_up_to_ = event.seq;
      }
    }
  } catch (const RecordError& error) {
    last_problem_ = error.what();
  }
  pumping_ = false;
}

}  // namespace stillroom::record
