// ClientFile: reads one client file — a pseudonymous id, the protocol and
// playlist the client's sessions use, personal caps, and the planned series.
// Refuses anything that would identify a person (names, birth dates ...). How
// a protocol and a playlist fit together (music for every phase, lyrics only
// where allowed) is the plan's to judge: it knows what actually plays. Runs on
// the caller's thread.
#pragma once

#include "config/Client.hpp"
#include "config/Known.hpp"
#include "config/Problems.hpp"
#include "config/YamlFile.hpp"

#include <optional>
#include <string>
#include <vector>

namespace stillroom::config {

/** The client in `file`, or nullopt when the file holds none that can be named. */
[[nodiscard]] std::optional<Client> read_client(const YamlFile& file, const Known& known, Problems& problems);

/** Keys that would store who a client is; refused wherever they appear in a client file. */
[[nodiscard]] const std::vector<std::string>& identity_keys();

}  // namespace stillroom::config
