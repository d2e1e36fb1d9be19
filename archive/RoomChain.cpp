#include "archive/RoomChain.hpp"

#include "record/RecordHash.hpp"
#include "record/RecordLink.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace stillroom::archive {
namespace {

Judgement refused(record::RecordEvent event, std::string problem, std::string detail) {
  Judgement j;
  j.arrival = Arrival::Refused;
  j.event = std::move(event);
  j.problem = std::move(problem);
  j.detail = std::move(detail);
  return j;
}

Judgement verdict(Arrival arrival, record::RecordEvent event) {
  Judgement j;
  j.arrival = arrival;
  j.event = std::move(event);
  return j;
}

}  // namespace

const char* to_string(Arrival arrival) noexcept {
  switch (arrival) {
    case Arrival::Next: return "next";
    case Arrival::NewChain: return "new_chain";
    case Arrival::Duplicate: return "duplicate";
    case Arrival::Ahead: return "ahead";
    case Arrival::Refused: return "refused";
  }
  return "refused";
}

Judgement judge(const ChainHead& head, std::string_view payload, const HoldsHash& holds) {
  const auto json = nlohmann::json::parse(payload, nullptr, false);
  if (json.is_discarded()) return refused({}, "malformed", "the message is not JSON (or not UTF-8)");
  record::RecordEvent event;
  try {
    event = record::event_from_json(json);
  } catch (const std::exception& error) {
    return refused({}, "malformed", error.what());
  }
  // The event must be sound on its own before its place in the chain means anything.
  const record::LinkCheck own = record::check_event(event);
  if (!own.ok()) return refused(std::move(event), record::to_string(own.problem), own.detail);

  const std::string_view expected_prev = head.empty() ? record::kGenesisHash : std::string_view(head.hash);
  if (event.seq == head.seq + 1 && event.prev_hash == expected_prev) return verdict(Arrival::Next, std::move(event));
  if (holds(event.hash)) return verdict(Arrival::Duplicate, std::move(event));
  // A damaged record on the room is moved aside and a new one starts with record_replaced (docs/record.md).
  if (event.seq == 1 && event.type == "record_replaced" && event.prev_hash == record::kGenesisHash)
    return verdict(Arrival::NewChain, std::move(event));
  if (event.seq > head.seq + 1) return verdict(Arrival::Ahead, std::move(event));
  const std::string seq = std::to_string(event.seq);
  if (event.seq == head.seq + 1) {
    std::string detail = "seq " + seq + ": prev_hash " + event.prev_hash + " is not the hash of the archived seq " +
                         std::to_string(head.seq) + " (" + std::string(expected_prev) + ")";
    return refused(std::move(event), "chain_broken", std::move(detail));
  }
  std::string detail = "seq " + seq + " (hash " + event.hash + ") differs from the event the archive holds at seq " +
                       seq + " of chain " + std::to_string(head.chain) +
                       ": the room's record was rewritten or restarted without record_replaced";
  return refused(std::move(event), "conflict", std::move(detail));
}

ChainHead advance(const ChainHead& head, const Judgement& judgement) {
  switch (judgement.arrival) {
    case Arrival::Next: return {head.chain == 0 ? 1 : head.chain, judgement.event.seq, judgement.event.hash};
    case Arrival::NewChain: return {head.chain + 1, judgement.event.seq, judgement.event.hash};
    default: return head;
  }
}

}  // namespace stillroom::archive
