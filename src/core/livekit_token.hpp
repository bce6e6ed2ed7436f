// Verification of LiveKit's webhook `Authorization` header: a bare HS256 JWT whose `sha256`
// claim is the padded base64 SHA-256 of the raw body (DESIGN.md §3).
#pragma once
#include "no_postgres.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "limits.hpp"
#include "reason.hpp"

namespace callout::core {

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

// One top-level member of a token's header or claims, as the checks need it: absent, a string,
// a number with its JSON kind (so claims compare exactly), or any other JSON value.
struct TokenMember {
    enum class Kind { absent, string, integer, unsigned_integer, floating, other };
    Kind kind = Kind::absent;
    std::string text;
    std::int64_t integer = 0;
    std::uint64_t unsigned_integer = 0;
    double floating = 0;

    bool is_number() const {
        return kind == Kind::integer || kind == Kind::unsigned_integer || kind == Kind::floating;
    }
};

// A token read once, before anything is verified: its issuer chooses the key, and the rest is
// checked against that key without reading the token again.
struct ReadToken {
    // ok when the header is three segments of base64url with JSON object header and claims;
    // else empty_authorization or malformed_jwt, the verdict on the token
    Reason unreadable = Reason::ok;
    std::string_view signing_input;  // the first two segments with their dot, as received
    std::string signature;           // the third segment, decoded
    TokenMember alg, iss, exp, nbf, claimed_hash;
    bool claims_read = false;  // the claims segment is base64url of a JSON object

    // The `iss` claim when the token is readable and it is a string (the key to look up).
    std::optional<std::string_view> issuer() const {
        if (unreadable != Reason::ok) return std::nullopt;
        return claimed_issuer();
    }
    // The `iss` claim when the claims could be read and it is a string, whatever the rest of the
    // token: the key a rejected delivery is recorded under.
    std::optional<std::string_view> claimed_issuer() const {
        if (!claims_read || iss.kind != TokenMember::Kind::string) return std::nullopt;
        return std::string_view(iss.text);
    }
};

// Reads `authorization` (which must outlive the result: signing_input points into it).
ReadToken read_livekit_token(std::string_view authorization);

// Checks, in this order: empty header, three base64url segments with JSON object header and
// claims (malformed_jwt), alg exactly HS256, iss present and equal to api_key, the HMAC in
// constant time, exp present and not past (now - leeway >= exp is expired, as LiveKit's SDK),
// nbf not ahead (nbf > now + leeway), sha256 present and equal to the body's hash.
// An empty api_key matches no `iss` (unknown_api_key) and an empty api_secret verifies no
// signature (bad_signature): a missing key pair never accepts a token. A missing body (nullopt)
// matches no `sha256` (sha256_mismatch), not even an empty body's.
Reason verify_livekit_token(const TokenCheck& check);
// The same checks on a token read already (check.authorization is not read again).
Reason verify_livekit_token(const ReadToken& token, const TokenCheck& check);

// The checks after the signature's alone (exp, nbf, sha256, in that order) on a readable token;
// an unreadable one is its own verdict. Nothing is authenticated: for a token whose key callout
// does not hold, whether it is well-formed enough to keep until the key is added.
Reason verify_livekit_token_claims(const ReadToken& token, const TokenCheck& check);

// The `iss` claim of a token, read without verifying anything and whatever its header: the key
// a rejected delivery is recorded under (callout.rejected_delivery). nullopt when the token is
// not three segments whose claims are a JSON object with a string `iss`.
std::optional<std::string> token_issuer(std::string_view authorization);

}  // namespace callout::core
