// Base64, base64url and hex: RFC 4648 §10 vectors both ways and the strictness rules.
#include "core/base64.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callout::core {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;

struct Rfc4648Case {
    const char* plain;
    const char* base64;
    const char* base64url;
    const char* hex;
};

// RFC 4648 §10; the base64url column is the same text without padding.
constexpr Rfc4648Case kRfc4648[] = {
    {"", "", "", ""},
    {"f", "Zg==", "Zg", "66"},
    {"fo", "Zm8=", "Zm8", "666F"},
    {"foo", "Zm9v", "Zm9v", "666F6F"},
    {"foob", "Zm9vYg==", "Zm9vYg", "666F6F62"},
    {"fooba", "Zm9vYmE=", "Zm9vYmE", "666F6F6261"},
    {"foobar", "Zm9vYmFy", "Zm9vYmFy", "666F6F626172"},
};

TEST(Base64, Rfc4648EncodeStandard) {
    for (const auto& c : kRfc4648) {
        SCOPED_TRACE(c.plain);
        EXPECT_EQ(base64_encode(c.plain), c.base64);
    }
}

TEST(Base64, Rfc4648DecodeStandard) {
    for (const auto& c : kRfc4648) {
        SCOPED_TRACE(c.base64);
        const auto decoded = base64_decode(c.base64);
        ASSERT_TRUE(decoded.has_value());
        EXPECT_EQ(*decoded, c.plain);
    }
}

TEST(Base64, Rfc4648EncodeUrl) {
    for (const auto& c : kRfc4648) {
        SCOPED_TRACE(c.plain);
        EXPECT_EQ(base64url_encode(c.plain), c.base64url);
    }
}

TEST(Base64, Rfc4648DecodeUrl) {
    for (const auto& c : kRfc4648) {
        SCOPED_TRACE(c.base64url);
        const auto decoded = base64url_decode(c.base64url);
        ASSERT_TRUE(decoded.has_value());
        EXPECT_EQ(*decoded, c.plain);
    }
}

TEST(Base64, Rfc4648Hex) {
    for (const auto& c : kRfc4648) {
        SCOPED_TRACE(c.hex);
        const auto decoded = hex_decode(c.hex);
        ASSERT_TRUE(decoded.has_value());
        EXPECT_EQ(*decoded, c.plain);
    }
}

TEST(Base64, UrlAlphabetUsesDashAndUnderscore) {
    EXPECT_EQ(base64url_encode("\xfb\xef\xbe"), "----");
    EXPECT_EQ(base64url_encode("\xff\xff\xff"), "____");
    EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
    EXPECT_EQ(base64_encode("\xfb\xef\xbe"), "++++");
    EXPECT_EQ(base64_encode("\xff\xff\xff"), "////");
    EXPECT_EQ(base64_encode("\xfb\xff"), "+/8=");
    EXPECT_EQ(base64url_decode("----"), "\xfb\xef\xbe"s);
    EXPECT_EQ(base64url_decode("____"), "\xff\xff\xff"s);
    EXPECT_EQ(base64url_decode("-_8"), "\xfb\xff"s);
    EXPECT_EQ(base64_decode("+/8="), "\xfb\xff"s);
}

TEST(Base64, UrlTails) {
    // 1-, 2- and 3-byte inputs: 2, 3 and 4 characters, never padded.
    EXPECT_EQ(base64url_encode("\x00"s), "AA");
    EXPECT_EQ(base64url_encode("\x00\x00"s), "AAA");
    EXPECT_EQ(base64url_encode("\x00\x00\x00"s), "AAAA");
    EXPECT_EQ(base64url_decode("AA"), "\x00"s);
    EXPECT_EQ(base64url_decode("AAA"), "\x00\x00"s);
    EXPECT_EQ(base64url_decode("AAAA"), "\x00\x00\x00"s);
    EXPECT_EQ(base64url_decode("AAAAAA"), "\x00\x00\x00\x00"s);
}

TEST(Base64, UrlRejectsStandardAlphabetAndPadding) {
    EXPECT_FALSE(base64url_decode("++++").has_value());
    EXPECT_FALSE(base64url_decode("////").has_value());
    EXPECT_FALSE(base64url_decode("Zg==").has_value());
    EXPECT_FALSE(base64url_decode("Zm8=").has_value());
    EXPECT_FALSE(base64url_decode("=").has_value());
}

TEST(Base64, UrlRejectsLengthOneModFour) {
    EXPECT_FALSE(base64url_decode("A").has_value());
    EXPECT_FALSE(base64url_decode("AAAAA").has_value());
    EXPECT_FALSE(base64url_decode("Zm9vY").has_value());
}

TEST(Base64, UrlRejectsNonZeroTrailingBits) {
    // "Zg" is the canonical spelling of "f"; "Zh".."Zv" would decode to it too.
    EXPECT_FALSE(base64url_decode("Zh").has_value());
    EXPECT_FALSE(base64url_decode("Zv").has_value());
    EXPECT_FALSE(base64url_decode("Zm9").has_value());
    EXPECT_FALSE(base64url_decode("Zm-").has_value());
    EXPECT_TRUE(base64url_decode("Zm8").has_value());
}

TEST(Base64, SignatureIgnoresUnusedTrailingBitsAndSkipsWhitespace) {
    // as go-jose's RawURLEncoding and jose's base64url decoding read a JWS signature
    EXPECT_EQ(base64url_decode_signature("Zg"), std::optional<std::string>("f"));
    EXPECT_EQ(base64url_decode_signature("Zh"), std::optional<std::string>("f"));
    EXPECT_EQ(base64url_decode_signature("Zv"), std::optional<std::string>("f"));
    EXPECT_EQ(base64url_decode_signature("Zm9"), std::optional<std::string>("fo"));
    EXPECT_EQ(base64url_decode_signature("Zm8"), std::optional<std::string>("fo"));
    EXPECT_EQ(base64url_decode_signature(" Zm9v\r\nYm\tFy\f"),
              std::optional<std::string>("foobar"));
    EXPECT_EQ(base64url_decode_signature(""), std::optional<std::string>(""));
    EXPECT_EQ(base64url_decode_signature("_-8"), std::optional<std::string>("\xff\xef"));
}

TEST(Base64, SignatureRejectsWhatAReceiverRejects) {
    for (const char* text :
         {"Zg==", "Zg=", "Zm9v+mFy", "Zm9v/mFy", "Z", "Zm9vY", "Zm9v\vYmFy", "Zm9v!"}) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(base64url_decode_signature(text).has_value());
    }
    EXPECT_FALSE(base64url_decode_signature(std::string_view("Zm9v\0Ym", 7)).has_value());
}

TEST(Base64, UrlRejectsNonAlphabetBytes) {
    EXPECT_FALSE(base64url_decode("Zm9v YmFy").has_value());
    EXPECT_FALSE(base64url_decode("Zm9v\nYmFy").has_value());
    EXPECT_FALSE(base64url_decode("Zm9v.YmFy").has_value());
    EXPECT_FALSE(base64url_decode("Zm9vYmF\x80").has_value());
    EXPECT_FALSE(base64url_decode("Zm9vYmF\xff").has_value());
    EXPECT_FALSE(base64url_decode("Bearer eyJ").has_value());
}

TEST(Base64, UrlRejectsEmbeddedNul) {
    EXPECT_FALSE(base64url_decode("Zm\0v"sv).has_value());
    EXPECT_FALSE(base64url_decode("Zm9v\0"sv).has_value());
    EXPECT_FALSE(base64_decode("Zm\0v"sv).has_value());
}

TEST(Base64, StandardRejectsBadPadding) {
    EXPECT_FALSE(base64_decode("Zg").has_value());        // padding required
    EXPECT_FALSE(base64_decode("Zg=").has_value());       // length not a multiple of 4
    EXPECT_FALSE(base64_decode("Z===").has_value());      // three '='
    EXPECT_FALSE(base64_decode("====").has_value());      // only padding
    EXPECT_FALSE(base64_decode("Zg==Zg==").has_value());  // padding in the middle
    EXPECT_FALSE(base64_decode("Z=g=").has_value());
    EXPECT_FALSE(base64_decode("Zm9v\n").has_value());
}

TEST(Base64, StandardRejectsUrlAlphabet) {
    EXPECT_FALSE(base64_decode("-_8=").has_value());
    EXPECT_FALSE(base64_decode("____").has_value());
}

TEST(Base64, StandardRejectsNonZeroTrailingBits) {
    EXPECT_FALSE(base64_decode("Zh==").has_value());
    EXPECT_FALSE(base64_decode("Zm9=").has_value());
    EXPECT_TRUE(base64_decode("Zm8=").has_value());
}

TEST(Base64, RoundTripsAllByteValues) {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
    for (std::size_t n = 0; n <= bytes.size(); n += 37) {
        const std::string part = bytes.substr(0, n);
        SCOPED_TRACE(n);
        EXPECT_EQ(base64_decode(base64_encode(part)), part);
        EXPECT_EQ(base64url_decode(base64url_encode(part)), part);
    }
}

TEST(Hex, DecodesEitherCase) {
    EXPECT_EQ(hex_decode("00ff7f80"), "\x00\xff\x7f\x80"s);
    EXPECT_EQ(hex_decode("00FF7F80"), "\x00\xff\x7f\x80"s);
    EXPECT_EQ(hex_decode("aBcDeF"), "\xab\xcd\xef"s);
    EXPECT_EQ(hex_decode(""), ""s);
}

TEST(Hex, RejectsOddLengthAndNonHex) {
    EXPECT_FALSE(hex_decode("0").has_value());
    EXPECT_FALSE(hex_decode("abc").has_value());
    EXPECT_FALSE(hex_decode("0g").has_value());
    EXPECT_FALSE(hex_decode("zz").has_value());
    EXPECT_FALSE(hex_decode(" 0").has_value());
    EXPECT_FALSE(hex_decode("0x00").has_value());
    EXPECT_FALSE(hex_decode("\0\0"sv).has_value());
}

}  // namespace
}  // namespace callout::core
