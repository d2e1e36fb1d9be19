#include "audio/DecoderThread.hpp"

#include "audio/ThreadSetup.hpp"

#include <algorithm>

namespace stillroom::audio {

DecoderThread::DecoderThread(AudioFormat out, std::size_t ring_frames, LoudnessCache& cache, double target_lufs,
                             double ceiling_dbtp)
    : out_(out), ring_frames_(ring_frames), core_(out, cache, target_lufs, ceiling_dbtp),
      thread_([this] { run(); }) {}

DecoderThread::~DecoderThread() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

std::shared_ptr<StreamState> DecoderThread::open(const StreamRequest& request) {
  auto stream = std::make_shared<StreamState>(request, out_.channels, ring_frames_);
  {
    std::lock_guard lock(mutex_);
    commands_.push_back(Command{true, stream});
  }
  watched_.push_back(Watched{stream, 0});
  wake_.notify_one();
  return stream;
}

void DecoderThread::close(const std::shared_ptr<StreamState>& stream) {
  {
    std::lock_guard lock(mutex_);
    commands_.push_back(Command{false, stream});
  }
  std::erase_if(watched_, [&](const Watched& w) { return w.stream == stream; });
  wake_.notify_one();
}

void DecoderThread::prepare() {
  // Wake the decoder once the mixer has drained a quarter of some ring: it then
  // refills everything in one go and sleeps again (about once a second). A
  // stream that is not being read (waiting for its start) wakes nobody.
  bool wake = false;
  for (auto& w : watched_) {
    const std::uint64_t read = w.stream->ring.total_read();
    if (!w.stream->is_finished() && read - w.read_at_wake >= ring_frames_ / 4) {
      w.read_at_wake = read;
      wake = true;
    }
  }
  if (wake) wake_.notify_one();
}

void DecoderThread::stall_for_test(std::chrono::milliseconds how_long) {
  {
    std::lock_guard lock(mutex_);
    stall_ms_.store(how_long.count());
  }
  wake_.notify_one();
}

void DecoderThread::run() {
  name_this_thread("sr-decoder");
  std::unique_lock lock(mutex_);
  for (;;) {
    while (!commands_.empty()) {
      Command command = std::move(commands_.front());
      commands_.pop_front();
      lock.unlock();
      if (command.open) {
        core_.add(std::move(command.stream));
      } else {
        core_.remove(command.stream.get());
      }
      lock.lock();
    }
    if (quit_) return;
    if (const auto stall = stall_ms_.exchange(0); stall > 0) {
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(stall));
      lock.lock();
      continue;
    }
    lock.unlock();
    bool busy = false;
    // A batch of blocks between looks at the command queue keeps opens prompt.
    for (int i = 0; i < 16 && (busy = core_.work()); ++i) {
    }
    lock.lock();
    // Idle: the player wakes it when a ring has drained a quarter, a command when one comes; with no stream
    // at all nothing can come but a command.
    if (!busy && commands_.empty() && !quit_) {
      if (core_.jobs() == 0) {
        wake_.wait(lock, [this] { return !commands_.empty() || quit_ || stall_ms_.load() > 0; });
      } else {
        wake_.wait_for(lock, std::chrono::seconds(1));
      }
    }
  }
}

}  // namespace stillroom::audio
