// Verification of LiveKit's webhook `Authorization` header: a bare HS256 JWT whose `sha256`
// claim is the padded base64 SHA-256 of the raw body (DESIGN.md §3).
#pragma once
#include "no_postgres.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace callout::core {

// One vocabulary of verdicts, shared with ingestion (DESIGN.md §3); `ok` means accepted.
enum class TokenVerdict {
    ok,
    empty_authorization,
    malformed_jwt,
    alg_not_allowed,
    missing_iss,
    unknown_api_key,
    bad_signature,
    missing_exp,
    expired,
    not_yet_valid,
    missing_sha256,
    sha256_mismatch,
};

// The reason code as SQL sees it ("ok", "malformed_jwt", ...): a static string.
const char* verdict_name(TokenVerdict verdict);

// Longest Authorization value looked at; anything longer is malformed (checked before hashing).
inline constexpr std::size_t max_authorization_bytes = 8192;

struct TokenCheck {
    std::optional<std::string_view> body;  // the raw request body as received; nullopt: none
    // The body's SHA-256 (32 bytes) when the caller has computed it already; else it is computed
    std::optional<std::string_view> body_sha256;
    std::string_view authorization;   // the header value: a bare JWT
    std::string_view api_key;         // the expected `iss`
    std::string_view api_secret;      // the HS256 key
    std::int64_t now_unix = 0;        // the instant to verify at, unix seconds
    std::int64_t leeway_seconds = 0;  // clock skew allowed on `exp` and `nbf`
};

// Checks, in this order: empty header, three base64url segments with JSON object header and
// claims (malformed_jwt), alg exactly HS256, iss present and equal to api_key, the HMAC in
// constant time, exp present and not past (now - leeway >= exp is expired, as LiveKit's SDK),
// nbf not ahead (nbf > now + leeway), sha256 present and equal to the body's hash.
// An empty api_key matches no `iss` (unknown_api_key) and an empty api_secret verifies no
// signature (bad_signature): a missing key pair never accepts a token. A missing body (nullopt)
// matches no `sha256` (sha256_mismatch), not even an empty body's.
TokenVerdict verify_livekit_token(const TokenCheck& check);

// The `iss` claim of a token, read without verifying anything: ingestion uses it only to choose
// which key to verify the token with. nullopt when the token is not three segments whose
// claims are a JSON object with a string `iss`.
std::optional<std::string> token_issuer(std::string_view authorization);

}  // namespace callout::core
