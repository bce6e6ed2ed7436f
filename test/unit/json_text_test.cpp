// replace_nul_escapes and is_secret_field.
#include <gtest/gtest.h>

#include <string>

#include "core/json_text.hpp"

namespace callout::core {
namespace {

// Runs replace_nul_escapes on a copy and returns the rewritten text.
std::string rewritten(std::string json, std::size_t* count = nullptr) {
    std::size_t n = replace_nul_escapes(json.data(), json.size());
    if (count != nullptr) *count = n;
    return json;
}

TEST(ReplaceNulEscapes, RewritesEachNulEscape) {
    std::size_t count = 0;
    EXPECT_EQ(rewritten(R"({"name":"Evil\u0000Caller","m":"\u0000\u0000"})", &count),
              R"({"name":"Evil\ufffdCaller","m":"\ufffd\ufffd"})");
    EXPECT_EQ(count, 3u);
}

TEST(ReplaceNulEscapes, LeavesAnEscapedBackslashFollowedByU0000Alone) {
    std::size_t count = 0;
    EXPECT_EQ(rewritten(R"({"path":"C:\\u0000"})", &count), R"({"path":"C:\\u0000"})");
    EXPECT_EQ(count, 0u);
    EXPECT_EQ(rewritten(R"({"p":"\\\u0000"})", &count), R"({"p":"\\\ufffd"})");
    EXPECT_EQ(count, 1u);
}

TEST(ReplaceNulEscapes, LeavesOtherEscapesAndTextAlone) {
    const std::string json = R"({"a":"\u0001\u00000\n\"u0000","u0000":1,"b":"\u00e9"})";
    std::size_t count = 0;
    EXPECT_EQ(rewritten(json, &count), R"({"a":"\u0001\ufffd0\n\"u0000","u0000":1,"b":"\u00e9"})");
    EXPECT_EQ(count, 1u);
}

TEST(ReplaceNulEscapes, HandlesTruncatedAndEmptyText) {
    EXPECT_EQ(rewritten(""), "");
    EXPECT_EQ(rewritten(R"(\u000)"), R"(\u000)");
    EXPECT_EQ(rewritten(R"(\)"), R"(\)");
    EXPECT_EQ(rewritten(R"(\u0000)"), R"(\ufffd)");
}

TEST(IsSecretField, KnowsLiveKitCredentialKeys) {
    // credentials wherever they are
    for (const char* key : {"turnPassword", "accessKey", "secret", "sessionToken",
                            "assumeRoleExternalId", "credentials", "accountKey", "urls",
                            "websocketUrl", "signingKey", "streamKey", "authPassword"}) {
        SCOPED_TRACE(key);
        EXPECT_TRUE(is_secret_field(key));
        EXPECT_TRUE(is_secret_field(key, "s3", "fileOutputs"));
    }
    for (const char* key : {"name", "location", "sid", "bucket", "region", "Secret", "turnpassword",
                            "", "filepath", "assumeRoleArn", "url", "password", "username",
                            "accountName", "metadata", "attributes", "endpoint"}) {
        SCOPED_TRACE(key);
        EXPECT_FALSE(is_secret_field(key));
    }
}

TEST(IsSecretField, SomeNamesOnlyUnderTheirParent) {
    // ProxyConfig's username and password, in s3.proxy and gcp.proxy
    EXPECT_TRUE(is_secret_field("password", "proxy", "s3"));
    EXPECT_TRUE(is_secret_field("username", "proxy", "gcp"));
    EXPECT_FALSE(is_secret_field("url", "proxy", "s3"));
    EXPECT_FALSE(is_secret_field("password", "participant", ""));
    EXPECT_FALSE(is_secret_field("username", "attributes", "participant"));
    // Azure's account name
    EXPECT_TRUE(is_secret_field("accountName", "azure", "fileOutputs"));
    EXPECT_FALSE(is_secret_field("accountName", "s3", "fileOutputs"));
    // a StreamInfo's RTMP URL: in streamResults[] and the deprecated stream.info[]
    EXPECT_TRUE(is_secret_field("url", "streamResults", "egressInfo"));
    EXPECT_TRUE(is_secret_field("url", "info", "stream"));
    // a web egress's page, a webhook's URL, an ingress's URL, info[] of something else: kept
    EXPECT_FALSE(is_secret_field("url", "web", "egressInfo"));
    EXPECT_FALSE(is_secret_field("url", "webhooks", "web"));
    EXPECT_FALSE(is_secret_field("url", "ingressInfo", ""));
    EXPECT_FALSE(is_secret_field("url", "info", "other"));
    EXPECT_FALSE(is_secret_field("url", "", ""));
}

}  // namespace
}  // namespace callout::core

namespace callout::core {
namespace {

TEST(EscapeControlCharacters, ControlsAndBackslashesAreEscaped) {
    EXPECT_EQ(escape_control_characters("APIkey"), "APIkey");
    EXPECT_EQ(escape_control_characters(""), "");
    EXPECT_EQ(escape_control_characters(std::string("a\nb\x1b[31m\x7f\t", 10)),
              "a\\u000ab\\u001b[31m\\u007f\\u0009");
    EXPECT_EQ(escape_control_characters(std::string("\0x", 2)), "\\u0000x");
    // a backslash is doubled, so an escaped control and a literal "\u000a" stay apart
    EXPECT_EQ(escape_control_characters("\\u000a"), "\\\\u000a");
    // UTF-8 is left alone
    EXPECT_EQ(escape_control_characters("Zoë \xe2\x80\x8b"), "Zoë \xe2\x80\x8b");
}

}  // namespace
}  // namespace callout::core
