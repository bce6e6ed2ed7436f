// The three primitives callout needs from OpenSSL 3, behind plain C++ types.
#pragma once
#include "no_postgres.hpp"

#include <string>
#include <string_view>

namespace callout::core {

// SHA-256 of data: 32 raw bytes.
std::string sha256(std::string_view data);

// HMAC-SHA256 of data under key: 32 raw bytes. An empty key is a valid (if useless) key.
std::string hmac_sha256(std::string_view key, std::string_view data);

// True when a and b are the same bytes. Lengths are compared first (they are not secret),
// then the contents in constant time with CRYPTO_memcmp.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace callout::core
