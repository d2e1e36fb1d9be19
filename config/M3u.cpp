#include "config/M3u.hpp"
#include "config/Scalars.hpp"

#include <cctype>
#include <cmath>

namespace stillroom::config {
namespace {

bool starts_with_folded(std::string_view text, std::string_view prefix) noexcept {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(text[i])) != std::toupper(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/** "file:///music/a%20b.flac" -> "/music/a b.flac"; nullopt for other hosts. */
std::optional<std::string> file_url_path(std::string_view url) {
  url.remove_prefix(7);  // "file://"
  if (starts_with_folded(url, "localhost/")) url.remove_prefix(9);
  if (url.empty() || url.front() != '/') return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < url.size(); ++i) {
    if (url[i] == '%' && i + 2 < url.size() && hex_value(url[i + 1]) >= 0 && hex_value(url[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(url[i + 1]) * 16 + hex_value(url[i + 2])));
      i += 2;
    } else {
      out.push_back(url[i]);
    }
  }
  return out;
}

/** A URL scheme ("http:") at the start of the line; a single letter is a drive, not a scheme. */
bool has_url_scheme(std::string_view line) noexcept {
  std::size_t i = 0;
  while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '+' || line[i] == '-' ||
                             line[i] == '.'))
    ++i;
  return i >= 2 && i + 2 < line.size() && line[i] == ':' && line[i + 1] == '/' && line[i + 2] == '/';
}

/** Longest #EXTINF length taken as given: over eleven days. */
constexpr double max_extinf_seconds = 1'000'000.0;

struct ExtInf {
  std::string title;
  std::string artist;
  std::optional<Millis> length;
};

/** "#EXTINF:123 tvg-x="a,b",Artist - Title" */
ExtInf parse_extinf(std::string_view rest) {
  ExtInf info;
  // The display text starts after the first comma outside quotes (attributes may quote commas).
  bool quoted = false;
  std::size_t comma = std::string_view::npos;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '"') quoted = !quoted;
    if (rest[i] == ',' && !quoted) {
      comma = i;
      break;
    }
  }
  const std::string_view head = rest.substr(0, comma);
  const std::string_view seconds = head.substr(0, head.find_first_of(" \t"));
  // A length rounds to at least 1 ms; beyond max_extinf_seconds it is a typo (and would overflow), not a track.
  if (const auto s = parse_number(seconds); s && *s >= 0.0005 && *s <= max_extinf_seconds)
    info.length = Millis{static_cast<long long>(std::llround(*s * 1000.0))};
  if (comma == std::string_view::npos) return info;
  const std::string_view display = trim_space(rest.substr(comma + 1));
  const auto dash = display.find(" - ");
  if (dash == std::string_view::npos) {
    info.title = std::string(display);
  } else {
    info.artist = std::string(trim_space(display.substr(0, dash)));
    info.title = std::string(trim_space(display.substr(dash + 3)));
  }
  return info;
}

}  // namespace

M3uList parse_m3u(std::string_view text, const std::filesystem::path& base_dir) {
  M3uList list;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::optional<ExtInf> pending;
  int line_number = 0;
  while (!text.empty()) {
    ++line_number;
    // LF, CRLF and old CR-only files alike.
    const auto end = text.find_first_of("\r\n");
    std::string_view line = text.substr(0, end);
    if (end == std::string_view::npos) {
      text = {};
    } else {
      const bool crlf = text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n';
      text.remove_prefix(end + (crlf ? 2 : 1));
    }
    line = trim_space(line);
    if (line.empty()) continue;
    if (line.front() == '#') {
      if (starts_with_folded(line, "#EXTINF:")) pending = parse_extinf(line.substr(8));
      continue;  // #EXTM3U, #PLAYLIST, #EXTALB and plain comments
    }
    std::string path;
    if (starts_with_folded(line, "file://")) {
      const auto local = file_url_path(line);
      if (!local) {
        list.problems.push_back({line_number, "only local files can be played, got '" + std::string(line) + "'"});
        pending.reset();
        continue;
      }
      path = *local;
    } else if (has_url_scheme(line)) {
      list.problems.push_back({line_number, "streams cannot be played in the room (no internet), got '" +
                                                std::string(line) + "'"});
      pending.reset();
      continue;
    } else {
      path = std::string(line);
    }
    std::filesystem::path p(path);
    if (p.is_relative()) p = base_dir / p;
    M3uItem item;
    item.path = p.lexically_normal().string();
    item.line = line_number;
    if (pending) {
      item.title = pending->title;
      item.artist = pending->artist;
      item.length = pending->length;
      pending.reset();
    }
    list.items.push_back(std::move(item));
  }
  return list;
}

}  // namespace stillroom::config
