// LinkHarness: a broker with the shipped ACL and the example room's users, a
// room configuration pointing at it, and ToyRoom — a small command handler with
// a toy state rule that answers from its own thread, as the controller will.
#pragma once

#include "MqttProbe.hpp"
#include "RoomFixture.hpp"
#include "room/RoomLink.hpp"
#include "support/Mosquitto.hpp"
#include "support/TempDir.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

namespace stillroom::test {

inline MosquittoOptions room_broker_options(bool persistence = false) {
  MosquittoOptions options;
  options.users = {{"controller", "c-secret"}, {"panel-1", "p-secret"},       {"tablet-1", "t-secret"},
                   {"observer-1", "o-secret"}, {"homeassistant", "h-secret"}, {"tablet-2", "t2-secret"},
                   {"archive", "a-secret"}};
  options.acl = read_file(source_path("config/mosquitto/stillroom.acl"));
  options.persistence = persistence;
  return options;
}

inline config::Room room_for(const Mosquitto& broker, const TempDir& dir) {
  config::Room room = test_room();
  room.mqtt.port = broker.port();
  room.mqtt.password_file = broker.password_file("controller").string();
  room.mqtt.persistence_dir = (dir / "paho").string();
  return room;
}

/**
 * A toy session: preload -> ready, start -> running, pause/resume, stop -> ended.
 * Anything else is accepted. Replies come from its own thread, like the controller's.
 */
class ToyRoom final : public room::RoomLinkListener {
 public:
  ToyRoom() : worker_([this] { work(); }) {}
  ~ToyRoom() override {
    {
      std::lock_guard lock(mutex_);
      quit_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  /**
   * Replies go to `link` until the returned guard is destroyed. Declare the guard after the link: the guard's
   * destructor waits for a reply in progress, so the worker never calls a link that is going away.
   */
  class Attachment {
   public:
    explicit Attachment(ToyRoom& toy) : toy_(&toy) {}
    Attachment(Attachment&& other) noexcept : toy_(std::exchange(other.toy_, nullptr)) {}
    Attachment(const Attachment&) = delete;
    Attachment& operator=(const Attachment&) = delete;
    Attachment& operator=(Attachment&&) = delete;
    ~Attachment() {
      if (toy_ != nullptr) toy_->detach();
    }

   private:
    ToyRoom* toy_;
  };
  [[nodiscard]] Attachment attach(room::RoomLink& link) {
    std::lock_guard lock(mutex_);
    link_ = &link;
    return Attachment(*this);
  }

  void on_command(const session::Command& command) override {
    {
      std::lock_guard lock(mutex_);
      inbox_.push_back(command);
      commands_.push_back(command);
    }
    cv_.notify_all();
  }
  void on_rejected(const room::Rejection&) override { ++rejected_; }
  void on_connection_changed(bool connected) override {
    std::lock_guard lock(mutex_);
    connection_changes_.push_back(connected);
    cv_.notify_all();
  }
  void on_message(const std::string& topic, const std::string& payload) override {
    std::lock_guard lock(mutex_);
    messages_.emplace_back(topic, payload);
    cv_.notify_all();
  }
  void on_link_fault(const std::string& code, const std::string& message, bool active) override {
    std::lock_guard lock(mutex_);
    faults_.push_back({code, message, active});
    cv_.notify_all();
  }

  struct Fault {
    std::string code;
    std::string message;
    bool active;
  };

  std::vector<session::Command> commands() const {
    std::lock_guard lock(mutex_);
    return commands_;
  }
  std::vector<bool> connection_changes() const {
    std::lock_guard lock(mutex_);
    return connection_changes_;
  }
  std::vector<std::pair<std::string, std::string>> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  std::vector<Fault> faults() const {
    std::lock_guard lock(mutex_);
    return faults_;
  }
  int rejected() const { return rejected_; }

  /** Waits until `done` holds (checked under the lock) or the timeout passes. */
  template <typename Predicate>
  bool wait(Predicate done, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return done(*this); });
  }
  // Unlocked views for wait() predicates.
  const std::vector<bool>& connection_changes_locked() const { return connection_changes_; }
  const std::vector<Fault>& faults_locked() const { return faults_; }
  const std::vector<std::pair<std::string, std::string>>& messages_locked() const { return messages_; }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    for (;;) {
      cv_.wait(lock, [this] { return quit_ || !inbox_.empty(); });
      if (quit_) return;
      const auto command = inbox_.front();
      inbox_.pop_front();
      const auto reply = decide(command);
      session::RoomState state;
      state.state = status_;
      if (status_ != session::SessionStatus::Idle) state.session = "s-1";
      if (link_ == nullptr) continue;
      room::RoomLink& link = *link_;
      replying_ = true;
      lock.unlock();
      const auto state_json = session::to_json(state);
      if (reply.ok) link.publish_state(state_json);
      nlohmann::json body = {{"id", command.id}, {"ok", reply.ok}, {"state", state_json}};
      if (!reply.ok) {
        body["error"] = reply.error;
        body["reason"] = "refused";
      }
      link.reply(command, body);
      lock.lock();
      replying_ = false;
      cv_.notify_all();
    }
  }

  /** No more replies; returns once a reply in progress has been handed to the link. */
  void detach() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return !replying_; });
    link_ = nullptr;
  }

  session::Reply decide(const session::Command& c) {
    using K = session::CommandKind;
    using S = session::SessionStatus;
    const auto need = [&](S wanted, S next) {
      if (status_ != wanted)
        return session::Reply::failure(std::string("'") + to_string(c.kind) + "' needs state " + to_string(wanted) +
                                    " (the room is " + to_string(status_) + ")");
      status_ = next;
      return session::Reply::success();
    };
    switch (c.kind) {
      case K::Preload: return need(S::Idle, S::Ready);
      case K::Start: return need(S::Ready, S::Running);
      case K::Pause: return need(S::Running, S::Paused);
      case K::Resume: return need(S::Paused, S::Running);
      case K::Stop: return need(S::Running, S::Ended);
      default: return session::Reply::success();
    }
  }

  room::RoomLink* link_ = nullptr;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<session::Command> inbox_;
  std::vector<session::Command> commands_;
  std::vector<bool> connection_changes_;
  std::vector<std::pair<std::string, std::string>> messages_;
  std::vector<Fault> faults_;
  std::atomic<int> rejected_{0};
  session::SessionStatus status_ = session::SessionStatus::Idle;
  bool quit_ = false;
  /** The worker is inside a call to the link (with the lock released). */
  bool replying_ = false;
  std::thread worker_;
};

}  // namespace stillroom::test
