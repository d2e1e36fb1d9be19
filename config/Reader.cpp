#include "config/Reader.hpp"

#include "config/Scalars.hpp"
#include "config/Suggest.hpp"

namespace stillroom::config {
namespace {

constexpr int min_kelvin = 1500;
constexpr int max_kelvin = 10000;

std::string range_text(double min, double max) {
  constexpr double none = std::numeric_limits<double>::max();
  if (min <= -none) return "at most " + format_number(max);
  if (max >= none) return "at least " + format_number(min);
  return "from " + format_number(min) + " to " + format_number(max);
}

std::string range_text(DurationRange range) {
  if (range.min == Millis::min()) return "at most " + format_duration(range.max);
  if (range.max == Millis::max()) return "at least " + format_duration(range.min);
  return "from " + format_duration(range.min) + " to " + format_duration(range.max);
}

}  // namespace

std::string Reader::describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

std::optional<std::string> Reader::scalar(const Value& v, std::string_view expected) const {
  if (!v.present()) return std::nullopt;
  if (!v.node.IsScalar()) {
    error(v.at, "expected " + std::string(expected) + ", got " + describe(v.node));
    return std::nullopt;
  }
  return v.node.Scalar();
}

std::optional<std::string> Reader::text(const Value& v) const { return scalar(v, "text"); }

std::optional<std::string> Reader::nonempty_text(const Value& v) const {
  auto t = scalar(v, "text");
  if (t && t->find_first_not_of(" \t") == std::string::npos) {
    error(v.at, "expected text, got an empty string");
    return std::nullopt;
  }
  return t;
}

std::optional<std::string> Reader::name(const Value& v, std::string_view what) const {
  auto t = scalar(v, std::string(what) + " (letters, digits, '-' and '_')");
  if (t && !is_name(*t)) {
    error(v.at, "invalid " + std::string(what) + " '" + *t + "': use 1 to 64 letters, digits, '-' and '_'");
    return std::nullopt;
  }
  return t;
}

std::optional<double> Reader::number(const Value& v, double min, double max) const {
  const auto t = scalar(v, "a number");
  if (!t) return std::nullopt;
  const auto n = parse_number(*t);
  if (!n) {
    error(v.at, "expected a number, got '" + *t + "'");
    return std::nullopt;
  }
  if (*n < min || *n > max) {
    error(v.at, "expected a number " + range_text(min, max) + ", got " + *t);
    return std::nullopt;
  }
  return n;
}

std::optional<double> Reader::decibels(const Value& v, double min, double max) const {
  const auto t = scalar(v, "a level in dB");
  if (!t) return std::nullopt;
  const auto n = parse_decibels(*t);
  if (!n) {
    error(v.at, "expected a level in dB like -6 or -6dB, got '" + *t + "'");
    return std::nullopt;
  }
  if (*n < min || *n > max) {
    error(v.at, "expected a level " + range_text(min, max) + " dB, got " + *t);
    return std::nullopt;
  }
  return n;
}

std::optional<long long> Reader::integer(const Value& v, long long min, long long max) const {
  const auto t = scalar(v, "a whole number");
  if (!t) return std::nullopt;
  const auto n = parse_integer(*t);
  if (!n) {
    error(v.at, "expected a whole number, got '" + *t + "'");
    return std::nullopt;
  }
  if (*n < min || *n > max) {
    constexpr auto none = std::numeric_limits<long long>::max();
    const std::string range = max == none   ? "at least " + std::to_string(min)
                              : min == -none ? "at most " + std::to_string(max)
                                             : "from " + std::to_string(min) + " to " + std::to_string(max);
    error(v.at, "expected a whole number " + range + ", got " + *t);
    return std::nullopt;
  }
  return n;
}

std::optional<bool> Reader::boolean(const Value& v) const {
  const auto t = scalar(v, "true or false");
  if (!t) return std::nullopt;
  const auto b = parse_bool(*t);
  if (!b) error(v.at, "expected true or false, got '" + *t + "'");
  return b;
}

std::optional<Millis> Reader::duration(const Value& v, DurationRange range) const {
  const auto t = scalar(v, "a duration like 90s, 15m or 1h30m");
  if (!t) return std::nullopt;
  const auto d = parse_duration(*t);
  if (!d) {
    // "5" is the commonest slip: say which units exist rather than guess one.
    const bool bare_number = parse_number(*t).has_value();
    error(v.at, "expected a duration like 90s, 15m or 1h30m, got '" + *t + "'" +
                    (bare_number ? " (a unit is needed: ms, s, m or h)" : ""));
    return std::nullopt;
  }
  if (*d < range.min || *d > range.max) {
    error(v.at, "expected a duration " + range_text(range) + ", got " + *t);
    return std::nullopt;
  }
  return d;
}

std::optional<double> Reader::percent(const Value& v) const {
  const auto t = scalar(v, "a percentage like 40%");
  if (!t) return std::nullopt;
  const auto p = parse_percent(*t);
  if (!p) {
    error(v.at, "expected a percentage like 40%, got '" + *t + "'");
    return std::nullopt;
  }
  if (*p < 0.0 || *p > 100.0) {
    error(v.at, "expected a percentage from 0% to 100%, got " + *t);
    return std::nullopt;
  }
  return p;
}

std::optional<int> Reader::kelvin(const Value& v) const {
  const auto t = scalar(v, "a colour temperature like 2700K");
  if (!t) return std::nullopt;
  const auto k = parse_kelvin(*t);
  if (!k) {
    error(v.at, "expected a colour temperature like 2700K, got '" + *t + "'");
    return std::nullopt;
  }
  if (*k < min_kelvin || *k > max_kelvin) {
    error(v.at, "expected a colour temperature from 1500K to 10000K, got " + *t);
    return std::nullopt;
  }
  return k;
}

std::optional<std::string> Reader::path(const Value& v) const {
  const auto t = scalar(v, "a path");
  if (!t) return std::nullopt;
  if (t->empty()) {
    error(v.at, "expected a path, got an empty string");
    return std::nullopt;
  }
  const auto resolved = resolve_path(file_.dir(), *t);
  if (t->front() == '~')
    warning(v.at, "'~' is not expanded: this path means " + display_path(resolved));
  return resolved.string();
}

std::optional<std::string> Reader::choice(const Value& v, std::string_view what,
                                          const std::vector<std::string>& allowed) const {
  const bool written_null = v.present() && v.node.IsNull() && file_.word_at(v.node) == "null";
  const auto t = written_null ? std::optional<std::string>("null") : scalar(v, "one of " + join(allowed));
  if (!t) return std::nullopt;
  for (const auto& a : allowed)
    if (*t == a) return t;
  const auto near = nearest(*t, allowed);
  error(v.at, "unknown " + std::string(what) + " '" + *t + "'" +
                  (near ? " (did you mean '" + *near + "'?)" : " (expected one of: " + join(allowed) + ")"));
  return std::nullopt;
}

std::vector<Value> Reader::items(const Value& v, bool single_allowed) const {
  std::vector<Value> out;
  if (!v.present()) return out;
  if (v.node.IsSequence()) {
    for (const auto& item : v.node) out.push_back(value(item));
  } else if (single_allowed && v.node.IsScalar()) {
    out.push_back(v);
  } else {
    error(v.at, "expected a list, got " + describe(v.node));
  }
  return out;
}

}  // namespace stillroom::config
