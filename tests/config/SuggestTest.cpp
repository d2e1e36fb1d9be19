#include "config/Suggest.hpp"

#include <doctest/doctest.h>

using stillroom::config::did_you_mean;
using stillroom::config::edit_distance;
using stillroom::config::nearest;

TEST_CASE("edit distance counts insertions, deletions, substitutions and swaps of neighbours") {
  CHECK(edit_distance("crossfade", "crossfade") == 0);
  CHECK(edit_distance("crossfde", "crossfade") == 1);     // deletion
  CHECK(edit_distance("crosssfade", "crossfade") == 1);   // insertion
  CHECK(edit_distance("crossfado", "crossfade") == 1);    // substitution
  CHECK(edit_distance("corssfade", "crossfade") == 1);    // swap
  CHECK(edit_distance("Volume_DB", "volume_db") == 0);    // case does not count
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("nearest suggests only plausible typos") {
  const std::vector<std::string> keys = {"name", "from", "to", "volume_db", "lights", "light_fade", "crossfade", "lyrics"};
  CHECK(nearest("crossfde", keys) == "crossfade");
  CHECK(nearest("ligths", keys) == "lights");
  CHECK(nearest("volume", keys) == "volume_db");
  CHECK(nearest("TO", keys) == "to");
  CHECK_FALSE(nearest("colour", keys).has_value());
  CHECK_FALSE(nearest("tempo", keys).has_value());
  // Two-letter ids are too short for a one-letter typo to be recognisable.
  CHECK_FALSE(nearest("iv", {"im", "io"}).has_value());
  CHECK(nearest("imm", {"im", "iv"}) == "im");
}

TEST_CASE("did_you_mean names the nearest, else the known ones") {
  CHECK(did_you_mean("dimm", {"bright", "dim"}) == " (did you mean 'dim'?)");
  CHECK(did_you_mean("candle", {"bright", "dim"}) == " (known: bright, dim)");
  CHECK(did_you_mean("dim", {}) == " (none are defined)");
}
