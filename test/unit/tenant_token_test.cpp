// Tenant tokens: a token names its tenant only for the role and secret it was signed with.
#include "core/tenant_token.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace callout::core {
namespace {

const std::string kSecret(32, 's');

TEST(TenantToken, NamesItsTenantForItsRole) {
    std::string token = tenant_token(kSecret, "web_anon", "tenant-a");
    EXPECT_EQ(token.size(), 43U + 1 + 8);
    EXPECT_EQ(token.substr(43), ".tenant-a");
    EXPECT_EQ(tenant_of_token(kSecret, "web_anon", token),
              std::optional<std::string_view>("tenant-a"));
}

// The MAC is HMAC-SHA256 over the scheme's label, the role and the tenant, each NUL-ended, as
// computed independently (Python: hmac.new(secret, b"callout tenant token 1\0web_anon\0tenant-a\0",
// "sha256"), base64url without padding).
TEST(TenantToken, MacIsTheDocumentedOne) {
    EXPECT_EQ(tenant_token(kSecret, "web_anon", "tenant-a"),
              "jNrRHzZNDbVSS39BHv7Gaqgkf1sSidEIStR_Z_ZSCms.tenant-a");
}

TEST(TenantToken, AnotherRoleOrSecretNamesNothing) {
    std::string token = tenant_token(kSecret, "web_anon", "tenant-a");
    EXPECT_FALSE(tenant_of_token(kSecret, "tenant_b_role", token));
    EXPECT_FALSE(tenant_of_token(std::string(32, 't'), "web_anon", token));
    EXPECT_FALSE(tenant_of_token(kSecret, "", token));
}

// The tenant cannot be changed without the MAC: not another tenant, not one that moves bytes
// between the role and the tenant.
TEST(TenantToken, TenantIsBound) {
    std::string token = tenant_token(kSecret, "web", "anon.x");
    std::string other = token.substr(0, 44) + "tenant-b";
    EXPECT_FALSE(tenant_of_token(kSecret, "web", other));
    EXPECT_FALSE(tenant_of_token(kSecret, "web", token + "x"));
    EXPECT_FALSE(tenant_of_token(kSecret, "web", token.substr(0, token.size() - 1)));
    // role "web_anon" tenant "x" against role "web" tenant "anon.x": different signed bytes
    EXPECT_NE(tenant_token(kSecret, "web_anon", "x").substr(0, 43), token.substr(0, 43));
    EXPECT_EQ(tenant_of_token(kSecret, "web", token), std::optional<std::string_view>("anon.x"));
}

TEST(TenantToken, EveryByteOfTheMacCounts) {
    std::string token = tenant_token(kSecret, "web", "tenant-a");
    for (std::size_t i = 0; i < 43; ++i) {
        std::string forged = token;
        forged[i] = forged[i] == 'A' ? 'B' : 'A';
        EXPECT_FALSE(tenant_of_token(kSecret, "web", forged)) << i;
    }
}

TEST(TenantToken, OtherShapesNameNothing) {
    std::string token = tenant_token(kSecret, "web", "tenant-a");
    EXPECT_FALSE(tenant_of_token(kSecret, "web", ""));
    EXPECT_FALSE(tenant_of_token(kSecret, "web", "tenant-a"));
    EXPECT_FALSE(tenant_of_token(kSecret, "web", token.substr(0, 44)));  // no tenant
    std::string no_dot = token;
    no_dot[43] = '_';
    EXPECT_FALSE(tenant_of_token(kSecret, "web", no_dot));
    EXPECT_FALSE(tenant_of_token(kSecret, "web", "." + token));
}

// A secret shorter than the minimum never verifies, even a token signed with it.
TEST(TenantToken, ShortSecretNamesNothing) {
    std::string short_secret(31, 's');
    EXPECT_FALSE(
        tenant_of_token(short_secret, "web", tenant_token(short_secret, "web", "tenant-a")));
    EXPECT_FALSE(tenant_of_token("", "web", tenant_token("", "web", "tenant-a")));
}

}  // namespace
}  // namespace callout::core
