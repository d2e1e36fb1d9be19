#include "config/ClientFile.hpp"

#include "config/FileKind.hpp"
#include "config/MapReader.hpp"
#include "config/Scalars.hpp"
#include "config/Suggest.hpp"

#include <algorithm>

namespace stillroom::config {
namespace {

bool is_identity_key(const std::string& key) {
  const auto& keys = identity_keys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

/** Reports every identity key in `map` (a mapping node of a client file). */
void refuse_identity(const Reader& r, const Value& map) {
  if (!map.present() || !map.node.IsMap()) return;
  for (const auto& pair : map.node) {
    if (pair.first.IsScalar() && is_identity_key(pair.first.Scalar()))
      r.error(r.file().mark(pair.first),
              "'" + pair.first.Scalar() + "' would identify a person: client files hold only a pseudonymous id "
              "(the mapping to the person lives in the EHR); remove it");
  }
}

/** A protocol or playlist reference, checked against what has been loaded. */
template <typename IsKnown>
std::string reference(const Reader& r, const Value& v, const char* what, IsKnown is_known,
                      const std::vector<std::string>& ids) {
  const auto id = r.text(v);
  if (!id) return "";
  if (!is_known(*id)) r.error(v.at, std::string("unknown ") + what + " '" + *id + "'" + did_you_mean(*id, ids));
  return *id;
}

void read_lighting(const Reader& r, const Value& v, Client& client) {
  const MapReader m(r, v, "lighting", {"max_brightness", "color_temp"});
  if (!m) return;
  client.max_brightness_pct = r.percent(m.get("max_brightness"));
  client.color_temp_k = r.kelvin(m.get("color_temp"));
}

void read_series(const Reader& r, const Value& v, const Known& known, Client& client) {
  const MapReader m = MapReader::free_keys(r, v, "series");
  const auto has_playlist = [&](const std::string& id) { return known.has_playlist(id); };
  const auto has_protocol = [&](const std::string& id) { return known.has_protocol(id); };
  int expected = 1;
  for (const auto& [key, value] : m.entries()) {
    const auto number = r.integer(key, 1, 100);
    refuse_identity(r, value);
    const MapReader s(r, value, "series session", {"playlist", "protocol", "dose_mg"}, identity_keys());
    if (!number || !s) continue;
    const int n = static_cast<int>(*number);
    if (client.series.count(n) != 0) {
      r.error(key.at, "session " + std::to_string(n) + " is listed twice");
      continue;
    }
    if (n > expected)
      r.warning(key.at, "the series skips session" + std::string(n - expected > 1 ? "s " : " ") + std::to_string(expected) +
                            (n - expected > 1 ? " to " + std::to_string(n - 1) : ""));
    expected = std::max(expected, n + 1);
    SeriesStep step;
    step.where = key.at;
    const Value playlist = s.get("playlist");
    const Value protocol = s.get("protocol");
    step.playlist = playlist.present() ? reference(r, playlist, "playlist", has_playlist, known.playlist_ids())
                                       : client.playlist;
    if (protocol.present()) step.protocol = reference(r, protocol, "protocol", has_protocol, known.protocol_ids());
    step.dose_mg = r.number(s.get("dose_mg"), 0.1, 2000.0);
    client.series[n] = step;
  }
}

}  // namespace

const std::vector<std::string>& identity_keys() {
  static const std::vector<std::string> keys = {
      "name",     "first_name", "firstname", "last_name", "lastname", "surname",   "given_name", "family_name",
      "full_name", "initials",  "dob",       "date_of_birth", "birth_date", "birthdate", "birthday", "age",
      "email",    "phone",      "mobile",    "address",   "postcode", "zip",       "mrn",        "ssn",
      "nhs_number", "insurance", "patient",  "patient_name"};
  return keys;
}

std::optional<Client> read_client(const YamlFile& file, const Known& known, Problems& problems) {
  if (!file.parsed()) return std::nullopt;
  const Reader r(file, problems);
  if (!check_file_kind(r, "client")) return std::nullopt;
  const Value root = r.value(file.root());
  refuse_identity(r, root);
  const MapReader top(r, root, "client file", {"client"}, identity_keys());
  const Value body = top.get("client", Need::Required);
  refuse_identity(r, body);
  const MapReader m(r, body, "client", {"id", "protocol", "playlist", "max_volume_db", "lighting", "series"},
                    identity_keys());
  if (!m) return std::nullopt;
  Client client;
  client.where = m.at();
  const Value id = m.get("id");
  if (id.present()) {
    const auto name = r.name(id, "client id");
    if (!name) return std::nullopt;
    client.id = *name;
    if (client.id != file.stem())
      r.warning(id.at, "client id '" + client.id + "' differs from the file name '" + file.stem() + "'");
  } else if (is_name(file.stem())) {
    client.id = file.stem();
  } else {
    r.error(file.whole(), "the file name '" + file.stem() + "' is not a valid client id: give one with 'id:'");
    return std::nullopt;
  }
  const Value protocol = m.get("protocol", Need::Required);
  const Value playlist = m.get("playlist", Need::Required);
  client.protocol = reference(
      r, protocol, "protocol", [&](const std::string& p) { return known.has_protocol(p); }, known.protocol_ids());
  client.playlist = reference(
      r, playlist, "playlist", [&](const std::string& p) { return known.has_playlist(p); }, known.playlist_ids());
  const Value cap = m.get("max_volume_db");
  if (const auto db = r.decibels(cap, -60.0, 12.0)) {
    const double room_cap = known.library->room.audio.max_volume_db;
    if (known.room_read && *db > room_cap)
      r.error(cap.at, "client max_volume_db " + format_number(*db) + " is above the room's max_volume_db " +
                          format_number(room_cap));
    else
      client.max_volume_db = db;
  }
  read_lighting(r, m.get("lighting"), client);
  read_series(r, m.get("series"), known, client);
  return client;
}

}  // namespace stillroom::config
