#include "archive/Archive.hpp"

#include "archive/ArchiveLink.hpp"
#include "archive/ArchiveStore.hpp"
#include "archive/RoomChain.hpp"
#include "config/Duration.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <ostream>
#include <thread>
#include <unordered_set>
#include <vector>

namespace stillroom::archive {
namespace {

using steady = std::chrono::steady_clock;
using nlohmann::json;

/** Hashes remembered per room to recognise repeats without a database round trip (the rooms' window is 256). */
constexpr std::size_t kRecentHashes = 1024;

/** What the Paho threads hand to the worker. */
struct Inbound {
  enum class Kind { Message, Connected, Lost } kind = Kind::Message;
  InboundMessage message;
  std::string why;
};

struct Alarm {
  std::string problem;
  std::int64_t seq = 0;
  std::string detail;
  std::string since;
};

struct PendingCheckpoint {
  std::int64_t seq = 0;
  std::string hash;
  /** Published just now by the room (not a retained copy from before). */
  bool live = false;
};

struct RoomState {
  /** What is committed. */
  ChainHead head;
  /** What is committed plus the batch being assembled. */
  ChainHead pending;
  std::deque<std::string> recent;
  std::unordered_set<std::string> recent_set;
  /** The seq last acknowledged to the room (-1: none since the archive started). */
  std::int64_t acked = -1;
  steady::time_point acked_at{};
  /** A repeat, a gap or a refusal asks for the held seq to be said again. */
  bool wants_repeat = false;
  std::optional<Alarm> alarm;
  /** Checkpoints beyond what the archive holds yet, oldest first (a room anchors at every session end). */
  std::deque<PendingCheckpoint> checkpoints;
  json last_checkpoint;  // {"seq", "hash", "state"} or null
  bool status_dirty = true;
  steady::time_point status_at{};

  void remember(const std::string& hash) {
    if (!recent_set.insert(hash).second) return;
    recent.push_back(hash);
    if (recent.size() > kRecentHashes) {
      recent_set.erase(recent.front());
      recent.pop_front();
    }
  }
};

std::string now_iso() { return config::format_instant(std::chrono::system_clock::now()); }

}  // namespace

struct Archive::Impl {
  ArchiveConfig config;
  std::ostream& log;
  std::atomic<bool> stopping{false};
  ArchiveStore store;
  std::unique_ptr<ArchiveLink> link;

  std::mutex mutex;
  std::condition_variable arrived;
  std::deque<Inbound> queue;

  std::map<std::string, RoomState> rooms;
  ArchiveCounters counters;
  mutable std::mutex counters_mutex;
  steady::time_point resync_checked{};

  Impl(ArchiveConfig c, std::ostream& l) : config(std::move(c)), log(l), store(config.postgres) {
    ArchiveLink::Handlers handlers;
    handlers.message = [this](InboundMessage m) { post({Inbound::Kind::Message, std::move(m), {}}); };
    handlers.connected = [this] { post({Inbound::Kind::Connected, {}, {}}); };
    handlers.lost = [this](const std::string& why) { post({Inbound::Kind::Lost, {}, why}); };
    link = std::make_unique<ArchiveLink>(config.mqtt, std::move(handlers));
  }

  void post(Inbound in) {
    {
      std::lock_guard lock(mutex);
      queue.push_back(std::move(in));
    }
    arrived.notify_one();
  }

  void say(const std::string& line) { log << "archive: " << line << std::endl; }

  void count(std::int64_t ArchiveCounters::*field, std::int64_t n = 1) {
    std::lock_guard lock(counters_mutex);
    counters.*field += n;
  }

  // --- the database --------------------------------------------------------------------------

  /** Opens the store and loads every room's head; retries while the database is away. False: give up (stop, or a refusal). */
  bool open_store(bool& fatal) {
    auto backoff = std::chrono::milliseconds(250);
    bool said = false;
    while (!stopping) {
      try {
        store.open();
        load_heads();
        if (said) say("PostgreSQL is back");
        return true;
      } catch (const PgError& e) {
        store.close();
        if (!e.connection_lost()) {
          say(std::string("cannot use the database: ") + e.what());
          fatal = true;
          return false;
        }
        if (!said) say(std::string(e.what()) + " (retrying)");
        said = true;
      }
      wait_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    }
    return false;
  }

  void load_heads() {
    const auto heads = store.heads();
    for (auto& [name, room] : rooms) {
      const auto it = heads.find(name);
      room.head = it == heads.end() ? ChainHead{} : it->second;
      room.pending = room.head;
      room.recent.clear();
      room.recent_set.clear();
    }
    for (const auto& [name, head] : heads) {
      RoomState& room = rooms[name];
      room.head = head;
      room.pending = head;
    }
    for (auto& [name, room] : rooms)
      if (room.head.chain > 0)
        for (const auto& h : store.recent_hashes(name, room.head.chain, static_cast<int>(kRecentHashes))) room.remember(h);
  }

  void wait_for(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    arrived.wait_for(lock, d, [this] { return stopping.load(); });
  }

  // --- one batch ---------------------------------------------------------------------------

  /** "<prefix>/<room>/record" or ".../record/checkpoint": the room id and which; false for anything else. */
  bool route(const std::string& topic, std::string& room, bool& checkpoint) const {
    const std::string prefix = config.mqtt.topic_prefix + "/";
    if (topic.compare(0, prefix.size(), prefix) != 0) return false;
    const auto slash = topic.find('/', prefix.size());
    if (slash == std::string::npos || slash == prefix.size()) return false;
    room = topic.substr(prefix.size(), slash - prefix.size());
    const std::string rest = topic.substr(slash + 1);
    if (rest == "record") checkpoint = false;
    else if (rest == "record/checkpoint") checkpoint = true;
    else return false;
    return true;
  }

  struct Refusal {
    std::string room;
    std::int64_t chain = 0;
    Judgement judgement;
    std::string message;
  };

  /** Judges every record message of the batch against the pending heads; collects what to store and refuse. */
  void judge_batch(const std::vector<InboundMessage>& messages, std::vector<StoredEvent>& to_store,
                   std::vector<Refusal>& refusals, std::vector<std::pair<std::string, InboundMessage>>& checkpoints) {
    for (const auto& m : messages) {
      std::string name;
      bool is_checkpoint = false;
      if (!route(m.topic, name, is_checkpoint)) continue;
      if (is_checkpoint) {
        checkpoints.emplace_back(name, m);
        continue;
      }
      RoomState& room = rooms[name];
      const Judgement j = judge(room.pending, m.payload, [&](const std::string& hash) {
        if (room.recent_set.count(hash) != 0) return true;
        return store.holds(name, hash);
      });
      switch (j.arrival) {
        case Arrival::Next:
        case Arrival::NewChain: {
          const ChainHead next = advance(room.pending, j);
          to_store.push_back({name, next.chain, j.event, next.chain != room.pending.chain});
          room.pending = next;
          room.remember(j.event.hash);
          break;
        }
        case Arrival::Duplicate:
          count(&ArchiveCounters::duplicates);
          room.wants_repeat = true;
          break;
        case Arrival::Ahead:
          count(&ArchiveCounters::ahead);
          room.wants_repeat = true;
          break;
        case Arrival::Refused:
          count(&ArchiveCounters::refused);
          room.wants_repeat = true;
          refusals.push_back({name, room.pending.chain, j, m.payload});
          break;
      }
    }
  }

  /** Stores and acknowledges one batch; on a database failure re-judges it after reconnecting. False: fatal. */
  bool process(const std::vector<InboundMessage>& messages) {
    for (;;) {
      std::vector<StoredEvent> to_store;
      std::vector<Refusal> refusals;
      std::vector<std::pair<std::string, InboundMessage>> checkpoints;
      try {
        judge_batch(messages, to_store, refusals, checkpoints);
        store.append(to_store);
      } catch (const PgError& e) {
        count(&ArchiveCounters::store_failures);
        // Nothing of the batch is committed (or, if the connection broke during COMMIT, perhaps all
        // of it): read the heads back and judge the same messages again; stored ones are repeats then.
        for (auto& [name, room] : rooms) room.pending = room.head;
        if (e.connection_lost()) {
          say(std::string("storing failed: ") + e.what() + "; reconnecting");
          store.close();
          bool fatal = false;
          if (!open_store(fatal)) return !fatal;
          continue;
        }
        try {
          load_heads();
        } catch (const PgError&) {
          store.close();
          bool fatal = false;
          if (!open_store(fatal)) return !fatal;
        }
        if (messages.size() > 1) {
          say(std::string("storing a batch failed: ") + e.what() + "; storing its messages one at a time");
          for (const auto& m : messages)
            if (!process({m})) return false;
          return true;
        }
        // One event the database refuses although the archive judged it good: a refusal, never stored.
        if (!to_store.empty()) {
          const StoredEvent& bad = to_store.front();
          Judgement j;
          j.arrival = Arrival::Refused;
          j.event = bad.event;
          j.problem = "store_failed";
          j.detail = e.what();
          refusals = {{bad.room, bad.chain, j, messages.front().payload}};
          to_store.clear();
        }
      }
      commit_done(to_store, refusals, checkpoints);
      return true;
    }
  }

  void commit_done(const std::vector<StoredEvent>& stored, const std::vector<Refusal>& refusals,
                   const std::vector<std::pair<std::string, InboundMessage>>& checkpoints) {
    count(&ArchiveCounters::stored, static_cast<std::int64_t>(stored.size()));
    if (!stored.empty()) count(&ArchiveCounters::batches);
    for (const auto& s : stored) {
      RoomState& room = rooms[s.room];
      if (s.starts_chain && s.chain > 1) {
        count(&ArchiveCounters::new_chains);
        say(s.room + ": the room's record was replaced: chain " + std::to_string(s.chain) + " starts (" +
            s.event.payload + ")");
      }
      room.head = {s.chain, s.event.seq, s.event.hash};
      room.status_dirty = true;
      if (room.alarm && room.alarm->seq <= s.event.seq && room.alarm->problem != "checkpoint_mismatch") {
        say(s.room + ": alarm cleared: seq " + std::to_string(s.event.seq) + " stored");
        room.alarm.reset();
      }
    }
    for (const auto& r : refusals) refuse(r);
    for (const auto& [name, m] : checkpoints) take_checkpoint(name, m);
    for (auto& [name, room] : rooms) {
      room.pending = room.head;
      while (!room.checkpoints.empty() && room.head.seq >= room.checkpoints.front().seq) settle_checkpoint(name, room);
    }
    acknowledge(false);
  }

  void refuse(const Refusal& r) {
    RoomState& room = rooms[r.room];
    bool first = true;
    try {
      first = store.refuse(r.room, r.chain, r.judgement, r.message);
    } catch (const PgError& e) {
      say(r.room + ": could not store a refusal: " + e.what());
    }
    if (first)
      say("ALARM " + r.room + ": refused seq " + std::to_string(r.judgement.event.seq) + " (" + r.judgement.problem +
          "): " + r.judgement.detail);
    if (!room.alarm || room.alarm->problem != r.judgement.problem || room.alarm->seq != r.judgement.event.seq) {
      room.alarm = Alarm{r.judgement.problem, r.judgement.event.seq, r.judgement.detail, now_iso()};
      room.status_dirty = true;
    }
  }

  void take_checkpoint(const std::string& name, const InboundMessage& m) {
    const auto j = json::parse(m.payload, nullptr, false);
    if (!j.is_object() || !j.contains("seq") || !j["seq"].is_number_integer() || !j.contains("hash") ||
        !j["hash"].is_string()) {
      say(name + ": ignored a checkpoint that is not {\"seq\": N, \"hash\": \"...\"}: " + m.payload.substr(0, 120));
      return;
    }
    RoomState& room = rooms[name];
    const PendingCheckpoint cp{j["seq"].get<std::int64_t>(), j["hash"].get<std::string>(), !m.retained};
    if (cp.seq <= 0) return;
    // A room publishes its checkpoints in seq order; a repeat of one already waiting changes nothing.
    for (const auto& waiting : room.checkpoints)
      if (waiting.seq == cp.seq && waiting.hash == cp.hash) return;
    room.checkpoints.push_back(cp);
    if (room.head.seq >= cp.seq) {
      while (!room.checkpoints.empty() && room.head.seq >= room.checkpoints.front().seq) settle_checkpoint(name, room);
    } else {
      room.wants_repeat = true;  // the room has committed more than the archive holds
    }
  }

  /** The checkpoint's seq is archived (or it never will be): compare the hashes. */
  void settle_checkpoint(const std::string& name, RoomState& room) {
    const PendingCheckpoint cp = room.checkpoints.front();
    room.checkpoints.pop_front();
    std::optional<std::int64_t> chain;
    try {
      chain = store.chain_holding(name, cp.seq, cp.hash);
      if (chain || cp.live) store.checkpoint(name, cp.seq, cp.hash, chain, chain.has_value());
    } catch (const PgError& e) {
      say(name + ": could not check a checkpoint: " + e.what());
      return;
    }
    room.last_checkpoint = {{"seq", cp.seq}, {"hash", cp.hash}, {"state", chain ? "verified" : "mismatch"}};
    room.status_dirty = true;
    if (chain) return;
    const std::string detail = "the room anchored seq " + std::to_string(cp.seq) + " with hash " + cp.hash +
                               " but the archive holds another event there";
    if (!cp.live) {
      // A retained checkpoint may be from a record the room has since replaced: note it, no alarm.
      say(name + ": an earlier checkpoint does not match the archive (" + detail + ")");
      return;
    }
    say("ALARM " + name + ": checkpoint mismatch: " + detail);
    room.alarm = Alarm{"checkpoint_mismatch", cp.seq, detail, now_iso()};
  }

  // --- acknowledgements and status ------------------------------------------------------------

  void send_ack(const std::string& name, RoomState& room) {
    json ack = {{"seq", room.head.seq}};
    if (!room.head.hash.empty()) ack["hash"] = room.head.hash;
    if (!link->publish(config.mqtt.topic_prefix + "/" + name + "/record/ack", ack.dump(), 1, false)) return;
    room.acked = room.head.seq;
    room.acked_at = steady::now();
    room.wants_repeat = false;
    count(&ArchiveCounters::acks);
  }

  /**
   * Acks what advanced at once; repeats the held seq (which makes a room send again what followed)
   * only when asked for and not more often than repeat_after (resync_every for a refusing room),
   * and to every room when `everyone` (after the archive's (re)connect).
   */
  void acknowledge(bool everyone) {
    const auto now = steady::now();
    for (auto& [name, room] : rooms) {
      if (everyone || room.head.seq != room.acked) {
        send_ack(name, room);
        continue;
      }
      const auto wait = room.alarm ? config.resync_every : config.repeat_after;
      if (room.wants_repeat && now - room.acked_at >= wait) send_ack(name, room);
    }
  }

  /** Idle rooms hear the held seq again every resync_every: a lost ack or a lost tail is repaired. */
  void resync() {
    const auto now = steady::now();
    if (now - resync_checked < std::chrono::seconds(1)) return;
    resync_checked = now;
    for (auto& [name, room] : rooms)
      if (now - room.acked_at >= config.resync_every) send_ack(name, room);
    if (config.publish_status) publish_status(now);
  }

  void publish_status(steady::time_point now) {
    for (auto& [name, room] : rooms) {
      if (!room.status_dirty || now - room.status_at < std::chrono::seconds(1)) continue;
      json status = {{"chain", room.head.chain},
                     {"seq", room.head.seq},
                     {"hash", room.head.hash},
                     {"updated_at", now_iso()},
                     {"checkpoint", room.last_checkpoint},
                     {"alarm", nullptr}};
      if (room.alarm)
        status["alarm"] = {{"problem", room.alarm->problem},
                           {"seq", room.alarm->seq},
                           {"detail", room.alarm->detail},
                           {"since", room.alarm->since}};
      if (link->publish(config.mqtt.topic_prefix + "/" + name + "/archive", status.dump(), 1, true)) {
        room.status_dirty = false;
        room.status_at = now;
      }
    }
  }

  // --- the loop -----------------------------------------------------------------------------

  int run() {
    bool fatal = false;
    if (!open_store(fatal)) return fatal ? 1 : 0;
    say("storing into PostgreSQL; " + std::to_string(rooms.size()) + " rooms archived so far");
    std::string said_lost;
    while (!stopping) {
      link->tick();
      std::deque<Inbound> taken;
      {
        std::unique_lock lock(mutex);
        arrived.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping || !queue.empty(); });
        // Take what has arrived: the batch grows with the load, so a busy archive commits less often.
        const auto n = std::min(queue.size(), static_cast<std::size_t>(config.max_batch));
        for (std::size_t i = 0; i < n; ++i) {
          taken.push_back(std::move(queue.front()));
          queue.pop_front();
        }
      }
      std::vector<InboundMessage> messages;
      bool reconnected = false;
      for (auto& in : taken) {
        if (in.kind == Inbound::Kind::Message) {
          messages.push_back(std::move(in.message));
        } else if (in.kind == Inbound::Kind::Connected) {
          say("connected to the clinic broker " + config.mqtt.host + ":" + std::to_string(config.mqtt.port));
          said_lost.clear();
          reconnected = true;
        } else if (said_lost != in.why) {
          say("clinic broker: " + in.why + " (reconnecting)");
          said_lost = in.why;
        }
      }
      if (!messages.empty() && !process(messages)) return 1;
      if (reconnected) acknowledge(true);
      resync();
    }
    link->stop();
    const ArchiveCounters c = snapshot();
    say("stopped: " + std::to_string(c.stored) + " events stored, " + std::to_string(c.duplicates) + " repeats, " +
        std::to_string(c.refused) + " refused, " + std::to_string(c.acks) + " acks");
    return 0;
  }

  ArchiveCounters snapshot() const {
    std::lock_guard lock(counters_mutex);
    return counters;
  }
};

Archive::Archive(ArchiveConfig config, std::ostream& log) : impl_(std::make_unique<Impl>(std::move(config), log)) {}
Archive::~Archive() = default;
int Archive::run() { return impl_->run(); }
void Archive::stop() noexcept { impl_->stopping = true; }
ArchiveCounters Archive::counters() const { return impl_->snapshot(); }

}  // namespace stillroom::archive
