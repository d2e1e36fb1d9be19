// Hashes and identifiers for the clinical record: SHA-256 (OpenSSL EVP) in hex,
// random UUID v4 (OpenSSL RAND_bytes) for event ids, name-based UUID v5 for
// export resources that must come out the same on every export. Pure functions
// apart from the random generator; any thread.
#pragma once

#include <string>
#include <string_view>

namespace stillroom::record {

/** prev_hash of the first event in a record: 64 zeros. */
inline constexpr std::string_view kGenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

/** Lower-case hex SHA-256 of the bytes of `data`. */
[[nodiscard]] std::string sha256_hex(std::string_view data);

/** A random (version 4) UUID, lower case; throws std::runtime_error when the system has no entropy. */
[[nodiscard]] std::string random_uuid();

/** The name-based (version 5, SHA-1) UUID of `name` in the namespace UUID `name_space`. */
[[nodiscard]] std::string name_uuid(std::string_view name_space, std::string_view name);

/** True for 64 lower-case hex digits. */
[[nodiscard]] bool is_hex_sha256(std::string_view text) noexcept;

/** True for a lower-case 8-4-4-4-12 hex UUID. */
[[nodiscard]] bool is_uuid(std::string_view text) noexcept;

}  // namespace stillroom::record
