#include "config/MapReader.hpp"

#include "config/Suggest.hpp"

#include <algorithm>

namespace stillroom::config {

MapReader::MapReader(const Reader& reader, const Value& map, std::string what)
    : reader_(reader), node_(map.node), at_(map.at), what_(std::move(what)) {
  if (!map.present()) return;
  if (!map.node.IsMap()) {
    reader_.error(map.at, "expected a map for " + what_ + ", got " + Reader::describe(map.node));
    return;
  }
  valid_ = true;
}

MapReader::MapReader(const Reader& reader, const Value& map, std::string what, std::vector<std::string> keys,
                     const std::vector<std::string>& reserved)
    : MapReader(reader, map, std::move(what)) {
  keys_ = std::move(keys);
  if (valid_) check_keys(reserved);
}

MapReader MapReader::free_keys(const Reader& reader, const Value& map, std::string what) {
  MapReader m(reader, map, std::move(what));
  if (m.valid_) {
    for (const auto& pair : m.node_)
      if (!pair.first.IsScalar())
        reader.error(reader.file().mark(pair.first), "expected a name as key in " + m.what_ + ", got " +
                                                         Reader::describe(pair.first));
  }
  return m;
}

void MapReader::check_keys(const std::vector<std::string>& reserved) const {
  for (const auto& pair : node_) {
    const auto at = reader_.file().mark(pair.first);
    if (!pair.first.IsScalar()) {
      reader_.error(at, "expected a key name in " + what_ + ", got " + Reader::describe(pair.first));
      continue;
    }
    const std::string& key = pair.first.Scalar();
    if (std::find(keys_.begin(), keys_.end(), key) != keys_.end()) continue;
    if (std::find(reserved.begin(), reserved.end(), key) != reserved.end()) continue;
    const auto near = nearest(key, keys_);
    reader_.error(at, "unknown key '" + key + "' in " + what_ +
                          (near ? " (did you mean '" + *near + "'?)" : " (expected one of: " + join(keys_) + ")"));
  }
}

bool MapReader::has(std::string_view key) const { return get(key).present(); }

Value MapReader::get(std::string_view key, Need need) const {
  if (valid_) {
    for (const auto& pair : node_) {
      if (pair.first.IsScalar() && pair.first.Scalar() == key) {
        // An empty value ("to:") carries the mark of whatever follows it; point at the key instead.
        const auto at = pair.second.IsNull() ? reader_.file().mark(pair.first) : reader_.file().mark(pair.second);
        return {pair.second, at};
      }
    }
  }
  if (valid_ && need == Need::Required) reader_.error(at_, what_ + " is missing required key '" + std::string(key) + "'");
  return {YAML::Node(YAML::NodeType::Undefined), at_};
}

std::vector<std::pair<Value, Value>> MapReader::entries() const {
  std::vector<std::pair<Value, Value>> out;
  if (!valid_) return out;
  for (const auto& pair : node_) {
    if (!pair.first.IsScalar()) continue;
    out.emplace_back(reader_.value(pair.first),
                     Value{pair.second, pair.second.IsNull() ? reader_.file().mark(pair.first)
                                                             : reader_.file().mark(pair.second)});
  }
  return out;
}

}  // namespace stillroom::config

