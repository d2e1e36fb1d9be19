// RecordForwarder: store-and-forward of the clinical record to an off-box
// consumer. An MQTT PUBACK only means the broker has a message; an event counts
// as delivered when the consumer acknowledges the highest contiguous seq it
// holds. On every connect the forwarder re-sends everything after the
// acknowledged seq, in order; new events go out as they are committed; an ack
// is stored durably and nothing at or below it is ever sent again. At most
// `max_in_flight` unacknowledged events are outstanding, so a long backlog
// drains as acks arrive instead of blocking the controller. A consumer that
// (re)connects publishes the seq it holds; an ack that repeats the stored one
// while events are outstanding makes the forwarder send again from there
// (go-back-N), so nothing is stranded when the consumer, not the box, was away.
//
// No MQTT here: the controller passes a publish callback and feeds connects,
// disconnects and acks (from <prefix>/<room>/record/ack) as commands on its own
// thread — the thread that owns the Record. Not thread-safe.
#pragma once

#include "record/Record.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace stillroom::record {

class RecordForwarder {
 public:
  /** Sends one event (JSON object text); false when it could not be sent (the link is down). */
  using Publish = std::function<bool(const std::string& json)>;

  /** Installs itself as the record's commit listener; starts disconnected. */
  RecordForwarder(Record& record, Publish publish, std::size_t max_in_flight = 256);
  ~RecordForwarder();
  RecordForwarder(const RecordForwarder&) = delete;
  RecordForwarder& operator=(const RecordForwarder&) = delete;

  /** The link is up: re-send everything unacknowledged, in order. */
  void connected();
  /** The link is down: stop sending until the next connected(). */
  void disconnected() noexcept;
  /** An event was committed (the record calls this through its commit listener). */
  void committed(const RecordEvent& event);

  /** Outcome of an acknowledgement from the consumer. */
  enum class Ack { Advanced, Stale, Refused, Malformed };
  /** The consumer holds every event up to `seq` (a repeat of the stored ack while events are outstanding: resend from there). */
  Ack acknowledge(std::int64_t seq);
  /** An ack message from MQTT: {"seq": N} or a bare N. */
  Ack acknowledge_message(std::string_view payload);

  /** Highest seq published on the current connection (or the acknowledged seq after connecting). */
  [[nodiscard]] std::int64_t sent_up_to() const noexcept { return sent_up_to_; }
  [[nodiscard]] bool is_connected() const noexcept { return connected_; }
  /** The last problem (record failure, refused ack), for the controller's log; "" when none. */
  [[nodiscard]] const std::string& last_problem() const noexcept { return last_problem_; }

 private:
  /** Publishes one event; false (never an exception) when it could not be sent. */
  bool send(const RecordEvent& event) noexcept;
  /** Sends stored events after sent_up_to_ while connected and under the in-flight limit. */
  void pump();

  Record& record_;
  Publish publish_;
  std::size_t max_in_flight_;
  bool connected_ = false;
  /** Re-entrancy guard: a publish may deliver an ack synchronously. */
  bool pumping_ = false;
  std::int64_t sent_up_to_ = 0;
  /** Acknowledged seq as last read from or written to the record. */
  std::int64_t acked_ = 0;
  std::string last_problem_;
};

}  // namespace stillroom::record
