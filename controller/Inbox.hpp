// Inbox: work handed to the controller thread. Paho's callbacks, the audio
// engine's player thread, the preflight worker and the signal thread post
// closures here and return at once; only the controller thread runs them, so
// the session, the record and the lights are never shared between threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

namespace stillroom::controller {

class Inbox {
 public:
  using Work = std::function<void()>;

  /** Any thread. */
  void post(Work work) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(work));
    }
    ready_.notify_one();
  }

  /** Controller thread: runs everything posted, waiting up to `timeout` for the first. Returns how many ran. */
  std::size_t run_for(std::chrono::milliseconds timeout) {
    std::deque<Work> batch;
    {
      std::unique_lock lock(mutex_);
      ready_.wait_for(lock, timeout, [this] { return !queue_.empty(); });
      batch.swap(queue_);
    }
    for (auto& work : batch) work();
    return batch.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Work> queue_;
};

}  // namespace stillroom::controller
