// Verification of LiveKit's webhook token (DESIGN.md §3). The header and claims are small JSON
// objects read with nlohmann::json, parsed without exceptions; the body is never parsed here.
#include "livekit_token.hpp"

#include "ascii.hpp"
#include "base64.hpp"
#include "crypto.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace callout::core {

namespace {

using Json = nlohmann::json;

// Decodes one JWT segment and parses it; only a JSON object is a header or a claims set.
std::optional<Json> decode_object(std::string_view segment) {
    if (segment.empty()) return std::nullopt;
    const std::optional<std::string> text = base64url_decode(segment);
    if (!text) return std::nullopt;
    Json value = Json::parse(*text, nullptr, false);
    if (value.is_discarded() || !value.is_object()) return std::nullopt;
    return value;
}

// The member `name` of `object` when it is a JSON string, else null.
const std::string* string_member(const Json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_string()) return nullptr;
    return &it->get_ref<const std::string&>();
}

// The member `name` of `object` when it is a JSON number (integer or float), else null.
const Json* number_member(const Json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_number()) return nullptr;
    return &*it;
}

// Sign of (t - claim), computed exactly for any JSON number, so that an attacker-chosen
// `exp` or `nbf` (huge, negative, fractional, beyond int64) can neither overflow nor round.
int compare_to_claim(std::int64_t t, const Json& claim) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    if (claim.is_number_unsigned()) {
        const auto c = claim.get<std::uint64_t>();
        if (c > static_cast<std::uint64_t>(kMax)) return -1;
        const auto ci = static_cast<std::int64_t>(c);
        return t < ci ? -1 : (t > ci ? 1 : 0);
    }
    if (claim.is_number_integer()) {
        const auto c = claim.get<std::int64_t>();
        return t < c ? -1 : (t > c ? 1 : 0);
    }
    // A float: beyond [-2^63, 2^63) it is outside every int64; inside, its floor is an
    // int64 and the fractional part decides ties. JSON has no NaN or infinity.
    const double c = claim.get<double>();
    if (c >= 0x1p63) return -1;
    if (c < -0x1p63) return 1;
    const double f = std::floor(c);
    const auto fi = static_cast<std::int64_t>(f);
    if (t < fi) return -1;
    if (t > fi) return 1;
    return c == f ? 0 : -1;
}

// now - leeway and now + leeway without overflow: they saturate at the int64 bounds, which
// only matters for instants no clock produces. A negative leeway counts as none.
std::int64_t minus_leeway(std::int64_t now, std::int64_t leeway) {
    if (leeway <= 0) return now;
    if (now < std::numeric_limits<std::int64_t>::min() + leeway) {
        return std::numeric_limits<std::int64_t>::min();
    }
    return now - leeway;
}

std::int64_t plus_leeway(std::int64_t now, std::int64_t leeway) {
    if (leeway <= 0) return now;
    if (now > std::numeric_limits<std::int64_t>::max() - leeway) {
        return std::numeric_limits<std::int64_t>::max();
    }
    return now + leeway;
}

// A compact JWT's three segments, and the signing input (the first two with their dot).
struct TokenSegments {
    std::string_view header;
    std::string_view claims;
    std::string_view signature;
    std::string_view signing_input;
};

// Splits a token into exactly three '.'-separated segments; nullopt for any other count.
std::optional<TokenSegments> split_token(std::string_view token) {
    const std::size_t dot1 = token.find('.');
    if (dot1 == std::string_view::npos) return std::nullopt;
    const std::size_t dot2 = token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos) return std::nullopt;
    if (token.find('.', dot2 + 1) != std::string_view::npos) return std::nullopt;
    return TokenSegments{token.substr(0, dot1), token.substr(dot1 + 1, dot2 - dot1 - 1),
                         token.substr(dot2 + 1), token.substr(0, dot2)};
}

}  // namespace

// One string per verdict, spelled as the enumerator, because SQL reports it as the reason code.
const char* verdict_name(TokenVerdict verdict) {
    switch (verdict) {
        case TokenVerdict::ok:
            return "ok";
        case TokenVerdict::empty_authorization:
            return "empty_authorization";
        case TokenVerdict::malformed_jwt:
            return "malformed_jwt";
        case TokenVerdict::alg_not_allowed:
            return "alg_not_allowed";
        case TokenVerdict::missing_iss:
            return "missing_iss";
        case TokenVerdict::unknown_api_key:
            return "unknown_api_key";
        case TokenVerdict::bad_signature:
            return "bad_signature";
        case TokenVerdict::missing_exp:
            return "missing_exp";
        case TokenVerdict::expired:
            return "expired";
        case TokenVerdict::not_yet_valid:
            return "not_yet_valid";
        case TokenVerdict::missing_sha256:
            return "missing_sha256";
        case TokenVerdict::sha256_mismatch:
            return "sha256_mismatch";
    }
    return "unknown";
}

std::optional<std::string> token_issuer(std::string_view authorization) {
    if (authorization.size() > max_authorization_bytes) return std::nullopt;
    const std::optional<TokenSegments> segments = split_token(authorization);
    if (!segments) return std::nullopt;
    const std::optional<Json> claims = decode_object(segments->claims);
    if (!claims) return std::nullopt;
    const std::string* iss = string_member(*claims, "iss");
    if (iss == nullptr) return std::nullopt;
    return *iss;
}

// The checks run in the order of the header's contract, cheapest and unauthenticated first;
// every claim after the HMAC is trusted only because the HMAC matched. Additional rules:
// - an empty api_key matches no `iss` (unknown_api_key) and an empty api_secret verifies no
//   signature (bad_signature), so a half-configured key can never accept a token;
// - `exp` that is not a JSON number counts as missing; `nbf` that is present but not a
//   number (null included) cannot show the token is already valid: not_yet_valid.
TokenVerdict verify_livekit_token(const TokenCheck& check) {
    const std::string_view auth = check.authorization;
    // A header that is empty or only whitespace says nothing at all.
    if (trim_ascii_space(auth).empty()) return TokenVerdict::empty_authorization;
    if (auth.size() > max_authorization_bytes) return TokenVerdict::malformed_jwt;

    // Exactly three segments. A "Bearer " prefix puts a space in the first segment, which
    // base64url rejects, so it is malformed as LiveKit sends a bare token.
    const std::optional<TokenSegments> segments = split_token(auth);
    if (!segments) return TokenVerdict::malformed_jwt;

    const std::optional<Json> header = decode_object(segments->header);
    if (!header) return TokenVerdict::malformed_jwt;
    const std::optional<Json> claims = decode_object(segments->claims);
    if (!claims) return TokenVerdict::malformed_jwt;
    // May be empty (an unsigned token ends in '.'); such a token fails on alg or HMAC below.
    const std::optional<std::string> signature = base64url_decode(segments->signature);
    if (!signature) return TokenVerdict::malformed_jwt;

    const std::string* alg = string_member(*header, "alg");
    if (alg == nullptr || *alg != "HS256") return TokenVerdict::alg_not_allowed;

    const std::string* iss = string_member(*claims, "iss");
    if (iss == nullptr) return TokenVerdict::missing_iss;
    if (check.api_key.empty() || *iss != check.api_key) return TokenVerdict::unknown_api_key;

    if (check.api_secret.empty()) return TokenVerdict::bad_signature;
    // The signing input is the first two segments exactly as received, dot included.
    const std::string expected = hmac_sha256(check.api_secret, segments->signing_input);
    if (!constant_time_equal(expected, *signature)) return TokenVerdict::bad_signature;

    const Json* exp = number_member(*claims, "exp");
    if (exp == nullptr) return TokenVerdict::missing_exp;
    // Expired when now - leeway >= exp, as LiveKit's SDK decides it.
    if (compare_to_claim(minus_leeway(check.now_unix, check.leeway_seconds), *exp) >= 0) {
        return TokenVerdict::expired;
    }

    const auto nbf = claims->find("nbf");
    if (nbf != claims->end()) {
        if (!nbf->is_number()) return TokenVerdict::not_yet_valid;
        // Not yet valid when nbf > now + leeway.
        if (compare_to_claim(plus_leeway(check.now_unix, check.leeway_seconds), *nbf) < 0) {
            return TokenVerdict::not_yet_valid;
        }
    }

    const std::string* claimed_hash = string_member(*claims, "sha256");
    if (claimed_hash == nullptr) return TokenVerdict::missing_sha256;
    if (!check.body || !constant_time_equal(base64_encode(sha256(*check.body)), *claimed_hash)) {
        return TokenVerdict::sha256_mismatch;
    }
    return TokenVerdict::ok;
}

}  // namespace callout::core
