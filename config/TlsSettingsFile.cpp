#include "config/TlsSettingsFile.hpp"

#include "config/MapReader.hpp"
#include "config/YamlFile.hpp"

#include <filesystem>

namespace stillroom::config {

std::optional<TlsSettings> read_tls_settings(const Reader& r, const Value& v) {
  const MapReader m(r, v, "tls", {"ca_file", "cert_file", "key_file", "verify"});
  if (!m) return std::nullopt;
  TlsSettings tls;
  // Without these files the room cannot reach the broker at all: say so now, not at connect time.
  const auto existing = [&](const char* key) -> std::string {
    const Value value = m.get(key);
    const auto path = r.path(value);
    if (!path) return "";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*path, ec))
      r.error(value.at, std::string(key) + " not found: " + display_path(*path));
    return *path;
  };
  tls.ca_file = existing("ca_file");
  tls.cert_file = existing("cert_file");
  tls.key_file = existing("key_file");
  if (tls.cert_file.empty() != tls.key_file.empty())
    r.error(m.at(), "tls needs both cert_file and key_file for a client certificate, or neither");
  tls.verify = r.boolean(m.get("verify")).value_or(true);
  return tls;
}

}  // namespace stillroom::config
