// RecordWriter: the clinical record's own thread. The controller acts first —
// lights and music change at once — and hands each step's events here, in
// order; this thread commits them (one transaction per command, with the
// command's answer), then sends the reply that says `ok` only now that it is
// durable. A storage failure answers "not recorded" at once, keeps the events
// in order and retries them every second until the record works again. The
// forwarder (record → archive, acks back) and reads for `history` run here too,
// so the Record has one owner. Anchors the chain with a checkpoint at every
// session end.
//
// Threads: submit(), acknowledge(), link_changed() and read() from any thread;
// everything else on the writer thread.
#pragma once

#include "record/Record.hpp"
#include "record/RecordForwarder.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace stillroom::controller {

class RecordWriter {
 public:
  /** Called on the writer thread once the job's events are durable (true), or the first time they failed (false, why). */
  using Done = std::function<void(bool durable, const std::string& problem)>;

  struct Job {
    std::vector<record::EventDraft> drafts;
    /** The command's answer, stored with its events. */
    std::optional<record::Answer> answer;
    Done done;
  };

  struct Hooks {
    /** The record stopped (active) or started again (false) accepting events; message says why. Writer thread. */
    std::function<void(bool active, const std::string& message)> record_fault;
    /** Publishes on `<prefix>/<room>/<subtopic>` (the record stream and its checkpoint). Any thread. */
    std::function<bool(const std::string& subtopic, const std::string& payload, bool retained)> publish;
    /** A line for the log. Writer thread. */
    std::function<void(const std::string& line)> log;
    /** Something escaped the writer thread: the room cannot keep its record. Writer thread. */
    std::function<void(const std::string& what)> fatal;
  };

  RecordWriter(record::Record& record, std::string device, Hooks hooks);
  ~RecordWriter();
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  void start();
  /** Stores what is queued (one more attempt for a backlog) and joins. */
  void stop();

  void submit(Job job);
  /** A message on record/ack. */
  void acknowledge(std::string payload);
  /** The broker connection came up or went away. */
  void link_changed(bool connected);
  /** Runs `work` on the writer thread (after everything submitted before it). */
  void read(std::function<void(record::Record&)> work);
  /** Waits until everything submitted before it was stored (or failed): a restart's own events before it goes on. */
  void drain();

 private:
  using Work = std::function<void()>;
  void post(Work work);
  void run();
  void store(Job job);
  /** Tries the backlog in order; true when it is empty. */
  bool flush_backlog();
  void anchor_checkpoint(const record::EventDraft& ended);

  record::Record& record_;
  std::string device_;
  Hooks hooks_;
  record::RecordForwarder forwarder_;

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Work> queue_;
  bool quit_ = false;
  std::thread thread_;

  // Writer thread only.
  /** Jobs that failed, in order, with their answers already sent as "not recorded". */
  std::deque<Job> backlog_;
  bool failing_ = false;
};

}  // namespace stillroom::controller
