#include "config/M3u.hpp"

#include <doctest/doctest.h>

using stillroom::config::Millis;
using stillroom::config::parse_m3u;

TEST_CASE("M3U: paths relative to the list, titles and artists from #EXTINF") {
  const auto list = parse_m3u(
      "#EXTM3U\n"
      "#EXTINF:185,Demo Artist - Harbour\n"
      "../music/harbour.flac\n"
      "# a plain comment\n"
      "#EXTINF:-1,Untitled piece\n"
      "sub/piece.ogg\n"
      "/abs/track.mp3\n",
      "/lists");
  REQUIRE(list.items.size() == 3);
  CHECK(list.problems.empty());
  CHECK(list.items[0].path == "/music/harbour.flac");
  CHECK(list.items[0].artist == "Demo Artist");
  CHECK(list.items[0].title == "Harbour");
  CHECK(list.items[0].length == Millis{185'000});
  CHECK(list.items[0].line == 3);
  CHECK(list.items[1].path == "/lists/sub/piece.ogg");
  CHECK(list.items[1].title == "Untitled piece");
  CHECK(list.items[1].artist.empty());
  CHECK_FALSE(list.items[1].length.has_value());
  CHECK(list.items[2].path == "/abs/track.mp3");
  CHECK(list.items[2].title.empty());  // an #EXTINF applies to the next path only
  CHECK(list.items[2].line == 7);
}

TEST_CASE("M3U8: byte order mark, CRLF and CR line ends, blank lines") {
  const auto crlf = parse_m3u("\xEF\xBB\xBF#EXTM3U\r\n\r\n#EXTINF:60,A - B\r\na.wav\r\n\r\nb.wav", "/m");
  REQUIRE(crlf.items.size() == 2);
  CHECK(crlf.items[0].path == "/m/a.wav");
  CHECK(crlf.items[0].title == "B");
  CHECK(crlf.items[0].line == 4);
  CHECK(crlf.items[1].path == "/m/b.wav");
  CHECK(crlf.items[1].line == 6);
  const auto cr = parse_m3u("a.wav\rb.wav\r", "/m");
  REQUIRE(cr.items.size() == 2);
  CHECK(cr.items[1].line == 2);
  // Without the byte order mark stripped the first path would start with it.
  const auto bom_path = parse_m3u("\xEF\xBB\xBF" "first.wav\n", "/m");
  REQUIRE(bom_path.items.size() == 1);
  CHECK(bom_path.items[0].path == "/m/first.wav");
}

TEST_CASE("M3U: attributes with quoted commas, file URLs, streams refused") {
  const auto list = parse_m3u(
      "#EXTINF:30 group-title=\"a, b\",Artist - Title, with comma\n"
      "file:///music/a%20b.flac\n"
      "https://stream.example/live\n"
      "file://otherhost/x.flac\n"
      "C:/music/local.wav\n",
      "/l");
  REQUIRE(list.items.size() == 2);
  CHECK(list.items[0].path == "/music/a b.flac");
  CHECK(list.items[0].artist == "Artist");
  CHECK(list.items[0].title == "Title, with comma");
  CHECK(list.items[0].length == Millis{30'000});
  CHECK(list.items[1].path == "/l/C:/music/local.wav");
  REQUIRE(list.problems.size() == 2);
  CHECK(list.problems[0].line == 3);
  CHECK(list.problems[0].message ==
        "streams cannot be played in the room (no internet), got 'https://stream.example/live'");
  CHECK(list.problems[1].line == 4);
  CHECK(list.problems[1].message == "only local files can be played, got 'file://otherhost/x.flac'");
}

TEST_CASE("M3U: an #EXTINF length under a millisecond or beyond eleven days is no length (found by the m3u fuzz target)") {
  const auto list = parse_m3u("#EXTINF:1e-60,A\na.wav\n#EXTINF:1e300,B\nb.wav\n#EXTINF:0.0005,C\nc.wav\n"
                              "#EXTINF:1000000,D\nd.wav\n#EXTINF:1000000.5,E\ne.wav\n",
                              "/m");
  REQUIRE(list.items.size() == 5);
  CHECK_FALSE(list.items[0].length.has_value());
  CHECK_FALSE(list.items[1].length.has_value());
  CHECK(list.items[2].length == stillroom::config::Millis{1});
  CHECK(list.items[3].length == stillroom::config::Millis{1'000'000'000});
  CHECK_FALSE(list.items[4].length.has_value());
  CHECK(list.items[1].title == "B");
}
