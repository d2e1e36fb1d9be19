// SessionScript: the events one realistic session writes to the record, in
// order and of the record's own vocabulary — preload, start, dose, phases and
// tracks, reminders and their acknowledgements, vitals, volume and talk,
// pause and resume, a booster, a refused command, a fault that clears, the end,
// the end of monitoring, the checkpoint and the clear. Used by the storage-fault
// tests, which replay it under injected faults.
#pragma once

#include "RecordTestFixture.hpp"

#include <string>
#include <vector>

namespace stillroom::test {

/** About `count` events of one session (never fewer than the 17 that frame it). */
inline std::vector<record::EventDraft> session_script(int count, const std::string& session = "room-1-2026-01-01T09-30-00") {
  using namespace session;
  using config::Millis;
  const RecordActor tablet{"tablet-1", "tablet"};
  const RecordActor panel{"panel-1", "panel"};
  const RecordActor room{"room-1", "system"};
  const auto at = [](int minute) { return Millis{60000 * minute}; };
  const auto t0 = *config::parse_instant("2026-01-01T09:30:00.000Z");
  std::vector<record::EventDraft> out;
  const auto add = [&](const Event& event, RecordActor actor, bool in_session = true) {
    out.push_back(draft(event, in_session ? session : "", std::move(actor)));
  };
  add(SessionPreloaded{{"c-0042"}, "im", "im", "ketamine", "calm", 3, 1234567, -2, {{"/music/a.flac", 180000}}}, tablet);
  add(DoseEntered{"c-0042", "ketamine", "im", 50, "mg", "L-1"}, tablet);
  add(SessionStarted{t0, {"c-0042"}, "im", "im", "calm", Millis{0}}, panel);
  add(DoseGiven{"c-0042", "ketamine", "im", 50, "mg", "L-1", t0, Millis{0}, false, "tablet-1"}, panel);
  add(PhaseChanged{"onset", 0, Millis{0}, at(5)}, room);
  add(ReminderDue{"bp-pre", "c-0042", "Blood pressure before the injection", Millis{0}}, room);
  add(ReminderAcked{"bp-pre", "c-0042", Millis{41000}}, tablet);
  add(VitalsTaken{"c-0042", Millis{45000}, 128, 82, 71, 98}, tablet);
  const std::vector<std::string> phases = {"onset", "peak", "plateau", "return"};
  // Nine events close the session after the loop.
  const std::size_t body = static_cast<std::size_t>(std::max(count - 9, static_cast<int>(out.size()) + 1));
  for (int i = 0; out.size() < body; ++i) {
    const int minute = 1 + i / 3;
    const std::string phase = phases[static_cast<std::size_t>(i / 30) % phases.size()];
    switch (i % 12) {
      case 0:
        add(TrackChanged{"Slow Water " + std::to_string(i), "Demo", "music/slow-water-" + std::to_string(i % 7) + ".flac",
                         phase, i + 1, at(minute)},
            room);
        break;
      case 1: add(VolumeChanged{-6.0 - (i % 5), at(minute)}, tablet); break;
      case 2: add(TalkChanged{true, at(minute)}, panel); break;
      case 3: add(TalkChanged{false, at(minute) + Millis{20000}}, panel); break;
      case 4: add(ReminderDue{"bp-" + std::to_string(minute), "c-0042", "Blood pressure", at(minute)}, room); break;
      case 5: add(ReminderAcked{"bp-" + std::to_string(minute), "c-0042", Millis{12000 + i}}, tablet); break;
      case 6: add(VitalsTaken{"c-0042", at(minute), 120 + i % 15, 80 + i % 7, 60 + i % 20, 97}, tablet); break;
      case 7: add(Paused{at(minute)}, panel); break;
      case 8: add(Resumed{at(minute) + Millis{30000}}, panel); break;
      case 9:
        if (i % 24 == 9)
          add(PhaseChanged{phases[static_cast<std::size_t>(i / 24 + 1) % phases.size()], i / 24 + 1, at(minute), at(minute + 20)}, room);
        else
          add(Skipped{"music/a.flac", "music/b.flac", at(minute), std::nullopt}, tablet);
        break;
      case 10:
        if (i == 10) {
          add(DoseGiven{"c-0042", "ketamine", "im", 25, "mg", std::nullopt, t0 + at(minute), at(minute), true, "tablet-1"}, tablet);
          add(BoosterGiven{"c-0042", at(minute), "extend", true, at(95), at(105)}, tablet);
        } else if (i % 36 == 10) {
          add(FaultRaised{"light_not_following", "ceiling", "ceiling did not follow"}, room, false);
        } else {
          add(CommandRefused{"booster", "t-" + std::to_string(i), "refused", "the booster window has closed", std::nullopt,
                             std::nullopt, "running"},
              panel, false);
        }
        break;
      default:
        if (i % 36 == 11) add(FaultCleared{"light_not_following", "ceiling"}, room, false);
        else add(Alternated{"music/b.flac", "music/c.flac", at(minute)}, tablet);
        break;
    }
  }
  add(EmergencyRaised{at(70)}, panel, false);
  add(SessionEnded{"emergency", at(70)}, panel);
  add(Recovered{2300, at(70).count() + 2300, "aborted", "monotonic"}, room, false);
  add(VitalsTaken{"c-0042", at(80), 131, 85, 77, std::nullopt}, tablet);
  add(MonitoringEnded{"c-0042", at(90)}, room);
  add(ReminderDue{"discharge", "c-0042", "Discharge check", at(90)}, room);
  add(ReminderAcked{"discharge", "c-0042", Millis{30000}}, tablet);
  add(CheckpointTaken{static_cast<std::int64_t>(out.size()), std::string(64, 'a')}, room, false);
  add(Cleared{}, tablet, false);
  return out;
}

}  // namespace stillroom::test
