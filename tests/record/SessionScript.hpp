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
  const RecordActor tablet{"tablet-1", "tablet"};
  const RecordActor panel{"panel-1", "panel"};
  const RecordActor room{"room-1", "system"};
  const auto at = [](int minute) { return 60000 * minute; };
  std::vector<record::EventDraft> out;
  const auto add = [&](std::string type, nlohmann::json payload, RecordActor actor, bool in_session = true) {
    out.push_back(draft(std::move(type), std::move(payload), in_session ? session : "", std::move(actor)));
  };
  add("session_preloaded",
      {{"clients", {"c-0042"}}, {"protocol", "im"}, {"route", "im"}, {"playlist", "calm"}, {"session_number", 3},
       {"dose_mg", 50}, {"shuffle_seed", 1234567}},
      tablet);
  add("session_started",
      {{"dose_at", "2026-01-01T09:30:00.000Z"}, {"clients", {"c-0042"}}, {"protocol", "im"}, {"route", "im"},
       {"playlist", "calm"}},
      panel);
  add("dose", {{"client", "c-0042"}, {"at", "2026-01-01T09:30:00.000Z"}, {"dose_mg", 50}, {"route", "im"},
               {"medication", "ketamine"}, {"booster", false}},
      tablet);
  add("phase_changed", {{"phase", "onset"}, {"index", 0}, {"at_dose_ms", 0}}, room);
  add("reminder_due", {{"reminder", "bp-pre"}, {"text", "Blood pressure before the injection"}, {"due_dose_ms", 0}},
      room);
  add("reminder_acked", {{"reminder", "bp-pre"}, {"after_ms", 41000}}, tablet);
  add("vitals", {{"client", "c-0042"}, {"bp_sys", 128}, {"bp_dia", 82}, {"hr", 71}, {"spo2", 98}}, tablet);
  const std::vector<std::string> phases = {"onset", "peak", "plateau", "return"};
  // Nine events close the session after the loop.
  const std::size_t body = static_cast<std::size_t>(std::max(count - 9, static_cast<int>(out.size()) + 1));
  for (int i = 0; out.size() < body; ++i) {
    const int minute = 1 + i / 3;
    switch (i % 12) {
      case 0:
        add("track_changed", {{"title", "Slow Water " + std::to_string(i)}, {"artist", "Demo"},
                              {"file", "music/slow-water-" + std::to_string(i % 7) + ".flac"},
                              {"phase", phases[static_cast<std::size_t>(i / 30) % phases.size()]}},
            room);
        break;
      case 1: add("volume", {{"db", -6.0 - (i % 5)}}, tablet); break;
      case 2: add("talk", {{"on", true}}, panel); break;
      case 3: add("talk", {{"on", false}}, panel); break;
      case 4:
        add("reminder_due", {{"reminder", "bp-" + std::to_string(minute)}, {"text", "Blood pressure"},
                             {"due_dose_ms", at(minute)}},
            room);
        break;
      case 5: add("reminder_acked", {{"reminder", "bp-" + std::to_string(minute)}, {"after_ms", 12000 + i}}, tablet); break;
      case 6:
        add("vitals", {{"client", "c-0042"}, {"bp_sys", 120 + i % 15}, {"bp_dia", 80 + i % 7}, {"hr", 60 + i % 20},
                       {"spo2", 97}},
            tablet);
        break;
      case 7: add("paused", {{"at_dose_ms", at(minute)}}, panel); break;
      case 8: add("resumed", {{"at_dose_ms", at(minute) + 30000}}, panel); break;
      case 9:
        if (i % 24 == 9)
          add("phase_changed", {{"phase", phases[static_cast<std::size_t>(i / 24 + 1) % phases.size()]},
                                {"index", i / 24 + 1}, {"at_dose_ms", at(minute)}},
              room);
        else
          add("skip", {{"from", "music/a.flac"}, {"to", "music/b.flac"}}, tablet);
        break;
      case 10:
        if (i == 10) add("booster", {{"dose_mg", 25}, {"at_dose_ms", at(minute)}, {"rule", "extend"}}, tablet);
        else if (i % 36 == 10) add("fault", {{"code", "light_not_following"}, {"message", "ceiling did not follow"}}, room, false);
        else add("command_refused", {{"cmd", "booster"}, {"id", "t-" + std::to_string(i)}, {"error", "the booster window has closed"}}, panel, false);
        break;
      default:
        if (i % 36 == 11) add("fault_cleared", {{"code", "light_not_following"}}, room, false);
        else add("alternate", {{"from", "music/b.flac"}, {"to", "music/c.flac"}}, tablet);
        break;
    }
  }
  add("emergency", nlohmann::json::object(), panel, false);
  add("session_ended", {{"reason", "emergency"}, {"at_dose_ms", at(70)}}, panel);
  add("recovered", {{"outage_ms", 2300}, {"position_ms", at(70) + 2300}}, room, false);
  add("vitals", {{"client", "c-0042"}, {"bp_sys", 131}, {"bp_dia", 85}, {"hr", 77}}, tablet);
  add("monitoring_ended", {{"at_dose_ms", at(90)}}, room);
  add("reminder_due", {{"reminder", "discharge"}, {"text", "Discharge check"}, {"due_dose_ms", at(90)}}, room);
  add("reminder_acked", {{"reminder", "discharge"}, {"after_ms", 30000}}, tablet);
  add("checkpoint", {{"seq", static_cast<int>(out.size())}, {"hash", std::string(64, 'a')}}, room, false);
  add("cleared", nlohmann::json::object(), tablet, false);
  return out;
}

}  // namespace stillroom::test
