// Tenant tokens: a token names its tenant only for the database, role and secret it was signed
// with.
#include "core/tenant_token.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace callout::core {
namespace {

const std::string kSecret(32, 's');
const std::string kDatabase("app");

TEST(TenantToken, NamesItsTenantForItsRole) {
    std::string token = tenant_token(kSecret, kDatabase, "web_anon", "tenant-a");
    EXPECT_EQ(token.size(), 43U + 1 + 8);
    EXPECT_EQ(token.substr(43), ".tenant-a");
    EXPECT_EQ(tenant_of_token(kSecret, kDatabase, "web_anon", token),
              std::optional<std::string_view>("tenant-a"));
}

// The MAC is HMAC-SHA256 over the scheme's label, the database, the role and the tenant, each
// NUL-ended, as computed independently (Python: hmac.new(secret,
// b"callout tenant token 1\0app\0web_anon\0tenant-a\0", "sha256"), base64url without padding).
TEST(TenantToken, MacIsTheDocumentedOne) {
    EXPECT_EQ(tenant_token(kSecret, kDatabase, "web_anon", "tenant-a"),
              "G5SKy98UtyAwsatEVG6_Lfi-rvMvpjxEKo0qzKkBKso.tenant-a");
}

TEST(TenantToken, AnotherRoleOrSecretNamesNothing) {
    std::string token = tenant_token(kSecret, kDatabase, "web_anon", "tenant-a");
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "tenant_b_role", token));
    EXPECT_FALSE(tenant_of_token(std::string(32, 't'), kDatabase, "web_anon", token));
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "", token));
}

// The secret and the roles are the server's, shared by its databases; a tenant is one
// database's: a token of another database names nothing, not even for the same role.
TEST(TenantToken, AnotherDatabaseNamesNothing) {
    std::string token = tenant_token(kSecret, kDatabase, "web_anon", "tenant-a");
    EXPECT_FALSE(tenant_of_token(kSecret, "other", "web_anon", token));
    EXPECT_FALSE(tenant_of_token(kSecret, "", "web_anon", token));
    // bytes moved between the database and the role sign other bytes (each part is NUL-ended)
    EXPECT_NE(tenant_token(kSecret, "ap", "pweb_anon", "tenant-a").substr(0, 43),
              token.substr(0, 43));
}

// The tenant cannot be changed without the MAC: not another tenant, not one that moves bytes
// between the role and the tenant.
TEST(TenantToken, TenantIsBound) {
    std::string token = tenant_token(kSecret, kDatabase, "web", "anon.x");
    std::string other = token.substr(0, 44) + "tenant-b";
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "web", other));
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "web", token + "x"));
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "web", token.substr(0, token.size() - 1)));
    // role "web_anon" tenant "x" against role "web" tenant "anon.x": different signed bytes
    EXPECT_NE(tenant_token(kSecret, kDatabase, "web_anon", "x").substr(0, 43), token.substr(0, 43));
    EXPECT_EQ(tenant_of_token(kSecret, kDatabase, "web", token),
              std::optional<std::string_view>("anon.x"));
}

TEST(TenantToken, EveryByteOfTheMacCounts) {
    std::string token = tenant_token(kSecret, kDatabase, "web", "tenant-a");
    for (std::size_t i = 0; i < 43; ++i) {
        std::string forged = token;
        forged[i] = forged[i] == 'A' ? 'B' : 'A';
        EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "web", forged)) << i;
    }
}

TEST(TenantToken, OtherShapesNameNothing) {
    std::string token = tenant_token(kSecret, kDatabase, "web", "tenant-a");
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "web", ""));
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "web", "tenant-a"));
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "web", token.substr(0, 44)));  // no tenant
    std::string no_dot = token;
    no_dot[43] = '_';
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "web", no_dot));
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "web", "." + token));
}

// A secret shorter than the minimum never verifies, even a token signed with it.
TEST(TenantToken, ShortSecretNamesNothing) {
    std::string short_secret(31, 's');
    EXPECT_FALSE(tenant_of_token(short_secret, kDatabase, "web",
                                 tenant_token(short_secret, kDatabase, "web", "tenant-a")));
    EXPECT_FALSE(
        tenant_of_token("", kDatabase, "web", tenant_token("", kDatabase, "web", "tenant-a")));
}

}  // namespace
}  // namespace callout::core
