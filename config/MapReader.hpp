// MapReader: one YAML map with a known set of keys. Reports a value that is
// not a map, unknown keys (with the nearest valid key), and missing required
// keys at the map's own position — yaml-cpp says none of this itself.
#pragma once

#include "config/Reader.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stillroom::config {

enum class Need { Optional, Required };

class MapReader {
 public:
  /**
   * Checks that `map` is a map whose keys are all in `keys`. Keys in `reserved`
   * are neither reported as unknown nor suggested: the caller reports them
   * with a better message. `what` names the map in messages ("phase").
   */
  MapReader(const Reader& reader, const Value& map, std::string what, std::vector<std::string> keys,
            const std::vector<std::string>& reserved = {});

  /** A map whose keys are names chosen by the clinic (scenes, devices): only the shape is checked. */
  static MapReader free_keys(const Reader& reader, const Value& map, std::string what);

  /** The value was a map (an absent optional map is not an error, but is not valid either). */
  explicit operator bool() const noexcept { return valid_; }
  [[nodiscard]] const SourceMark& at() const noexcept { return at_; }
  [[nodiscard]] const std::string& what() const noexcept { return what_; }
  [[nodiscard]] const Reader& reader() const noexcept { return reader_; }

  [[nodiscard]] bool has(std::string_view key) const;
  /** The value under `key` (the first, if repeated); reports a missing required key. */
  [[nodiscard]] Value get(std::string_view key, Need need = Need::Optional) const;
  /** Every key (scalar keys only) with its value, in file order. */
  [[nodiscard]] std::vector<std::pair<Value, Value>> entries() const;

 private:
  MapReader(const Reader& reader, const Value& map, std::string what);
  void check_keys(const std::vector<std::string>& reserved) const;

  const Reader& reader_;
  YAML::Node node_;
  SourceMark at_;
  std::string what_;
  std::vector<std::string> keys_;
  bool valid_ = false;
};

}  // namespace stillroom::config
