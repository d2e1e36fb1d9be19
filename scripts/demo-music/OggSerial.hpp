// OggSerial: libsndfile gives each Ogg stream a serial number drawn from the
// clock, so two runs would differ in those bytes. Rewriting the serial on
// every page (and the page checksums) makes the files identical run to run.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace stillroom::demo {

/** The Ogg page checksum (CRC-32, polynomial 0x04c11db7, no reflection) of `bytes`. */
[[nodiscard]] std::uint32_t ogg_crc(std::span<const std::uint8_t> bytes) noexcept;

/**
 * Sets the serial number of every page in `file` (a whole Ogg file in memory)
 * to `serial` and recomputes each page's checksum. Returns an empty string, or
 * what is wrong with the file (nothing is changed then).
 */
[[nodiscard]] std::string set_ogg_serial(std::span<std::uint8_t> file, std::uint32_t serial);

}  // namespace stillroom::demo
