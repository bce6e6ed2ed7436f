// LiveKit webhook token verification: one group per reason code on tokens minted here, then
// every delivery of the vectors file produced and judged by LiveKit's own server SDK.
#include "core/livekit_token.hpp"

#include "core/base64.hpp"
#include "core/crypto.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace callout::core {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kApiKey = "APItestKey42";
constexpr std::string_view kApiSecret = "t0p-s3cret-signing-key-for-hs256-webhooks";
constexpr std::int64_t kNow = 1767283202;
constexpr std::int64_t kLeeway = 10;
constexpr std::string_view kBody = R"({"event":"room_started","room":{"name":"r1"},"id":"EV_1"})";
constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

// Mints a JWT from arbitrary header and claims text: base64url segments and an HMAC-SHA256
// signature over "header.claims" under secret, as any HS256 signer does.
std::string mint(std::string_view header_json, std::string_view claims_json,
                 std::string_view secret = kApiSecret) {
    const std::string input = base64url_encode(header_json) + "." + base64url_encode(claims_json);
    return input + "." + base64url_encode(hmac_sha256(secret, input));
}

// The claims LiveKit's server puts in a webhook token for kBody, valid at kNow.
Json good_claims() {
    return Json{{"iss", std::string(kApiKey)},
                {"exp", kNow + 300},
                {"nbf", kNow},
                {"iat", kNow},
                {"sha256", base64_encode(sha256(kBody))}};
}

// Claims text with member `name` spelled exactly as raw JSON (huge numbers, floats, ...).
std::string with_raw(Json claims, const std::string& name, const std::string& raw) {
    claims.erase(name);
    std::string text = claims.dump();
    text.pop_back();  // the closing brace
    if (text.size() > 1) text += ",";
    return text + "\"" + name + "\":" + raw + "}";
}

std::string token(const Json& claims) {
    return mint(kHs256Header, claims.dump());
}

TokenCheck check_of(std::string_view authorization) {
    TokenCheck check;
    check.body = kBody;
    check.authorization = authorization;
    check.api_key = kApiKey;
    check.api_secret = kApiSecret;
    check.now_unix = kNow;
    check.leeway_seconds = kLeeway;
    return check;
}

// The verdict as its reason code, so that a failing expectation prints a readable name. Every
// check is also made on the token read first, as ingestion makes it: both must agree.
std::string verdict(const TokenCheck& check) {
    const Reason verdict = verify_livekit_token(check);
    EXPECT_EQ(reason_name(verify_livekit_token(read_livekit_token(check.authorization), check)),
              std::string(reason_name(verdict)));
    return reason_name(verdict);
}

std::string verdict(std::string_view authorization) {
    return verdict(check_of(authorization));
}

std::string verdict_at(std::string_view authorization, std::int64_t now, std::int64_t leeway) {
    TokenCheck check = check_of(authorization);
    check.now_unix = now;
    check.leeway_seconds = leeway;
    return verdict(check);
}

// --- ok

TEST(LivekitToken, AcceptsWellFormedToken) {
    const std::string jwt = token(good_claims());
    EXPECT_EQ(verdict(jwt), "ok");
}

TEST(LivekitToken, AcceptsMinimalHeaderAndClaims) {
    Json claims = good_claims();
    claims.erase("nbf");
    claims.erase("iat");
    EXPECT_EQ(verdict(mint(R"({"alg":"HS256"})", claims.dump())), "ok");
}

TEST(LivekitToken, AcceptsEmptyBodyWhenItsHashIsClaimed) {
    Json claims = good_claims();
    claims["sha256"] = base64_encode(sha256(""));
    const std::string jwt = token(claims);
    TokenCheck check = check_of(jwt);
    check.body = "";
    EXPECT_EQ(verdict(check), "ok");
}

// --- the token read before verification

TEST(LivekitToken, ReadTokenNamesItsIssuer) {
    const std::string jwt = token(good_claims());
    const ReadToken read = read_livekit_token(jwt);
    EXPECT_EQ(read.unreadable, Reason::ok);
    EXPECT_EQ(read.issuer(), std::optional<std::string_view>(kApiKey));
    EXPECT_EQ(read.signing_input, std::string_view(jwt).substr(0, jwt.rfind('.')));
    // verified with another key's pair, the same reading is refused
    TokenCheck other = check_of(jwt);
    other.api_key = "APIother";
    EXPECT_EQ(verify_livekit_token(read, other), Reason::unknown_api_key);
}

TEST(LivekitToken, ReadTokenWithoutIssuer) {
    Json claims = good_claims();
    claims["iss"] = 42;
    EXPECT_EQ(read_livekit_token(token(claims)).issuer(), std::nullopt);
    claims.erase("iss");
    EXPECT_EQ(read_livekit_token(token(claims)).issuer(), std::nullopt);
}

TEST(LivekitToken, UnreadableTokenHasNoIssuer) {
    const std::string claims = base64url_encode(good_claims().dump());
    // the claims name an issuer, but the header is not JSON: nothing is looked up
    const ReadToken bad_header = read_livekit_token(base64url_encode("{") + "." + claims + ".");
    EXPECT_EQ(bad_header.unreadable, Reason::malformed_jwt);
    EXPECT_EQ(bad_header.issuer(), std::nullopt);
    EXPECT_EQ(read_livekit_token(" \t").unreadable, Reason::empty_authorization);
    EXPECT_EQ(read_livekit_token("a.b").unreadable, Reason::malformed_jwt);
    EXPECT_EQ(read_livekit_token(token(good_claims()) + "!").unreadable, Reason::malformed_jwt);
}

// --- the claims alone (a delivery whose key is unknown may be parked, DESIGN.md §3)

TEST(LivekitToken, ClaimsOfAnUnknownKeysTokenAreCheckedWithoutItsSecret) {
    // signed with a secret callout does not hold: the claims are judged all the same
    const std::string jwt = mint(kHs256Header, good_claims().dump(), "a-secret-nobody-here-knows");
    TokenCheck unknown = check_of(jwt);
    unknown.api_key = "";
    unknown.api_secret = "";
    const ReadToken read = read_livekit_token(jwt);
    EXPECT_EQ(verify_livekit_token(read, unknown), Reason::unknown_api_key);
    EXPECT_EQ(verify_livekit_token_claims(read, unknown), Reason::ok);

    Json claims = good_claims();
    claims["exp"] = kNow - kLeeway;
    EXPECT_EQ(verify_livekit_token_claims(read_livekit_token(token(claims)), unknown),
              Reason::expired);
    claims = good_claims();
    claims["nbf"] = kNow + kLeeway + 1;
    EXPECT_EQ(verify_livekit_token_claims(read_livekit_token(token(claims)), unknown),
              Reason::not_yet_valid);
    claims = good_claims();
    claims.erase("exp");
    EXPECT_EQ(verify_livekit_token_claims(read_livekit_token(token(claims)), unknown),
              Reason::missing_exp);
    claims = good_claims();
    claims.erase("sha256");
    EXPECT_EQ(verify_livekit_token_claims(read_livekit_token(token(claims)), unknown),
              Reason::missing_sha256);
    TokenCheck other_body = unknown;
    other_body.body = "{}";
    EXPECT_EQ(verify_livekit_token_claims(read, other_body), Reason::sha256_mismatch);
    // an unreadable token has no claims to judge
    EXPECT_EQ(verify_livekit_token_claims(read_livekit_token("a.b"), unknown),
              Reason::malformed_jwt);
}

// --- empty_authorization

TEST(LivekitToken, EmptyAuthorization) {
    EXPECT_EQ(verdict(""), "empty_authorization");
    EXPECT_EQ(verdict(std::string_view()), "empty_authorization");
    EXPECT_EQ(verdict(" "), "empty_authorization");
    EXPECT_EQ(verdict(" \t\r\n"), "empty_authorization");
}

// --- malformed_jwt

TEST(LivekitToken, MalformedGarbage) {
    EXPECT_EQ(verdict("this-is-not-a-jwt"), "malformed_jwt");
    EXPECT_EQ(verdict("."), "malformed_jwt");
    EXPECT_EQ(verdict(".."), "malformed_jwt");
    EXPECT_EQ(verdict("a.b.c"), "malformed_jwt");
}

TEST(LivekitToken, MalformedBearerPrefix) {
    const std::string jwt = token(good_claims());
    EXPECT_EQ(verdict("Bearer " + jwt), "malformed_jwt");
    EXPECT_EQ(verdict("bearer " + jwt), "malformed_jwt");
}

TEST(LivekitToken, SurroundingWhitespace) {
    const std::string jwt = token(good_claims());
    // in the header segment: malformed (the header and claims are decoded strictly)
    EXPECT_EQ(verdict(" " + jwt), "malformed_jwt");
    // after the signature: part of the signature segment, which LiveKit's receivers decode
    // skipping ASCII whitespace (go-jose strips it from the token, jose from each segment)
    EXPECT_EQ(verdict(jwt + "\n"), "ok");
    EXPECT_EQ(verdict(jwt + " \r\n"), "ok");
    EXPECT_EQ(verdict(jwt + "\v"), "malformed_jwt");  // not whitespace to JS's base64 decoder
}

TEST(LivekitToken, MalformedTwoSegments) {
    const std::string jwt = token(good_claims());
    EXPECT_EQ(verdict(jwt.substr(0, jwt.rfind('.'))), "malformed_jwt");
}

TEST(LivekitToken, MalformedFourSegments) {
    const std::string jwt = token(good_claims());
    EXPECT_EQ(verdict(jwt + ".e30"), "malformed_jwt");
    EXPECT_EQ(verdict(jwt + "."), "malformed_jwt");
    EXPECT_EQ(verdict("e30." + jwt), "malformed_jwt");
}

TEST(LivekitToken, MalformedEmptyHeaderOrClaims) {
    const std::string jwt = token(good_claims());
    const std::size_t dot1 = jwt.find('.');
    const std::size_t dot2 = jwt.find('.', dot1 + 1);
    EXPECT_EQ(verdict(jwt.substr(dot1)), "malformed_jwt");  // ".claims.sig"
    EXPECT_EQ(verdict(jwt.substr(0, dot1 + 1) + jwt.substr(dot2)), "malformed_jwt");
}

TEST(LivekitToken, MalformedHeaderIsJsonArray) {
    EXPECT_EQ(verdict(mint(R"(["HS256"])", good_claims().dump())), "malformed_jwt");
    EXPECT_EQ(verdict(mint(R"([{"alg":"HS256"}])", good_claims().dump())), "malformed_jwt");
}

TEST(LivekitToken, MalformedHeaderOrClaimsNotAnObject) {
    EXPECT_EQ(verdict(mint("null", good_claims().dump())), "malformed_jwt");
    EXPECT_EQ(verdict(mint(R"("HS256")", good_claims().dump())), "malformed_jwt");
    EXPECT_EQ(verdict(mint(kHs256Header, "[]")), "malformed_jwt");
    EXPECT_EQ(verdict(mint(kHs256Header, "42")), "malformed_jwt");
}

TEST(LivekitToken, MalformedHeaderOrClaimsNotJson) {
    EXPECT_EQ(verdict(mint("alg=HS256", good_claims().dump())), "malformed_jwt");
    EXPECT_EQ(verdict(mint(R"({"alg":"HS256"} x)", good_claims().dump())), "malformed_jwt");
    EXPECT_EQ(verdict(mint(R"({"alg":"HS256",})", good_claims().dump())), "malformed_jwt");
    EXPECT_EQ(verdict(mint(kHs256Header, good_claims().dump().substr(1))), "malformed_jwt");
    // Invalid UTF-8 inside a JSON string.
    EXPECT_EQ(verdict(mint("{\"alg\":\"HS256\",\"kid\":\"\xff\"}", good_claims().dump())),
              "malformed_jwt");
}

TEST(LivekitToken, MalformedSegmentEncoding) {
    const std::string jwt = token(good_claims());
    const std::size_t dot1 = jwt.find('.');
    const std::size_t dot2 = jwt.find('.', dot1 + 1);
    const std::string header = jwt.substr(0, dot1);
    const std::string claims = jwt.substr(dot1 + 1, dot2 - dot1 - 1);
    const std::string signature = jwt.substr(dot2 + 1);
    // Standard base64 padding and alphabet are not base64url.
    EXPECT_EQ(verdict(header + "=." + claims + "." + signature), "malformed_jwt");
    EXPECT_EQ(verdict(header + "." + claims + "." + signature + "="), "malformed_jwt");
    EXPECT_EQ(verdict(header + "." + claims + "." + signature.substr(1) + "+"), "malformed_jwt");
    EXPECT_EQ(verdict(header + "." + claims + ".!!"), "malformed_jwt");
    // A signature of 1 mod 4 characters cannot be base64url.
    EXPECT_EQ(verdict(header + "." + claims + ".A"), "malformed_jwt");
}

// The signature segment is decoded as LiveKit's receivers decode it (go-jose's
// base64.RawURLEncoding, jose's base64url decoding): unused trailing bits are ignored and ASCII
// whitespace skipped, so a segment that decodes there but does not match is bad_signature.

// Changes the last character of a token so that its value keeps its 6 - unused bits and sets
// the unused ones.
std::string with_trailing_bits_set(std::string token) {
    static constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const std::size_t last = kAlphabet.find(token.back());
    token.back() = kAlphabet[last | 3u];
    return token;
}

TEST(LivekitToken, SignatureWithUnusedTrailingBitsSet) {
    const std::string jwt = token(good_claims());
    ASSERT_EQ(jwt.size() - jwt.rfind('.') - 1, 43u);  // 32 bytes: 2 unused bits at the end
    const std::string altered = with_trailing_bits_set(jwt);
    ASSERT_NE(altered, jwt);
    EXPECT_EQ(verdict(altered), "ok");  // the same 32 bytes
}

TEST(LivekitToken, NonCanonicalSignatureThatDoesNotMatchIsBadSignature) {
    const std::string jwt = token(good_claims());
    const std::string signing_input = jwt.substr(0, jwt.rfind('.'));
    const std::string wrong =
        signing_input + "." + base64url_encode(hmac_sha256("another-secret", signing_input));
    EXPECT_EQ(verdict(wrong), "bad_signature");
    EXPECT_EQ(verdict(with_trailing_bits_set(wrong)), "bad_signature");
    EXPECT_EQ(verdict(wrong + "\n"), "bad_signature");
    const std::string spaced =
        wrong.substr(0, wrong.size() - 10) + " \t" + wrong.substr(wrong.size() - 10);
    EXPECT_EQ(verdict(spaced), "bad_signature");
    EXPECT_EQ(verdict(signing_input + ".AAAA"), "bad_signature");  // 3 bytes, decodes
    EXPECT_EQ(verdict(signing_input + ".AB"), "bad_signature");    // 1 byte, 4 unused bits set
}

TEST(LivekitToken, SignatureSegmentsNoReceiverDecodesAreMalformed) {
    const std::string jwt = token(good_claims());
    const std::string signing_input = jwt.substr(0, jwt.rfind('.'));
    // padding: go-jose's RawURLEncoding rejects it
    EXPECT_EQ(verdict(jwt + "="), "malformed_jwt");
    EXPECT_EQ(verdict(signing_input + ".AB=="), "malformed_jwt");
    // the standard alphabet: go-jose and jose's base64url alphabet reject it
    EXPECT_EQ(verdict(signing_input + ".AB+/"), "malformed_jwt");
    // 1 mod 4 characters (whitespace aside) cannot be base64
    EXPECT_EQ(verdict(signing_input + ".A"), "malformed_jwt");
    EXPECT_EQ(verdict(signing_input + ".ABCDE \n"), "malformed_jwt");
}

TEST(LivekitToken, HeaderAndClaimsStayCanonical) {
    // go-jose verifies the HMAC over the segments re-encoded canonically, jose over them as
    // received: the receivers disagree on a non-canonical header or claims, which LiveKit's
    // signers never write, so they stay malformed here.
    const std::string jwt = mint(R"({"alg":"HS256","x":12})", good_claims().dump());
    ASSERT_EQ(verdict(jwt), "ok");
    const std::size_t dot1 = jwt.find('.');
    const std::string header = jwt.substr(0, dot1);
    ASSERT_EQ(header.size() % 4, 2u);  // 22 bytes: 4 unused bits at the end
    EXPECT_EQ(verdict(with_trailing_bits_set(header) + jwt.substr(dot1)), "malformed_jwt");
}

TEST(LivekitToken, MalformedOversized) {
    Json header = Json::parse(kHs256Header);
    header["kid"] = std::string(9000, 'k');
    const std::string jwt = mint(header.dump(), good_claims().dump());
    ASSERT_GT(jwt.size(), max_authorization_bytes);
    EXPECT_EQ(verdict(jwt), "malformed_jwt");
}

TEST(LivekitToken, SizeLimitBoundary) {
    // Finds padding that makes a valid token exactly max_authorization_bytes long.
    // Each byte of padding adds about 4/3 characters: start just below the limit.
    const std::size_t unpadded = mint(kHs256Header, good_claims().dump()).size();
    const std::size_t start = (max_authorization_bytes - unpadded) * 3 / 4 - 64;
    std::string exact;
    for (std::size_t claims_pad = 0; claims_pad < 3 && exact.empty(); ++claims_pad) {
        for (std::size_t header_pad = start; header_pad < max_authorization_bytes; ++header_pad) {
            Json header = Json::parse(kHs256Header);
            header["kid"] = std::string(header_pad, 'k');
            Json claims = good_claims();
            claims["pad"] = std::string(claims_pad, 'p');
            const std::string jwt = mint(header.dump(), claims.dump());
            if (jwt.size() == max_authorization_bytes) {
                exact = jwt;
                break;
            }
            if (jwt.size() > max_authorization_bytes) break;
        }
    }
    ASSERT_EQ(exact.size(), max_authorization_bytes);
    EXPECT_EQ(verdict(exact), "ok");
    // One more byte (an extra character in a segment) is over the limit.
    EXPECT_EQ(verdict(exact + "A"), "malformed_jwt");
}

// --- alg_not_allowed

TEST(LivekitToken, AlgNoneUnsigned) {
    const std::string unsigned_token =
        base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(good_claims().dump()) + ".";
    EXPECT_EQ(verdict(unsigned_token), "alg_not_allowed");
    EXPECT_EQ(verdict(mint(R"({"alg":"none"})", good_claims().dump())), "alg_not_allowed");
}

TEST(LivekitToken, AlgLowercase) {
    EXPECT_EQ(verdict(mint(R"({"alg":"hs256"})", good_claims().dump())), "alg_not_allowed");
}

TEST(LivekitToken, AlgOtherHmac) {
    EXPECT_EQ(verdict(mint(R"({"alg":"HS512"})", good_claims().dump())), "alg_not_allowed");
    EXPECT_EQ(verdict(mint(R"({"alg":"HS384"})", good_claims().dump())), "alg_not_allowed");
    EXPECT_EQ(verdict(mint(R"({"alg":"RS256"})", good_claims().dump())), "alg_not_allowed");
}

TEST(LivekitToken, AlgMissingOrNotExactString) {
    EXPECT_EQ(verdict(mint(R"({"typ":"JWT"})", good_claims().dump())), "alg_not_allowed");
    EXPECT_EQ(verdict(mint(R"({})", good_claims().dump())), "alg_not_allowed");
    EXPECT_EQ(verdict(mint(R"({"alg":null})", good_claims().dump())), "alg_not_allowed");
    EXPECT_EQ(verdict(mint(R"({"alg":256})", good_claims().dump())), "alg_not_allowed");
    EXPECT_EQ(verdict(mint(R"({"alg":["HS256"]})", good_claims().dump())), "alg_not_allowed");
    EXPECT_EQ(verdict(mint(R"({"alg":" HS256"})", good_claims().dump())), "alg_not_allowed");
    EXPECT_EQ(verdict(mint(R"({"alg":"HS256\u0000"})", good_claims().dump())), "alg_not_allowed");
}

// --- missing_iss

TEST(LivekitToken, MissingIss) {
    Json claims = good_claims();
    claims.erase("iss");
    EXPECT_EQ(verdict(token(claims)), "missing_iss");
}

TEST(LivekitToken, IssNotAString) {
    Json claims = good_claims();
    claims["iss"] = 42;
    EXPECT_EQ(verdict(token(claims)), "missing_iss");
    claims["iss"] = nullptr;
    EXPECT_EQ(verdict(token(claims)), "missing_iss");
}

// --- unknown_api_key

TEST(LivekitToken, UnknownApiKey) {
    Json claims = good_claims();
    claims["iss"] = "APIsomeoneElse";
    EXPECT_EQ(verdict(token(claims)), "unknown_api_key");
    claims["iss"] = "apitestkey42";  // keys are case-sensitive
    EXPECT_EQ(verdict(token(claims)), "unknown_api_key");
    claims["iss"] = std::string(kApiKey) + " ";
    EXPECT_EQ(verdict(token(claims)), "unknown_api_key");
}

TEST(LivekitToken, EmptyApiKeyMatchesNoIssuer) {
    Json claims = good_claims();
    claims["iss"] = "";
    const std::string jwt = token(claims);
    TokenCheck check = check_of(jwt);
    check.api_key = "";
    EXPECT_EQ(verdict(check), "unknown_api_key");
}

// --- bad_signature

TEST(LivekitToken, BadSignatureWrongSecret) {
    EXPECT_EQ(verdict(mint(kHs256Header, good_claims().dump(), "another-secret")), "bad_signature");
}

TEST(LivekitToken, BadSignatureTamperedClaims) {
    const std::string jwt = token(good_claims());
    Json claims = good_claims();
    claims["exp"] = kNow + 100000;
    const std::size_t dot1 = jwt.find('.');
    const std::size_t dot2 = jwt.find('.', dot1 + 1);
    const std::string forged =
        jwt.substr(0, dot1 + 1) + base64url_encode(claims.dump()) + jwt.substr(dot2);
    EXPECT_EQ(verdict(forged), "bad_signature");
}

TEST(LivekitToken, BadSignatureTruncatedOrEmpty) {
    const std::string jwt = token(good_claims());
    const std::size_t dot2 = jwt.rfind('.');
    EXPECT_EQ(verdict(jwt.substr(0, dot2 + 1)), "bad_signature");
    EXPECT_EQ(verdict(jwt.substr(0, jwt.size() - 3)), "bad_signature");  // 40 chars: 30 bytes
}

TEST(LivekitToken, BadSignatureWhenSecretEmpty) {
    const std::string jwt = mint(kHs256Header, good_claims().dump(), "");
    TokenCheck check = check_of(jwt);
    check.api_secret = "";
    EXPECT_EQ(verdict(check), "bad_signature");
}

// --- missing_exp

TEST(LivekitToken, MissingExp) {
    Json claims = good_claims();
    claims.erase("exp");
    EXPECT_EQ(verdict(token(claims)), "missing_exp");
}

TEST(LivekitToken, ExpNotANumber) {
    Json claims = good_claims();
    claims["exp"] = std::to_string(kNow + 300);
    EXPECT_EQ(verdict(token(claims)), "missing_exp");
    claims["exp"] = nullptr;
    EXPECT_EQ(verdict(token(claims)), "missing_exp");
    claims["exp"] = true;
    EXPECT_EQ(verdict(token(claims)), "missing_exp");
}

// --- expired

TEST(LivekitToken, ExpiredLeewayBoundary) {
    Json claims = good_claims();
    claims["exp"] = kNow - kLeeway;  // now - leeway == exp: expired, as the SDK decides
    EXPECT_EQ(verdict(token(claims)), "expired");
    claims["exp"] = kNow - kLeeway + 1;
    EXPECT_EQ(verdict(token(claims)), "ok");
    claims["exp"] = kNow - 3600;
    EXPECT_EQ(verdict(token(claims)), "expired");
}

TEST(LivekitToken, ExpiredWithoutLeeway) {
    Json claims = good_claims();
    claims["exp"] = kNow;
    EXPECT_EQ(verdict_at(token(claims), kNow, 0), "expired");
    claims["exp"] = kNow + 1;
    EXPECT_EQ(verdict_at(token(claims), kNow, 0), "ok");
    // A negative leeway counts as none.
    EXPECT_EQ(verdict_at(token(claims), kNow, -100), "ok");
}

TEST(LivekitToken, ExpiredFractionalExp) {
    const Json claims = good_claims();
    const std::string limit = std::to_string(kNow - kLeeway);
    EXPECT_EQ(verdict(mint(kHs256Header, with_raw(claims, "exp", limit + ".5"))), "ok");
    EXPECT_EQ(verdict(mint(kHs256Header, with_raw(claims, "exp", limit + ".0"))), "expired");
    EXPECT_EQ(verdict(mint(kHs256Header, with_raw(claims, "exp", limit + "e0"))), "expired");
    const std::string before = std::to_string(kNow - kLeeway - 1);
    EXPECT_EQ(verdict(mint(kHs256Header, with_raw(claims, "exp", before + ".5"))), "expired");
}

TEST(LivekitToken, ExpiredHugeValuesDoNotOverflow) {
    const Json claims = good_claims();
    const auto exp_verdict = [&](const std::string& raw) {
        return verdict(mint(kHs256Header, with_raw(claims, "exp", raw)));
    };
    EXPECT_EQ(exp_verdict("9223372036854775807"), "ok");
    EXPECT_EQ(exp_verdict("9223372036854775808"), "ok");
    EXPECT_EQ(exp_verdict("18446744073709551615"), "ok");
    EXPECT_EQ(exp_verdict("18446744073709551616"), "ok");  // beyond uint64: a float
    EXPECT_EQ(exp_verdict("1e300"), "ok");
    EXPECT_EQ(exp_verdict("9.3e18"), "ok");
    EXPECT_EQ(exp_verdict("-9223372036854775808"), "expired");
    EXPECT_EQ(exp_verdict("-9223372036854775809"), "expired");
    EXPECT_EQ(exp_verdict("-1e300"), "expired");
    EXPECT_EQ(exp_verdict("-9.3e18"), "expired");
    EXPECT_EQ(exp_verdict("0"), "expired");
    EXPECT_EQ(exp_verdict("-0.0"), "expired");
}

TEST(LivekitToken, ExtremeClockDoesNotOverflow) {
    Json claims = good_claims();
    claims.erase("nbf");
    claims["exp"] = std::numeric_limits<std::int64_t>::max();
    const std::string jwt = token(claims);
    constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    EXPECT_EQ(verdict_at(jwt, kMin, kMax), "ok");
    EXPECT_EQ(verdict_at(jwt, kMax, kMax), "ok");
    EXPECT_EQ(verdict_at(jwt, kMax, 0), "expired");
    EXPECT_EQ(verdict_at(jwt, kMax - 1, 0), "ok");
}

// now + leeway, against nbf, saturates at the int64 bound instead of wrapping to the past.
TEST(LivekitToken, ExtremeClockWithNbfDoesNotOverflow) {
    Json claims = good_claims();
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    claims["nbf"] = kMax;
    claims["exp"] = kMax;
    const std::string jwt = token(claims);
    EXPECT_EQ(verdict_at(jwt, kMax - 1, kLeeway), "ok");
    EXPECT_EQ(verdict_at(jwt, kMax, kMax), "ok");
    EXPECT_EQ(verdict_at(jwt, kMax - kLeeway - 1, kLeeway), "not_yet_valid");
    EXPECT_EQ(verdict_at(jwt, kMax - 1, 0), "not_yet_valid");
}

// --- not_yet_valid

TEST(LivekitToken, NotYetValidLeewayBoundary) {
    Json claims = good_claims();
    claims["nbf"] = kNow + kLeeway;  // nbf - now == leeway: still accepted
    EXPECT_EQ(verdict(token(claims)), "ok");
    claims["nbf"] = kNow + kLeeway + 1;
    EXPECT_EQ(verdict(token(claims)), "not_yet_valid");
    claims["nbf"] = kNow + 3600;
    claims["exp"] = kNow + 3900;
    EXPECT_EQ(verdict(token(claims)), "not_yet_valid");
}

TEST(LivekitToken, NotYetValidWithoutLeeway) {
    Json claims = good_claims();
    claims["nbf"] = kNow;
    EXPECT_EQ(verdict_at(token(claims), kNow, 0), "ok");
    claims["nbf"] = kNow + 1;
    EXPECT_EQ(verdict_at(token(claims), kNow, 0), "not_yet_valid");
}

TEST(LivekitToken, NbfIsOptional) {
    Json claims = good_claims();
    claims.erase("nbf");
    EXPECT_EQ(verdict(token(claims)), "ok");
}

TEST(LivekitToken, NotYetValidFractionalAndHugeNbf) {
    const Json claims = good_claims();
    const auto nbf_verdict = [&](const std::string& raw) {
        return verdict(mint(kHs256Header, with_raw(claims, "nbf", raw)));
    };
    const std::string limit = std::to_string(kNow + kLeeway);
    EXPECT_EQ(nbf_verdict(limit + ".0"), "ok");
    EXPECT_EQ(nbf_verdict(limit + ".5"), "not_yet_valid");
    EXPECT_EQ(nbf_verdict("9223372036854775807"), "not_yet_valid");
    EXPECT_EQ(nbf_verdict("18446744073709551615"), "not_yet_valid");
    EXPECT_EQ(nbf_verdict("1e300"), "not_yet_valid");
    EXPECT_EQ(nbf_verdict("-9223372036854775808"), "ok");
    EXPECT_EQ(nbf_verdict("-1e300"), "ok");
    EXPECT_EQ(nbf_verdict("0"), "ok");
}

TEST(LivekitToken, NotYetValidWhenNbfNotANumber) {
    Json claims = good_claims();
    claims["nbf"] = std::to_string(kNow);
    EXPECT_EQ(verdict(token(claims)), "not_yet_valid");
    claims["nbf"] = nullptr;
    EXPECT_EQ(verdict(token(claims)), "not_yet_valid");
}

// --- missing_sha256

TEST(LivekitToken, MissingSha256) {
    Json claims = good_claims();
    claims.erase("sha256");
    EXPECT_EQ(verdict(token(claims)), "missing_sha256");
    claims["sha256"] = 42;
    EXPECT_EQ(verdict(token(claims)), "missing_sha256");
}

// --- sha256_mismatch

TEST(LivekitToken, Sha256MismatchTamperedBody) {
    const std::string jwt = token(good_claims());
    TokenCheck check = check_of(jwt);
    const std::string tampered = std::string(kBody) + "\n";
    check.body = tampered;
    EXPECT_EQ(verdict(check), "sha256_mismatch");
    check.body = "";
    EXPECT_EQ(verdict(check), "sha256_mismatch");
}

TEST(LivekitToken, Sha256MismatchOtherSpellings) {
    const std::string digest = sha256(kBody);
    Json claims = good_claims();
    std::string hex;
    for (const char c : digest) {
        static constexpr char kDigits[] = "0123456789abcdef";
        hex.push_back(kDigits[static_cast<unsigned char>(c) >> 4]);
        hex.push_back(kDigits[static_cast<unsigned char>(c) & 0x0F]);
    }
    claims["sha256"] = hex;
    EXPECT_EQ(verdict(token(claims)), "sha256_mismatch");
    claims["sha256"] = base64url_encode(digest);  // unpadded, url alphabet
    EXPECT_EQ(verdict(token(claims)), "sha256_mismatch");
    claims["sha256"] = "";
    EXPECT_EQ(verdict(token(claims)), "sha256_mismatch");
}

// --- order of the checks

TEST(LivekitToken, CheckOrder) {
    Json claims = good_claims();
    // alg before iss and signature.
    Json no_iss = claims;
    no_iss.erase("iss");
    EXPECT_EQ(verdict(mint(R"({"alg":"HS512"})", no_iss.dump(), "wrong")), "alg_not_allowed");
    // iss before signature.
    EXPECT_EQ(verdict(mint(kHs256Header, no_iss.dump(), "wrong")), "missing_iss");
    Json other_iss = claims;
    other_iss["iss"] = "APIother";
    EXPECT_EQ(verdict(mint(kHs256Header, other_iss.dump(), "wrong")), "unknown_api_key");
    // signature before every time and body check.
    Json stale = claims;
    stale["exp"] = kNow - 3600;
    stale.erase("sha256");
    EXPECT_EQ(verdict(mint(kHs256Header, stale.dump(), "wrong")), "bad_signature");
    // exp before nbf and sha256.
    stale["nbf"] = kNow + 3600;
    EXPECT_EQ(verdict(token(stale)), "expired");
    Json no_exp = claims;
    no_exp.erase("exp");
    no_exp["nbf"] = kNow + 3600;
    EXPECT_EQ(verdict(token(no_exp)), "missing_exp");
    // nbf before sha256.
    Json early = claims;
    early["nbf"] = kNow + 3600;
    early["exp"] = kNow + 3900;
    early.erase("sha256");
    EXPECT_EQ(verdict(token(early)), "not_yet_valid");
}

TEST(LivekitToken, VerdictNames) {
    EXPECT_STREQ(reason_name(Reason::ok), "ok");
    EXPECT_STREQ(reason_name(Reason::empty_authorization), "empty_authorization");
    EXPECT_STREQ(reason_name(Reason::malformed_jwt), "malformed_jwt");
    EXPECT_STREQ(reason_name(Reason::alg_not_allowed), "alg_not_allowed");
    EXPECT_STREQ(reason_name(Reason::missing_iss), "missing_iss");
    EXPECT_STREQ(reason_name(Reason::unknown_api_key), "unknown_api_key");
    EXPECT_STREQ(reason_name(Reason::bad_signature), "bad_signature");
    EXPECT_STREQ(reason_name(Reason::missing_exp), "missing_exp");
    EXPECT_STREQ(reason_name(Reason::expired), "expired");
    EXPECT_STREQ(reason_name(Reason::not_yet_valid), "not_yet_valid");
    EXPECT_STREQ(reason_name(Reason::missing_sha256), "missing_sha256");
    EXPECT_STREQ(reason_name(Reason::sha256_mismatch), "sha256_mismatch");
}

// --- the vectors produced and judged by LiveKit's server SDK

struct Vector {
    std::string name;
    std::string body;
    std::string authorization;
    std::string api_key;
    std::string api_secret;
    std::int64_t now = 0;
    std::string reason;
};

// Keeps gtest from dumping the raw bytes of a vector in test names and failure messages.
void PrintTo(const Vector& vector, std::ostream* out) {
    *out << vector.name;
}

// Reads every line of the vectors file; an unreadable file yields no vector, which the
// count test below reports.
std::vector<Vector> load_vectors() {
    std::vector<Vector> vectors;
    std::ifstream file(CALLOUT_VECTORS_FILE);
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty()) continue;
        const Json j = Json::parse(line, nullptr, false);
        if (j.is_discarded()) {
            vectors.push_back(Vector{"unparseable_line", "", "", "", "", 0, "unparseable"});
            continue;
        }
        Vector v;
        v.name = j.value("name", "unnamed");
        v.body = j.value("body", "");
        v.authorization = j.value("authorization", "");
        v.api_key = j.value("api_key", "");
        v.api_secret = j.value("api_secret", "");
        v.now = j.value("now", std::int64_t{0});
        v.reason = j.contains("expect") ? j["expect"].value("reason", "") : "";
        vectors.push_back(std::move(v));
    }
    return vectors;
}

TEST(LivekitVectors, FileHasAllVectors) {
    const std::vector<Vector> vectors = load_vectors();
    EXPECT_EQ(vectors.size(), 51u) << "reading " << CALLOUT_VECTORS_FILE;
    for (const Vector& v : vectors) {
        SCOPED_TRACE(v.name);
        EXPECT_NE(v.name, "unparseable_line");
        EXPECT_FALSE(v.reason.empty());
        EXPECT_NE(v.now, 0);
    }
}

class LivekitVector : public ::testing::TestWithParam<Vector> {};

TEST_P(LivekitVector, AgreesWithExpectedReason) {
    const Vector& v = GetParam();
    TokenCheck check;
    check.body = v.body;
    check.authorization = v.authorization;
    check.api_key = v.api_key;
    check.api_secret = v.api_secret;
    check.now_unix = v.now;
    check.leeway_seconds = 10;
    // A body that is not JSON is judged after the token, which is good on those vectors.
    const std::string expected = v.reason == "body_not_json" ? "ok" : v.reason;
    EXPECT_EQ(verdict(check), expected);
}

INSTANTIATE_TEST_SUITE_P(Livekit, LivekitVector, ::testing::ValuesIn(load_vectors()),
                         [](const ::testing::TestParamInfo<Vector>& info) {
                             std::string name;
                             for (const char c : info.param.name) {
                                 const bool alnum = (c >= 'a' && c <= 'z') ||
                                                    (c >= 'A' && c <= 'Z') ||
                                                    (c >= '0' && c <= '9');
                                 name.push_back(alnum ? c : '_');
                             }
                             return name + "_" + std::to_string(info.index);
                         });

}  // namespace
}  // namespace callout::core
