#include "OggSerial.hpp"

#include <array>
#include <vector>

namespace stillroom::demo {
namespace {

constexpr std::size_t kHeaderBytes = 27;
constexpr std::size_t kSerialOffset = 14;
constexpr std::size_t kChecksumOffset = 22;
constexpr std::size_t kSegmentCountOffset = 26;

std::array<std::uint32_t, 256> make_crc_table() noexcept {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t r = i << 24;
    for (int bit = 0; bit < 8; ++bit) r = (r & 0x80000000U) != 0 ? (r << 1) ^ 0x04c11db7U : r << 1;
    table[i] = r;
  }
  return table;
}

void put_le32(std::span<std::uint8_t> bytes, std::size_t offset, std::uint32_t value) noexcept {
  for (std::size_t i = 0; i < 4; ++i) bytes[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

}  // namespace

std::uint32_t ogg_crc(std::span<const std::uint8_t> bytes) noexcept {
  static const std::array<std::uint32_t, 256> table = make_crc_table();
  std::uint32_t crc = 0;
  for (const std::uint8_t byte : bytes) crc = (crc << 8) ^ table[((crc >> 24) ^ byte) & 0xffU];
  return crc;
}

std::string set_ogg_serial(std::span<std::uint8_t> file, std::uint32_t serial) {
  // Walk the pages once to check the framing before changing anything.
  std::vector<std::pair<std::size_t, std::size_t>> pages;  // offset, length
  std::size_t offset = 0;
  while (offset < file.size()) {
    if (file.size() - offset < kHeaderBytes || file[offset] != 'O' || file[offset + 1] != 'g' ||
        file[offset + 2] != 'g' || file[offset + 3] != 'S') {
      return "no Ogg page at byte " + std::to_string(offset);
    }
    const std::size_t segments = file[offset + kSegmentCountOffset];
    if (file.size() - offset < kHeaderBytes + segments) return "page at byte " + std::to_string(offset) + " is cut";
    std::size_t length = kHeaderBytes + segments;
    for (std::size_t s = 0; s < segments; ++s) length += file[offset + kHeaderBytes + s];
    if (file.size() - offset < length) return "page at byte " + std::to_string(offset) + " is cut";
    pages.emplace_back(offset, length);
    offset += length;
  }
  if (pages.empty()) return "the file is empty";

  for (const auto& [start, length] : pages) {
    const std::span<std::uint8_t> page = file.subspan(start, length);
    put_le32(page, kSerialOffset, serial);
    put_le32(page, kChecksumOffset, 0);
    put_le32(page, kChecksumOffset, ogg_crc(page));
  }
  return {};
}

}  // namespace stillroom::demo
