#include "session/Command.hpp"

#include <array>
#include <utility>

namespace stillroom::session {
namespace {

constexpr std::array<std::pair<CommandKind, const char*>, 23> names{{
    {CommandKind::Preload, "preload"},     {CommandKind::EnterDose, "enter_dose"}, {CommandKind::Start, "start"},
    {CommandKind::Dose, "dose"},           {CommandKind::Pause, "pause"},          {CommandKind::Resume, "resume"},
    {CommandKind::Talk, "talk"},           {CommandKind::Volume, "volume"},        {CommandKind::Skip, "skip"},
    {CommandKind::Alternate, "alternate"}, {CommandKind::Booster, "booster"},      {CommandKind::Ack, "ack"},
    {CommandKind::Vitals, "vitals"},       {CommandKind::Stop, "stop"},            {CommandKind::Emergency, "emergency"},
    {CommandKind::Clear, "clear"},         {CommandKind::History, "history"},      {CommandKind::Observe, "observe"},
    {CommandKind::ReadyToLeave, "ready_to_leave"}, {CommandKind::Discharge, "discharge"},
    {CommandKind::Sign, "sign"},           {CommandKind::Addendum, "addendum"},    {CommandKind::Summary, "summary"},
}};

}  // namespace

const char* to_string(CommandKind kind) noexcept {
  for (const auto& [k, name] : names)
    if (k == kind) return name;
  return "?";
}

std::optional<CommandKind> command_kind(std::string_view name) noexcept {
  for (const auto& [k, text] : names)
    if (name == text) return k;
  return std::nullopt;
}

}  // namespace stillroom::session
