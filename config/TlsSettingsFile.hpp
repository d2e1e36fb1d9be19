// TlsSettingsFile: the `tls` map of an MQTT connection (ca_file, cert_file, key_file, verify) as the room
// file and the archive's configuration both write it; the files must exist when the configuration is read.
#pragma once

#include "config/Reader.hpp"
#include "config/Room.hpp"

#include <optional>

namespace stillroom::config {

/** The settings `v` holds, or nothing when it is absent (problems go to `r`). */
[[nodiscard]] std::optional<TlsSettings> read_tls_settings(const Reader& r, const Value& v);

}  // namespace stillroom::config
