// SHA-256 and HMAC-SHA256 against published vectors (FIPS 180-2, RFC 4231), and the
// constant-time comparison.
#include "core/crypto.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace callout::core {
namespace {

using namespace std::string_literals;
using namespace std::string_view_literals;

std::string to_hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0x0F]);
    }
    return out;
}

TEST(Sha256, EmptyString) {
    EXPECT_EQ(to_hex(sha256("")),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, Abc) {
    EXPECT_EQ(to_hex(sha256("abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, TwoBlockMessage) {
    EXPECT_EQ(to_hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, HashesEmbeddedNul) {
    EXPECT_NE(sha256("a\0b"sv), sha256("a"));
}

// RFC 4231 §4.2
TEST(HmacSha256, Rfc4231Case1) {
    EXPECT_EQ(to_hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
              "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

// RFC 4231 §4.3: a key shorter than the output.
TEST(HmacSha256, Rfc4231Case2) {
    EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// RFC 4231 §4.4
TEST(HmacSha256, Rfc4231Case3) {
    EXPECT_EQ(to_hex(hmac_sha256(std::string(20, '\xaa'), std::string(50, '\xdd'))),
              "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
}

// RFC 4231 §4.5
TEST(HmacSha256, Rfc4231Case4) {
    std::string key;
    for (int i = 1; i <= 25; ++i) key.push_back(static_cast<char>(i));
    EXPECT_EQ(to_hex(hmac_sha256(key, std::string(50, '\xcd'))),
              "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

// RFC 4231 §4.6: the RFC publishes only the first 128 bits of the output.
TEST(HmacSha256, Rfc4231Case5Truncated) {
    const std::string mac = hmac_sha256(std::string(20, '\x0c'), "Test With Truncation");
    ASSERT_EQ(mac.size(), 32u);
    EXPECT_EQ(to_hex(mac.substr(0, 16)), "a3b6167473100ee06e0c796c2955552b");
}

// RFC 4231 §4.7: a 131-byte key, longer than the block, is hashed first.
TEST(HmacSha256, Rfc4231Case6) {
    EXPECT_EQ(to_hex(hmac_sha256(std::string(131, '\xaa'),
                                 "Test Using Larger Than Block-Size Key - Hash Key First")),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

// RFC 4231 §4.8: a 131-byte key and data longer than the block.
TEST(HmacSha256, Rfc4231Case7) {
    EXPECT_EQ(to_hex(hmac_sha256(
                  std::string(131, '\xaa'),
                  "This is a test using a larger than block-size key and a larger than block-size "
                  "data. The key needs to be hashed before being used by the HMAC algorithm.")),
              "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(HmacSha256, EmptyKeyAndDataAreAllowed) {
    // HMAC-SHA256("", "") as computed by Python's hmac module.
    EXPECT_EQ(to_hex(hmac_sha256("", "")),
              "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    EXPECT_EQ(hmac_sha256(std::string_view(), std::string_view()), hmac_sha256("", ""));
}

TEST(HmacSha256, KeyWithEmbeddedNulIsNotTruncated) {
    EXPECT_NE(hmac_sha256("k\0x"sv, "data"), hmac_sha256("k", "data"));
}

TEST(ConstantTimeEqual, EqualBytes) {
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_TRUE(constant_time_equal(std::string_view(), ""));
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_TRUE(constant_time_equal("a\0b"sv, "a\0b"sv));
    const std::string mac = hmac_sha256("k", "d");
    EXPECT_TRUE(constant_time_equal(mac, std::string(mac)));
}

TEST(ConstantTimeEqual, DifferentBytes) {
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "Abc"));
    EXPECT_FALSE(constant_time_equal("a\0b"sv, "a\0c"sv));
}

TEST(ConstantTimeEqual, DifferentLengths) {
    EXPECT_FALSE(constant_time_equal("abc", "ab"));
    EXPECT_FALSE(constant_time_equal("", "a"));
    EXPECT_FALSE(constant_time_equal("abc", "abc\0"sv));
    const std::string mac = hmac_sha256("k", "d");
    EXPECT_FALSE(constant_time_equal(mac, mac.substr(0, 16)));
}

}  // namespace
}  // namespace callout::core
