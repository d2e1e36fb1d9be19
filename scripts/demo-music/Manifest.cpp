#include "Manifest.hpp"

#include "Random.hpp"
#include "TrackTable.hpp"
#include "TrackWriter.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

namespace stillroom::demo {
namespace {

constexpr std::string_view kHeader = "stillroom-demo-music";

std::uint64_t content_hash(const std::vector<std::uint8_t>& bytes) noexcept {
  return fnv1a(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace

Manifest Manifest::load(const std::filesystem::path& dir) {
  Manifest manifest;
  std::ifstream in(dir / kFileName);
  std::string header;
  int version = 0;
  if (!(in >> header >> version) || header != kHeader || version != kGeneratorVersion) return manifest;
  std::string file;
  Entry entry;
  while (in >> file >> entry.size >> std::hex >> entry.hash >> std::dec) manifest.entries_[file] = entry;
  return manifest;
}

bool Manifest::matches(const std::filesystem::path& dir, const std::string& file) const {
  const auto found = entries_.find(file);
  if (found == entries_.end()) return false;
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(dir / file, error);
  if (error || size != found->second.size) return false;
  try {
    return content_hash(read_bytes(dir / file)) == found->second.hash;
  } catch (const WriteError&) {
    return false;
  }
}

void Manifest::record(const std::filesystem::path& dir, const std::string& file) {
  const std::vector<std::uint8_t> bytes = read_bytes(dir / file);
  entries_[file] = {bytes.size(), content_hash(bytes)};
}

void Manifest::save(const std::filesystem::path& dir) const {
  std::ostringstream text;
  text << kHeader << ' ' << kGeneratorVersion << '\n';
  for (const auto& [file, entry] : entries_) {
    text << file << ' ' << entry.size << ' ' << std::hex << entry.hash << std::dec << '\n';
  }
  const std::string bytes = text.str();
  write_bytes(dir / kFileName,
              std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

}  // namespace stillroom::demo
