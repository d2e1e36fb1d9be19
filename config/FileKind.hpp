// FileKind: which of the four kinds of configuration file a document is. A
// playlist dropped into the protocols directory gets one clear message instead
// of a screenful of unknown keys.
#pragma once

#include "config/Reader.hpp"

#include <string>
#include <vector>

namespace stillroom::config {

/** The top-level keys that mark each kind of file: room, protocol, playlist, client. */
[[nodiscard]] const std::vector<std::string>& file_kinds();

/**
 * True when the document is a map that is not obviously another kind of file.
 * Reports an empty document, a document that is not a map, and a file of
 * another kind ("this is a playlist file, not a protocol file").
 */
[[nodiscard]] bool check_file_kind(const Reader& reader, const std::string& kind);

}  // namespace stillroom::config
