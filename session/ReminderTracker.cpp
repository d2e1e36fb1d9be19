#include "session/ReminderTracker.hpp"

#include <algorithm>

namespace stillroom::session {
namespace {

/** First repeat time strictly after `now` on the grid due + k * repeat. */
Millis repeat_after(Millis due, Millis repeat, Millis now) {
  if (repeat <= Millis{0}) return Millis::max();
  const auto periods = (now - due) / repeat + 1;
  return due + periods * repeat;
}

}  // namespace

const char* to_string(AckResult result) noexcept {
  switch (result) {
    case AckResult::Acked: return "acked";
    case AckResult::AlreadyAcked: return "already acknowledged";
    case AckResult::Unknown: return "unknown reminder";
    case AckResult::NotYetDue: return "not due yet";
  }
  return "?";
}

ReminderTracker::ReminderTracker(std::vector<plan::ReminderCue> reminders, std::vector<plan::NoticeCue> notices) {
  for (auto& cue : reminders) reminders_.push_back(Reminder{std::move(cue), false, 0, Millis{0}});
  for (auto& cue : notices) notices_.push_back(Notice{cue, false});
  std::stable_sort(reminders_.begin(), reminders_.end(),
                   [](const Reminder& a, const Reminder& b) { return a.cue.due < b.cue.due; });
}

void ReminderTracker::replan(std::vector<plan::ReminderCue> reminders, std::vector<plan::NoticeCue> notices,
                             Millis now) {
  ReminderTracker next(std::move(reminders), std::move(notices));
  for (auto& fresh : next.reminders_) {
    const auto old = std::find_if(reminders_.begin(), reminders_.end(),
                                  [&](const Reminder& r) { return r.cue.id == fresh.cue.id; });
    if (old == reminders_.end()) continue;
    fresh.acked = old->acked;
    if (fresh.acked || fresh.cue.due > now) continue;  // a reminder moved into the future is announced anew
    fresh.announced = old->announced;
    if (fresh.announced > 0 && fresh.cue.repeat) fresh.next_repeat = repeat_after(fresh.cue.due, *fresh.cue.repeat, now);
  }
  for (auto& fresh : next.notices_) {
    const bool was_announced = std::any_of(notices_.begin(), notices_.end(), [&](const Notice& n) {
      return n.announced && n.cue.remaining == fresh.cue.remaining;
    });
    fresh.announced = was_announced && fresh.cue.at <= now;
  }
  *this = std::move(next);
}

std::vector<ReminderSignal> ReminderTracker::tick(Millis now) {
  std::vector<ReminderSignal> signals;
  for (auto& r : reminders_) {
    if (r.acked || now < r.cue.due) continue;
    if (r.announced == 0) {
      r.announced = 1;
      signals.push_back({ReminderSignal::Kind::Due, r.cue.id, r.cue.text, r.cue.due, 1, Millis{0}});
    } else if (r.cue.repeat && now >= r.next_repeat) {
      ++r.announced;
      signals.push_back({ReminderSignal::Kind::Repeat, r.cue.id, r.cue.text, r.cue.due, r.announced, Millis{0}});
    } else {
      continue;
    }
    if (r.cue.repeat) r.next_repeat = repeat_after(r.cue.due, *r.cue.repeat, now);
  }

  // Of several notices passed since the last tick only the latest is still true.
  Notice* latest = nullptr;
  for (auto& n : notices_) {
    if (n.announced || now < n.cue.at) continue;
    n.announced = true;
    if (now >= n.cue.at + n.cue.remaining) continue;  // its end has passed too
    if (latest == nullptr || n.cue.at > latest->cue.at) latest = &n;
  }
  if (latest != nullptr) {
    const Millis remaining = latest->cue.at + latest->cue.remaining - now;
    signals.push_back({ReminderSignal::Kind::Notice, {}, {}, latest->cue.at, 1, remaining});
  }
  return signals;
}

AckResult ReminderTracker::ack(const std::string& id, Millis now) {
  const auto it = std::find_if(reminders_.begin(), reminders_.end(), [&](const Reminder& r) { return r.cue.id == id; });
  if (it == reminders_.end()) return AckResult::Unknown;
  if (it->acked) return AckResult::AlreadyAcked;
  if (now < it->cue.due) return AckResult::NotYetDue;
  it->acked = true;
  return AckResult::Acked;
}

std::optional<ReminderView> ReminderTracker::next(Millis now) const {
  const auto outstanding_now = outstanding(now);
  if (!outstanding_now.empty()) return outstanding_now.front();
  for (const auto& r : reminders_)
    if (!r.acked && r.cue.due > now) return ReminderView{r.cue.id, r.cue.text, r.cue.due, false};
  return std::nullopt;
}

std::vector<ReminderView> ReminderTracker::outstanding(Millis now) const {
  std::vector<ReminderView> out;
  for (const auto& r : reminders_)
    if (!r.acked && r.cue.due <= now) out.push_back({r.cue.id, r.cue.text, r.cue.due, true});
  return out;
}

std::optional<Millis> ReminderTracker::next_wakeup() const {
  std::optional<Millis> earliest;
  const auto consider = [&](Millis t) {
    if (!earliest || t < *earliest) earliest = t;
  };
  for (const auto& r : reminders_) {
    if (r.acked) continue;
    if (r.announced == 0) consider(r.cue.due);
    else if (r.cue.repeat) consider(r.next_repeat);
  }
  for (const auto& n : notices_)
    if (!n.announced) consider(n.cue.at);
  return earliest;
}

}  // namespace stillroom::session
