// Base64 (RFC 4648 §4, padded) and base64url (§5, unpadded as in JWTs), and hex.
#pragma once
#include "no_postgres.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace callout::core {

// Decodes unpadded base64url (the JWT segment alphabet). Rejects padding, characters outside
// the alphabet, a length of 1 mod 4 and non-zero trailing bits, so one token has one spelling.
std::optional<std::string> base64url_decode(std::string_view text);

// Decodes a JWS signature segment as LiveKit's webhook receivers do, the intersection of what
// each accepts: go-jose v3 (livekit/protocol's auth package; ParseSigned strips whitespace, then
// base64.RawURLEncoding: base64url alphabet, no padding, unused trailing bits ignored) and jose
// (livekit-server-sdk's WebhookReceiver; Uint8Array.fromBase64 with the base64url alphabet in
// "loose" mode, or atob after mapping the alphabet: ASCII whitespace skipped, unused trailing
// bits ignored). So: base64url characters, with tab, line feed, form feed, carriage return and
// space skipped; no padding; not 1 mod 4 characters; unused trailing bits ignored.
std::optional<std::string> base64url_decode_signature(std::string_view text);

// Decodes padded standard base64; the length must be a multiple of 4, padding only at the end,
// and (as for base64url) the unused trailing bits zero.
std::optional<std::string> base64_decode(std::string_view text);

// Encodes bytes as padded standard base64 (what LiveKit puts in the `sha256` claim).
std::string base64_encode(std::string_view bytes);

// Encodes bytes as unpadded base64url (what a JWT segment is made of).
std::string base64url_encode(std::string_view bytes);

// Decodes hex digits (either case); nullopt for an odd length or a non-hex character.
std::optional<std::string> hex_decode(std::string_view text);

}  // namespace callout::core
