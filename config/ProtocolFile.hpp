// ProtocolFile: reads one protocol file — the phases of the dose clock, the
// clinical reminders, the booster rule — and checks that the timeline holds
// together (contiguous phases, reminders inside the session, volumes under the
// room's cap, scenes that exist). Runs on the caller's thread.
#pragma once

#include "config/Known.hpp"
#include "config/Problems.hpp"
#include "config/Protocol.hpp"
#include "config/YamlFile.hpp"

#include <optional>
#include <string>
#include <vector>

namespace stillroom::config {

/** The protocol in `file`, or nullopt when the file holds none that can be named. */
[[nodiscard]] std::optional<Protocol> read_protocol(const YamlFile& file, const Known& known, Problems& problems);

/** im | sublingual | iv | intranasal | oral | other */
[[nodiscard]] const std::vector<std::string>& routes();

}  // namespace stillroom::config
