// Damaged files never make the loader throw, crash or point outside the file:
// every byte-level accident a text editor can cause becomes problems.
#include "MiniRoom.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>

using stillroom::config::Problems;
using stillroom::test::MiniRoom;
using stillroom::test::read_file;

namespace {

/** A damaged copy of `text`: mutation `n` of a fixed, repeatable sequence. */
std::string damage(const std::string& text, unsigned n) {
  static const std::string inserts = ":-{}[]#&*!|>'\"\t\n ,%@`";
  std::string out = text;
  if (out.empty()) return out;
  const std::size_t at = (n * 7919u + 13u) % out.size();
  switch (n % 5) {
    case 0: out.erase(at, 1); break;
    case 1: out.insert(at, 1, inserts[n % inserts.size()]); break;
    case 2: out[at] = inserts[(n / 5) % inserts.size()]; break;
    case 3: out.resize(at); break;  // a file cut short
    default: {
      const auto start = out.rfind('\n', at);
      const auto from = start == std::string::npos ? 0 : start + 1;
      const auto end = out.find('\n', at);
      out.insert(from, out.substr(from, (end == std::string::npos ? out.size() : end + 1) - from));  // a line twice
    }
  }
  return out;
}

int line_count(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1; }

}  // namespace

TEST_CASE("damaged files give problems, never exceptions, and every position lies inside its file") {
  MiniRoom room;
  room.write("playlists/lists/calm.m3u", "#EXTM3U\n#EXTINF:5,A - B\n../../music/a.wav\n");
  room.write("playlists/calm.yaml",
             "playlist: { name: Calm }\n"
             "phases:\n"
             "  settle: { loop: true, shuffle: true, seed: 7, tracks: [ ../music/a.wav, { silence: 5s } ] }\n"
             "  peak:\n"
             "    m3u: lists/calm.m3u\n"
             "    alternates: [ { file: ../music/b.wav, title: B, gain_db: -2 } ]\n");
  const std::vector<std::string> files = {"room.yaml", "protocols/im.yaml", "playlists/calm.yaml",
                                          "playlists/lists/calm.m3u", "clients/c-1.yaml"};
  std::map<std::string, std::string> originals;
  for (const auto& f : files) originals[f] = read_file(room.path() / f);

  int loads_with_problems = 0;
  for (const auto& f : files) {
    for (unsigned n = 0; n < 30; ++n) {
      const std::string damaged = damage(originals[f], n);
      room.write(f, damaged);
      Problems problems;
      INFO(f << " mutation " << n << ":\n" << damaged);
      CHECK_NOTHROW((void)room.load(problems));
      loads_with_problems += problems.empty() ? 0 : 1;
      for (const auto& p : problems.list()) {
        CHECK_FALSE(p.message.empty());
        CHECK(p.where.line >= 0);
        for (const auto& [name, text] : originals) {
          if (p.where.file != room.at(name)) continue;
          const std::string& current = name == f ? damaged : text;
          CHECK(p.where.line <= line_count(current));
        }
      }
    }
    room.write(f, originals[f]);
  }
  // Most damage is noticed (some, like a doubled comment line, is harmless).
  CHECK(loads_with_problems > 100);
  Problems clean;
  (void)room.load(clean);
  CHECK(clean.empty());
}

TEST_CASE("loading reads and never writes") {
  MiniRoom room;
  const auto listing = [&] {
    std::vector<std::pair<std::string, std::uintmax_t>> entries;
    for (const auto& e : std::filesystem::recursive_directory_iterator(room.path()))
      entries.emplace_back(e.path().string(), e.is_regular_file() ? e.file_size() : 0);
    std::sort(entries.begin(), entries.end());
    return entries;
  };
  const auto before = listing();
  Problems problems;
  (void)room.load(problems);
  CHECK(problems.empty());
  CHECK(listing() == before);  // no record, cache or lock file appears
}
