#include "session/EventCodec.hpp"

#include <cmath>
#include <cstdint>
#include <utility>

namespace stillroom::session {
namespace {

using nlohmann::json;

[[noreturn]] void fail(std::string_view type, const std::string& message) {
  throw EventError(std::string(type) + ": " + message);
}

std::string shown(const json& value) {
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

/** Writes each field the reader may see. */
class Writer {
 public:
  Writer(json& out, Visibility reader) : out_(out), reader_(reader) {}

  template <class T>
  void operator()(const char* name, const T& value, Visibility visibility = Visibility::Public) {
    if (static_cast<int>(visibility) > static_cast<int>(reader_)) return;
    put(name, value);
  }

 private:
  void put(const char* name, const std::string& v) { out_[name] = v; }
  void put(const char* name, double v) { out_[name] = v; }
  void put(const char* name, bool v) { out_[name] = v; }
  void put(const char* name, std::int64_t v) { out_[name] = v; }
  void put(const char* name, Millis v) { out_[name] = v.count(); }
  void put(const char* name, Instant v) { out_[name] = config::format_instant(v); }
  void put(const char* name, const std::vector<std::string>& v) { out_[name] = v; }
  void put(const char* name, const std::map<std::string, std::int64_t>& v) { out_[name] = v; }
  template <class T>
  void put(const char* name, const std::optional<T>& v) {
    if (v) put(name, *v);
  }

  json& out_;
  Visibility reader_;
};

/** Reads each field, refusing a missing required one or a wrong JSON type. */
class Reader {
 public:
  Reader(const json& in, std::string_view type) : in_(in), type_(type) {}

  template <class T>
  void operator()(const char* name, T& value, Visibility = Visibility::Public) {
    const auto it = in_.find(name);
    if (it == in_.end() || it->is_null()) {
      if constexpr (!is_optional<T>::value) fail(type_, std::string("payload field '") + name + "' is missing");
      return;
    }
    get(name, *it, value);
  }

 private:
  template <class T>
  struct is_optional : std::false_type {};
  template <class T>
  struct is_optional<std::optional<T>> : std::true_type {};

  [[noreturn]] void wrong(const char* name, const char* expected, const json& v) const {
    fail(type_, std::string("payload field '") + name + "' must be " + expected + ", got " + shown(v));
  }

  void get(const char* name, const json& v, std::string& out) const {
    if (!v.is_string()) wrong(name, "a string", v);
    out = v.get<std::string>();
  }
  void get(const char* name, const json& v, double& out) const {
    if (!v.is_number()) wrong(name, "a number", v);
    out = v.get<double>();
    if (!std::isfinite(out)) wrong(name, "a finite number", v);
  }
  void get(const char* name, const json& v, bool& out) const {
    if (!v.is_boolean()) wrong(name, "true or false", v);
    out = v.get<bool>();
  }
  void get(const char* name, const json& v, std::int64_t& out) const {
    if (!v.is_number_integer()) wrong(name, "an integer", v);
    // An unsigned value beyond the signed range would wrap: the stored payload and the replayed event would differ.
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
      wrong(name, "an integer within the signed 64-bit range", v);
    out = v.get<std::int64_t>();
  }
  void get(const char* name, const json& v, Millis& out) const {
    std::int64_t ms = 0;
    get(name, v, ms);
    out = Millis{ms};
  }
  void get(const char* name, const json& v, Instant& out) const {
    if (!v.is_string()) wrong(name, "an RFC 3339 instant", v);
    const auto parsed = config::parse_instant(v.get<std::string>());
    if (!parsed) wrong(name, "an RFC 3339 instant", v);
    out = *parsed;
  }
  void get(const char* name, const json& v, std::vector<std::string>& out) const {
    if (!v.is_array()) wrong(name, "an array of strings", v);
    out.clear();
    for (const auto& item : v) {
      if (!item.is_string()) wrong(name, "an array of strings", v);
      out.push_back(item.get<std::string>());
    }
  }
  void get(const char* name, const json& v, std::map<std::string, std::int64_t>& out) const {
    if (!v.is_object()) wrong(name, "an object of integers", v);
    out.clear();
    for (const auto& [key, item] : v.items()) {
      if (!item.is_number_integer()) wrong(name, "an object of integers", v);
      out[key] = item.get<std::int64_t>();
    }
  }
  template <class T>
  void get(const char* name, const json& v, std::optional<T>& out) const {
    T value{};
    get(name, v, value);
    out = std::move(value);
  }

  const json& in_;
  std::string_view type_;
};

/** Collects the names of the fields a reader may not see. */
class Hidden {
 public:
  explicit Hidden(Visibility reader) : reader_(reader) {}
  template <class T>
  void operator()(const char* name, const T&, Visibility visibility = Visibility::Public) {
    if (static_cast<int>(visibility) > static_cast<int>(reader_)) names.emplace_back(name);
  }
  std::vector<std::string> names;

 private:
  Visibility reader_;
};

template <class T>
Event decode_as(const json& payload) {
  T event;
  Reader reader(payload, T::kType);
  T::describe(event, reader);
  if constexpr (requires { T::check(event); }) {
    if (auto problem = T::check(event); !problem.empty()) fail(T::kType, problem);
  }
  return event;
}

/** Calls `found(Alternative{})`-style visitors for the alternative named `type`; false when none is. */
template <std::size_t... I, class F>
bool with_type(std::string_view type, F&& found, std::index_sequence<I...>) {
  bool matched = false;
  (void)((std::variant_alternative_t<I, Event>::kType == type
              ? (found(std::integral_constant<std::size_t, I>{}), matched = true)
              : false) ||
         ...);
  return matched;
}

template <class F>
bool with_type(std::string_view type, F&& found) {
  return with_type(type, std::forward<F>(found), std::make_index_sequence<std::variant_size_v<Event>>{});
}

}  // namespace

json encode(const Event& event, Visibility reader) {
  json out = json::object();
  std::visit(
      [&](const auto& e) {
        Writer writer(out, reader);
        std::decay_t<decltype(e)>::describe(e, writer);
      },
      event);
  return out;
}

Event decode(std::string_view type, const json& payload) {
  if (!payload.is_object()) fail(type, "payload is not a JSON object");
  std::optional<Event> event;
  const bool known = with_type(type, [&](auto index) {
    using T = std::variant_alternative_t<decltype(index)::value, Event>;
    event = decode_as<T>(payload);
  });
  if (!known) throw EventError("unknown event type '" + std::string(type) + "'");
  return std::move(*event);
}

json redact(std::string_view type, const json& payload, Visibility reader) {
  json out = payload;
  if (!out.is_object()) return json::object();
  const bool known = with_type(type, [&](auto index) {
    using T = std::variant_alternative_t<decltype(index)::value, Event>;
    Hidden hidden(reader);
    const T sample{};
    T::describe(sample, hidden);
    for (const auto& name : hidden.names) out.erase(name);
  });
  return known ? out : json::object();
}

const std::vector<std::string_view>& event_types() {
  static const std::vector<std::string_view> types = [] {
    std::vector<std::string_view> out;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (out.push_back(std::variant_alternative_t<I, Event>::kType), ...);
    }(std::make_index_sequence<std::variant_size_v<Event>>{});
    return out;
  }();
  return types;
}

bool is_recorded_type(std::string_view type) noexcept {
  bool recorded = false;
  with_type(type, [&](auto index) { recorded = std::variant_alternative_t<decltype(index)::value, Event>::kRecorded; });
  return recorded;
}

bool type_needs_session(std::string_view type) noexcept {
  bool needs = false;
  with_type(type, [&](auto index) { needs = std::variant_alternative_t<decltype(index)::value, Event>::kInSession; });
  return needs;
}

}  // namespace stillroom::session
