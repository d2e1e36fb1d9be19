#include "controller/RecordWriter.hpp"

#include "audio/ThreadSetup.hpp"
#include "session/Event.hpp"
#include "session/EventCodec.hpp"

#include <cstdlib>
#include <future>
#include <stdexcept>

namespace stillroom::controller {
namespace {

using namespace std::chrono_literals;

/** How often a failing record is tried again. */
constexpr auto kRetry = 1s;

}  // namespace

RecordWriter::RecordWriter(record::Record& record, std::string device, Hooks hooks)
    : record_(record),
      device_(std::move(device)),
      hooks_(std::move(hooks)),
      forwarder_(record, [this](const std::string& json) { return hooks_.publish("record", json, false); }) {}

RecordWriter::~RecordWriter() { stop(); }

void RecordWriter::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    audio::name_this_thread("record-writer");
    try {
      if (const char* target = std::getenv("STILLROOM_INJECT_FAULT"); target && std::string(target) == "writer")
        throw std::runtime_error("fault injected into the record writer thread");
      run();
    } catch (const std::exception& error) {
      hooks_.fatal(error.what());
    } catch (...) {
      hooks_.fatal("unknown exception");
    }
  });
}

void RecordWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  ready_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void RecordWriter::post(Work work) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(work));
  }
  ready_.notify_one();
}

void RecordWriter::submit(Job job) {
  post([this, job = std::move(job)]() mutable { store(std::move(job)); });
}

void RecordWriter::acknowledge(std::string payload) {
  post([this, payload = std::move(payload)] {
    const auto result = forwarder_.acknowledge_message(payload);
    if (result == record::RecordForwarder::Ack::Malformed || result == record::RecordForwarder::Ack::Refused)
      hooks_.log("record ack refused: " + forwarder_.last_problem());
  });
}

void RecordWriter::link_changed(bool connected) {
  post([this, connected] {
    if (connected) forwarder_.connected();
    else forwarder_.disconnected();
  });
}

void RecordWriter::read(std::function<void(record::Record&)> work) {
  post([this, work = std::move(work)] { work(record_); });
}

void RecordWriter::drain() {
  std::promise<void> done;
  auto future = done.get_future();
  post([&done] { done.set_value(); });
  future.wait();
}

void RecordWriter::run() {
  for (;;) {
    std::deque<Work> batch;
    {
      std::unique_lock lock(mutex_);
      const auto ready = [this] { return quit_ || !queue_.empty(); };
      if (backlog_.empty()) ready_.wait(lock, ready);
      else ready_.wait_for(lock, kRetry, ready);
      batch.swap(queue_);
      if (quit_ && batch.empty()) break;
    }
    if (batch.empty()) flush_backlog();
    for (auto& work : batch) work();
  }
  flush_backlog();
}

void RecordWriter::store(Job job) {
  if (!flush_backlog()) {
    // Earlier events wait: this one must not overtake them.
    if (job.done) job.done(false, "the record is failing; earlier events are still waiting");
    job.done = nullptr;
    backlog_.push_back(std::move(job));
    return;
  }
  try {
    record_.append(job.drafts, job.answer);
  } catch (const record::RecordError& error) {
    if (error.kind() == record::RecordError::Kind::InvalidEvent) {
      // A malformed event is a defect here, not a storage problem: it would block every later one.
      hooks_.log(std::string("event refused by the record: ") + error.what());
      if (job.done) job.done(false, error.what());
      return;
    }
    if (!failing_) {
      failing_ = true;
      hooks_.record_fault(true, error.what());
    }
    if (job.done) job.done(false, error.what());
    job.done = nullptr;
    backlog_.push_back(std::move(job));
    return;
  }
  if (job.done) job.done(true, {});
  for (const auto& draft : job.drafts)
    if (draft.type == session::SessionEnded::kType) anchor_checkpoint(draft);
}

bool RecordWriter::flush_backlog() {
  while (!backlog_.empty()) {
    Job& job = backlog_.front();
    try {
      record_.append(job.drafts, job.answer);
    } catch (const record::RecordError& error) {
      if (error.kind() != record::RecordError::Kind::InvalidEvent) return false;
      hooks_.log(std::string("event refused by the record: ") + error.what());
    }
    const auto drafts = std::move(job.drafts);
    backlog_.pop_front();
    for (const auto& draft : drafts)
      if (draft.type == session::SessionEnded::kType) anchor_checkpoint(draft);
  }
  if (failing_) {
    failing_ = false;
    hooks_.record_fault(false, "the record accepts events again");
  }
  return true;
}

void RecordWriter::anchor_checkpoint(const record::EventDraft& ended) {
  // Anchor the chain off the box: the newest (seq, hash) at every session end.
  try {
    if (const auto cp = record_.checkpoint()) {
      hooks_.publish("record/checkpoint", cp->to_json().dump(), true);
      record_.append(record::EventDraft{ended.session, std::string(session::CheckpointTaken::kType), {device_, "system"},
                                        session::encode(session::CheckpointTaken{cp->seq, cp->hash}), std::nullopt});
    }
  } catch (const record::RecordError& error) {
    hooks_.log(std::string("checkpoint not recorded: ") + error.what());
  }
}

}  // namespace stillroom::controller
