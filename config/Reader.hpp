// Reader: typed reading of YAML values in one file. Every refusal becomes a
// problem at the value's position saying what was expected and what was
// written; the caller gets nullopt and carries on with its default, so one run
// reports every mistake. Used by the file readers on the loading thread.
#pragma once

#include "config/Duration.hpp"
#include "config/Problems.hpp"
#include "config/YamlFile.hpp"

#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace stillroom::config {

/** A YAML value and where to point at it. */
struct Value {
  /** Undefined when the key is absent. */
  YAML::Node node;
  /** The value's position, or its key's when the value is empty (yaml-cpp marks empty values badly). */
  SourceMark at;

  [[nodiscard]] bool present() const { return node.IsDefined(); }
};

/** Bounds for Reader::duration; the defaults mean "no bound". */
struct DurationRange {
  Millis min = Millis::min();
  Millis max = Millis::max();
};

class Reader {
 public:
  Reader(const YamlFile& file, Problems& problems) : file_(file), problems_(problems) {}

  [[nodiscard]] const YamlFile& file() const noexcept { return file_; }
  [[nodiscard]] Problems& problems() const noexcept { return problems_; }

  /** Wraps a node found inside a list or at the root. */
  [[nodiscard]] Value value(const YAML::Node& node) const { return {node, file_.mark(node)}; }

  void error(const SourceMark& at, std::string message) const { problems_.error(at, std::move(message)); }
  void warning(const SourceMark& at, std::string message) const { problems_.warning(at, std::move(message)); }

  /** Any scalar as written. */
  [[nodiscard]] std::optional<std::string> text(const Value& v) const;
  /** Non-empty text. */
  [[nodiscard]] std::optional<std::string> nonempty_text(const Value& v) const;
  /** An id: letters, digits, '-', '_' (1..64). `what` names it in the message ("scene name"). */
  [[nodiscard]] std::optional<std::string> name(const Value& v, std::string_view what) const;
  [[nodiscard]] std::optional<double> number(const Value& v, double min, double max) const;
  /** A number with an optional "dB" unit. */
  [[nodiscard]] std::optional<double> decibels(const Value& v, double min, double max) const;
  [[nodiscard]] std::optional<long long> integer(const Value& v, long long min, long long max) const;
  [[nodiscard]] std::optional<bool> boolean(const Value& v) const;
  [[nodiscard]] std::optional<Millis> duration(const Value& v, DurationRange range = {}) const;
  /** 0..100, "40%" or "40". */
  [[nodiscard]] std::optional<double> percent(const Value& v) const;
  /** 1500..10000 K, "2700K" or "2700". */
  [[nodiscard]] std::optional<int> kelvin(const Value& v) const;
  /** A path resolved against this file's directory, absolute. */
  [[nodiscard]] std::optional<std::string> path(const Value& v) const;
  /** One of `allowed`; otherwise "unknown <what> 'x' (did you mean ...)". */
  [[nodiscard]] std::optional<std::string> choice(const Value& v, std::string_view what,
                                                  const std::vector<std::string>& allowed) const;
  /** The items of a list; a single scalar counts as a one-item list when `single_allowed`. */
  [[nodiscard]] std::vector<Value> items(const Value& v, bool single_allowed = false) const;

  /** How a value reads in "got ..." messages: 'text', a map, a list, nothing. */
  [[nodiscard]] static std::string describe(const YAML::Node& node);

 private:
  /** The scalar text, or a problem "expected <expected>, got <what it is>". */
  [[nodiscard]] std::optional<std::string> scalar(const Value& v, std::string_view expected) const;

  const YamlFile& file_;
  Problems& problems_;
};

}  // namespace stillroom::config
