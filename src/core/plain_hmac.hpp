// The plain HMAC-SHA256 scheme of the module callout replaces: a signature over the raw body,
// written as hex or base64, optionally prefixed `sha256=`. It carries no time (DESIGN.md §3).
#pragma once
#include "no_postgres.hpp"

#include <cstddef>
#include <string_view>

#include "limits.hpp"

namespace callout::core {

// True when the signature is written the plain-HMAC way: exactly 64 hex digits, `sha256=`
// followed by hex or base64, or 44 characters of padded standard base64. Anything else is
// treated as LiveKit's JWT scheme by ingestion. Surrounding ASCII whitespace is ignored.
bool looks_like_plain_hmac(std::string_view signature);

// True when signature is the HMAC-SHA256 of body under secret. False for an empty signature
// or secret, or a signature that is not hex or base64 of 32 bytes.
bool verify_plain_hmac(std::string_view body, std::string_view signature, std::string_view secret);

}  // namespace callout::core
