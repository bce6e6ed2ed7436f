// Fuzzes the verification of LiveKit's webhook token and the issuer reader. Input, one field per
// line: api key, api secret, now (unix seconds), leeway (seconds), the Authorization value as
// sent, a header JSON text, a claims JSON text, then the body (the rest of the input).
//
// Two tokens are checked: the Authorization value as sent, and one the target signs itself
// from the header and claims texts with the secret, so that the fuzzer reaches every check
// after the HMAC (claims it mutates would otherwise always fail on the signature). For both:
// a verdict is one of the documented ones, the issuer reader agrees with the verdict, the
// clock and leeway move verdicts only the way time does, and an accepted token is rejected
// once a single signature bit, the body, the secret or the key is changed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/base64.hpp"
#include "core/crypto.hpp"
#include "core/livekit_token.hpp"
#include "fuzz_support.hpp"

namespace core = callout::core;
using callout::fuzz::as_text;
using callout::fuzz::Fields;
using callout::fuzz::parse_int64;
using core::Reason;
using core::TokenCheck;
using Json = nlohmann::json;

namespace {

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMinInt64 = std::numeric_limits<std::int64_t>::min();

// The same check with another token.
TokenCheck with_token(const TokenCheck& check, std::string_view token) {
    TokenCheck changed = check;
    changed.authorization = token;
    return changed;
}

// True for verdicts reached only after `iss` was found equal to the api key.
bool passed_issuer_check(Reason verdict) {
    switch (verdict) {
        case Reason::empty_authorization:
        case Reason::malformed_jwt:
        case Reason::alg_not_allowed:
        case Reason::missing_iss:
        case Reason::unknown_api_key:
            return false;
        default:
            return true;
    }
}

// What holds for any token: the verdict has a name, the issuer reader agrees with it, a
// negative leeway counts as none, and moving the clock cannot undo expiry (forward) or
// not-yet-valid (backward).
void check_any(const TokenCheck& check, Reason verdict) {
    const std::string_view name = core::reason_name(verdict);
    FUZZ_CHECK(!name.empty() && name != "unknown");

    const std::optional<std::string> issuer = core::token_issuer(check.authorization);
    if (passed_issuer_check(verdict)) FUZZ_CHECK(issuer && *issuer == check.api_key);
    if (verdict == Reason::missing_iss) FUZZ_CHECK(!issuer);

    // ingestion's form: the token read once, its issuer looked up, the reading verified
    const core::ReadToken read = core::read_livekit_token(check.authorization);
    FUZZ_CHECK(core::verify_livekit_token(read, check) == verdict);
    if (read.unreadable == Reason::ok) {
        FUZZ_CHECK(read.issuer() == (issuer ? std::optional<std::string_view>(*issuer)
                                            : std::optional<std::string_view>()));
    } else {
        FUZZ_CHECK(!read.issuer() && read.unreadable == verdict);
    }
    if (check.authorization.size() > core::max_authorization_bytes) {
        FUZZ_CHECK(!issuer);
        FUZZ_CHECK(verdict == Reason::malformed_jwt || verdict == Reason::empty_authorization);
    }

    if (check.leeway_seconds < 0) {
        TokenCheck no_leeway = check;
        no_leeway.leeway_seconds = 0;
        FUZZ_CHECK(core::verify_livekit_token(no_leeway) == verdict);
    }
    if (verdict == Reason::expired && check.now_unix < kMaxInt64) {
        TokenCheck later = check;
        later.now_unix += 1;
        FUZZ_CHECK(core::verify_livekit_token(later) == Reason::expired);
    }
    if (verdict == Reason::not_yet_valid && check.now_unix > kMinInt64) {
        TokenCheck earlier = check;
        earlier.now_unix -= 1;
        FUZZ_CHECK(core::verify_livekit_token(earlier) == Reason::not_yet_valid);
    }
}

// The token with its signature's unused trailing bits all set and whitespace around and inside
// the signature segment: a spelling LiveKit's receivers decode to the same bytes.
std::string lenient_spelling(std::string_view token) {
    static constexpr std::string_view kUrl =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const std::size_t dot = token.rfind('.');
    std::string segment(token.substr(dot + 1));
    const std::size_t kept = segment.find_last_not_of(" \t\n\f\r");
    if (kept != std::string::npos) {
        const std::size_t characters =
            segment.size() - std::count_if(segment.begin(), segment.end(), [](char c) {
                return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
            });
        const unsigned unused = characters % 4 == 2 ? 15u : characters % 4 == 3 ? 3u : 0u;
        const std::size_t value = kUrl.find(segment[kept]);
        if (value != std::string_view::npos) segment[kept] = kUrl[value | unused];
    }
    if (segment.size() > 1) segment.insert(1, " \t");
    return std::string(token.substr(0, dot + 1)) + segment + "\r\n";
}

// What holds for an accepted token: every single change an attacker could make (or a wrong
// configuration) turns the verdict, and more leeway never does.
void check_accepted(const TokenCheck& check) {
    const std::string_view token = check.authorization;
    const std::size_t dot = token.rfind('.');
    const std::string_view signing_input = token.substr(0, dot);
    const std::optional<std::string> signature =
        core::base64url_decode_signature(token.substr(dot + 1));
    FUZZ_CHECK(signature && signature->size() == 32);

    // One flipped bit of the signature, at three places that vary with the token.
    for (const std::size_t bit : {std::size_t{0}, token.size() % 256, std::size_t{255}}) {
        std::string flipped = *signature;
        flipped[bit / 8] = static_cast<char>(flipped[bit / 8] ^ (1 << (bit % 8)));
        const std::string forged =
            std::string(signing_input) + "." + core::base64url_encode(flipped);
        FUZZ_CHECK(core::verify_livekit_token(with_token(check, forged)) == Reason::bad_signature);
        // spelled as LiveKit's receivers still read it (unused bits set, whitespace): the
        // segment decodes, so the verdict is about the signature, never malformed_jwt
        FUZZ_CHECK(core::verify_livekit_token(with_token(check, lenient_spelling(forged))) ==
                   Reason::bad_signature);
    }
    // The same signature in every spelling LiveKit's receivers decode: still accepted. Spelled
    // as none of them decodes (padded, or behind a "Bearer " prefix): malformed.
    FUZZ_CHECK(core::verify_livekit_token(with_token(check, lenient_spelling(token))) ==
               Reason::ok);
    const std::string canonical =
        std::string(signing_input) + "." + core::base64url_encode(*signature);
    FUZZ_CHECK(core::verify_livekit_token(with_token(check, canonical)) == Reason::ok);
    const std::string padded = canonical + "=";
    FUZZ_CHECK(core::verify_livekit_token(with_token(check, padded)) == Reason::malformed_jwt);
    const std::string bearer = "Bearer " + std::string(token);
    FUZZ_CHECK(core::verify_livekit_token(with_token(check, bearer)) == Reason::malformed_jwt);

    TokenCheck changed = check;
    const std::string other_body = std::string(check.body.value_or("")) + " ";
    changed.body = other_body;
    FUZZ_CHECK(core::verify_livekit_token(changed) == Reason::sha256_mismatch);
    changed.body.reset();
    FUZZ_CHECK(core::verify_livekit_token(changed) == Reason::sha256_mismatch);

    changed = check;
    const std::string other_secret = std::string(check.api_secret) + "x";
    changed.api_secret = other_secret;
    FUZZ_CHECK(core::verify_livekit_token(changed) == Reason::bad_signature);
    changed.api_secret = "";
    FUZZ_CHECK(core::verify_livekit_token(changed) == Reason::bad_signature);

    changed = check;
    changed.api_key = "";
    FUZZ_CHECK(core::verify_livekit_token(changed) == Reason::unknown_api_key);
    const std::string other_key = std::string(check.api_key) + "x";
    changed.api_key = other_key;
    FUZZ_CHECK(core::verify_livekit_token(changed) == Reason::unknown_api_key);

    if (check.leeway_seconds < kMaxInt64) {
        changed = check;
        changed.leeway_seconds = std::max<std::int64_t>(check.leeway_seconds, 0) + 1;
        FUZZ_CHECK(core::verify_livekit_token(changed) == Reason::ok);
    }
}

// Verifies and checks one token.
Reason verify_and_check(const TokenCheck& check) {
    const Reason verdict = core::verify_livekit_token(check);
    check_any(check, verdict);
    if (verdict == Reason::ok) check_accepted(check);
    return verdict;
}

// A JSON text as a header or claims set: only an object is one.
std::optional<Json> json_object(std::string_view text) {
    Json value = Json::parse(text, nullptr, false);
    if (value.is_discarded() || !value.is_object()) return std::nullopt;
    return value;
}

// The token signed here from header and claims texts: whether it is malformed, and whether its
// algorithm is allowed, is known in advance (nlohmann::json reads the texts independently);
// and with a secret, its signature always verifies.
void check_signed_here(const TokenCheck& base, std::string_view header, std::string_view claims) {
    const std::string signing_input =
        core::base64url_encode(header) + "." + core::base64url_encode(claims);
    const std::string token =
        signing_input + "." +
        core::base64url_encode(core::hmac_sha256(base.api_secret, signing_input));
    const TokenCheck check = with_token(base, token);
    const Reason verdict = verify_and_check(check);

    const std::optional<Json> header_object = json_object(header);
    const bool malformed =
        token.size() > core::max_authorization_bytes || !header_object || !json_object(claims);
    FUZZ_CHECK((verdict == Reason::malformed_jwt) == malformed);
    if (malformed) return;
    const auto alg = header_object->find("alg");
    const bool hs256 = alg != header_object->end() && alg->is_string() && *alg == "HS256";
    FUZZ_CHECK((verdict == Reason::alg_not_allowed) == !hs256);
    if (!base.api_secret.empty()) FUZZ_CHECK(verdict != Reason::bad_signature);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Fields fields(as_text(data, size));
    TokenCheck check;
    check.api_key = fields.line();
    check.api_secret = fields.line();
    check.now_unix = parse_int64(fields.line()).value_or(0);
    check.leeway_seconds = parse_int64(fields.line()).value_or(0);
    check.authorization = fields.line();
    const std::string_view header = fields.line();
    const std::string_view claims = fields.line();
    check.body = fields.rest();

    verify_and_check(check);
    check_signed_here(check, header, claims);
    return 0;
}
