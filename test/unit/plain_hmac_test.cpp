// The plain HMAC-SHA256 scheme of the module callout replaces: hex or base64 of the HMAC of
// the raw body, optionally prefixed "sha256=".
#include "core/plain_hmac.hpp"

#include "core/base64.hpp"
#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <string_view>

namespace callout::core {
namespace {

constexpr std::string_view kSecret = "whsec_test_secret";
constexpr std::string_view kBody = R"({"event":"room_started","id":"EV_1"})";
// HMAC-SHA256(kSecret, kBody) as computed independently (Python's hmac module).
constexpr std::string_view kHex =
    "cb6d6f4bb001349245ebb0f8d1a9e6b0990aa34e8c9a2ae43398f48db2d571ca";
constexpr std::string_view kBase64 = "y21vS7ABNJJF67D40anmsJkKo06MmirkM5j0jbLVcco=";

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

TEST(PlainHmac, SignatureCorrect) {
    EXPECT_TRUE(verify_plain_hmac(kBody, kHex, kSecret));
}

TEST(PlainHmac, SignatureIncorrect) {
    std::string wrong(kHex);
    wrong[0] = wrong[0] == '0' ? '1' : '0';
    EXPECT_FALSE(verify_plain_hmac(kBody, wrong, kSecret));
    EXPECT_FALSE(verify_plain_hmac(kBody, kHex, "another_secret"));
    EXPECT_FALSE(verify_plain_hmac(std::string(kBody) + " ", kHex, kSecret));
    EXPECT_FALSE(verify_plain_hmac(kBody, std::string(64, '0'), kSecret));
}

TEST(PlainHmac, MissingSignature) {
    EXPECT_FALSE(verify_plain_hmac(kBody, "", kSecret));
    EXPECT_FALSE(verify_plain_hmac(kBody, std::string_view(), kSecret));
    EXPECT_FALSE(verify_plain_hmac(kBody, "   ", kSecret));
    EXPECT_FALSE(verify_plain_hmac(kBody, "sha256=", kSecret));
}

TEST(PlainHmac, MissingSecret) {
    EXPECT_FALSE(verify_plain_hmac(kBody, kHex, ""));
    // Even a signature made with the empty key is refused.
    const std::string empty_key_hex = [] {
        std::string hex;
        for (const char c : hmac_sha256("", kBody)) {
            static constexpr char kDigits[] = "0123456789abcdef";
            hex.push_back(kDigits[static_cast<unsigned char>(c) >> 4]);
            hex.push_back(kDigits[static_cast<unsigned char>(c) & 0x0F]);
        }
        return hex;
    }();
    EXPECT_FALSE(verify_plain_hmac(kBody, empty_key_hex, ""));
}

TEST(PlainHmac, MatchesIndependentlyComputedMac) {
    EXPECT_EQ(hex_decode(kHex), hmac_sha256(kSecret, kBody));
    EXPECT_EQ(base64_encode(hmac_sha256(kSecret, kBody)), kBase64);
}

TEST(PlainHmac, HexLowerCase) {
    EXPECT_TRUE(verify_plain_hmac(kBody, kHex, kSecret));
}

TEST(PlainHmac, HexUpperCase) {
    EXPECT_TRUE(verify_plain_hmac(kBody, upper(kHex), kSecret));
}

TEST(PlainHmac, HexMixedCase) {
    std::string mixed(kHex);
    for (std::size_t i = 0; i < mixed.size(); i += 2) {
        mixed[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(mixed[i])));
    }
    EXPECT_TRUE(verify_plain_hmac(kBody, mixed, kSecret));
}

TEST(PlainHmac, PrefixWithHex) {
    EXPECT_TRUE(verify_plain_hmac(kBody, "sha256=" + std::string(kHex), kSecret));
    EXPECT_TRUE(verify_plain_hmac(kBody, "sha256=" + upper(kHex), kSecret));
}

TEST(PlainHmac, PrefixWithBase64) {
    EXPECT_TRUE(verify_plain_hmac(kBody, "sha256=" + std::string(kBase64), kSecret));
}

TEST(PlainHmac, PrefixIsCaseSensitiveAndSingle) {
    EXPECT_FALSE(verify_plain_hmac(kBody, "SHA256=" + std::string(kHex), kSecret));
    EXPECT_FALSE(verify_plain_hmac(kBody, "sha256=sha256=" + std::string(kHex), kSecret));
    EXPECT_FALSE(verify_plain_hmac(kBody, "sha1=" + std::string(kHex), kSecret));
}

TEST(PlainHmac, Base64Padded44) {
    ASSERT_EQ(kBase64.size(), 44u);
    EXPECT_TRUE(verify_plain_hmac(kBody, kBase64, kSecret));
}

TEST(PlainHmac, Base64MustBePaddedStandard) {
    const std::string unpadded(kBase64.substr(0, 43));
    EXPECT_FALSE(verify_plain_hmac(kBody, unpadded, kSecret));
    EXPECT_FALSE(verify_plain_hmac(kBody, base64url_encode(hmac_sha256(kSecret, kBody)), kSecret));
}

TEST(PlainHmac, WrongLength) {
    EXPECT_FALSE(verify_plain_hmac(kBody, kHex.substr(0, 62), kSecret));
    EXPECT_FALSE(verify_plain_hmac(kBody, std::string(kHex) + "00", kSecret));
    EXPECT_FALSE(verify_plain_hmac(kBody, kHex.substr(0, 40), kSecret));  // SHA-1 sized
    EXPECT_FALSE(verify_plain_hmac(kBody, std::string(kBase64) + "AAAA", kSecret));
    // 44 characters of base64 that are not 32 bytes.
    EXPECT_FALSE(verify_plain_hmac(kBody, base64_encode(hmac_sha256(kSecret, kBody).substr(0, 31)),
                                   kSecret));
}

TEST(PlainHmac, NotHexOrBase64) {
    std::string bad(kHex);
    bad[10] = 'g';
    EXPECT_FALSE(verify_plain_hmac(kBody, bad, kSecret));
    std::string bad64(kBase64);
    bad64[10] = '.';
    EXPECT_FALSE(verify_plain_hmac(kBody, bad64, kSecret));
}

TEST(PlainHmac, SurroundingWhitespaceIsIgnored) {
    EXPECT_TRUE(verify_plain_hmac(kBody, "  " + std::string(kHex) + "\t", kSecret));
    EXPECT_TRUE(verify_plain_hmac(kBody, " sha256=" + std::string(kBase64) + " ", kSecret));
    // the one whitespace rule of the core: line ends, form feeds and vertical tabs too
    EXPECT_TRUE(verify_plain_hmac(kBody, std::string(kHex) + "\r\n", kSecret));
    EXPECT_TRUE(looks_like_plain_hmac("\f\v" + std::string(kBase64) + "\n"));
    // Only around the value, not inside it.
    EXPECT_FALSE(verify_plain_hmac(kBody, "sha256= " + std::string(kHex), kSecret));
    EXPECT_FALSE(verify_plain_hmac(
        kBody, std::string(kHex.substr(0, 32)) + "\n" + std::string(kHex.substr(32)), kSecret));
}

TEST(PlainHmac, OverlongSignature) {
    const std::string padded = std::string(max_plain_signature_bytes, ' ') + std::string(kHex);
    EXPECT_FALSE(verify_plain_hmac(kBody, padded, kSecret));
    EXPECT_FALSE(looks_like_plain_hmac(padded));
    const std::string at_limit =
        std::string(max_plain_signature_bytes - kHex.size(), ' ') + std::string(kHex);
    EXPECT_TRUE(verify_plain_hmac(kBody, at_limit, kSecret));
    EXPECT_TRUE(looks_like_plain_hmac(at_limit));
}

TEST(PlainHmac, EmptyBodyCanBeSigned) {
    const std::string mac = base64_encode(hmac_sha256(kSecret, ""));
    EXPECT_TRUE(verify_plain_hmac("", mac, kSecret));
    EXPECT_FALSE(verify_plain_hmac(kBody, mac, kSecret));
}

TEST(LooksLikePlainHmac, HexIsPlain) {
    EXPECT_TRUE(looks_like_plain_hmac(kHex));
    EXPECT_TRUE(looks_like_plain_hmac(upper(kHex)));
    EXPECT_TRUE(looks_like_plain_hmac(std::string(64, '0')));
}

TEST(LooksLikePlainHmac, PrefixedIsPlain) {
    EXPECT_TRUE(looks_like_plain_hmac("sha256=" + std::string(kHex)));
    EXPECT_TRUE(looks_like_plain_hmac("sha256=" + std::string(kBase64)));
}

TEST(LooksLikePlainHmac, PaddedBase64IsPlain) {
    EXPECT_TRUE(looks_like_plain_hmac(kBase64));
    // The shape is enough: a near miss is routed here and then fails verification.
    EXPECT_TRUE(looks_like_plain_hmac(std::string(42, 'A') + "=="));
    EXPECT_TRUE(looks_like_plain_hmac(std::string(44, '/')));
}

TEST(LooksLikePlainHmac, JwtIsNotPlain) {
    EXPECT_FALSE(looks_like_plain_hmac(
        "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJBUEkifQ.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmE"));
    EXPECT_FALSE(looks_like_plain_hmac("Bearer " + std::string(kHex)));
    EXPECT_FALSE(looks_like_plain_hmac("this-is-not-a-jwt"));
}

TEST(LooksLikePlainHmac, OtherShapesAreNotPlain) {
    EXPECT_FALSE(looks_like_plain_hmac(""));
    EXPECT_FALSE(looks_like_plain_hmac("sha256="));
    EXPECT_FALSE(looks_like_plain_hmac(kHex.substr(0, 63)));
    EXPECT_FALSE(looks_like_plain_hmac(std::string(kHex) + "0"));
    EXPECT_FALSE(looks_like_plain_hmac(std::string(64, 'g')));
    EXPECT_FALSE(looks_like_plain_hmac(kBase64.substr(0, 43)));         // unpadded
    EXPECT_FALSE(looks_like_plain_hmac(std::string(41, 'A') + "==="));  // three '='
    EXPECT_FALSE(looks_like_plain_hmac(std::string(20, 'A') + "=" + std::string(23, 'A')));
    EXPECT_FALSE(looks_like_plain_hmac(std::string(43, '-') + "="));  // base64url
    EXPECT_FALSE(looks_like_plain_hmac("SHA256=" + std::string(kHex)));
    EXPECT_FALSE(looks_like_plain_hmac("sha256=" + std::string(kHex.substr(0, 40))));
}

TEST(LooksLikePlainHmac, SurroundingSpacesAreIgnored) {
    EXPECT_TRUE(looks_like_plain_hmac(" " + std::string(kHex) + " "));
    EXPECT_TRUE(looks_like_plain_hmac("\t" + std::string(kBase64)));
}

}  // namespace
}  // namespace callout::core
