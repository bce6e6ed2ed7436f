// Tenant tokens: a token names its tenant only for the database, role and secret it was signed
// with.
#include "core/tenant_token.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace callout::core {
namespace {

const std::string kSecret(32, 's');
const std::string kDatabase("app");
constexpr std::int64_t kNow = 1765000000;
// The role's token epoch.
constexpr std::string_view kEpoch = "e1";

// A token of a role's settings: no end, under the role's epoch.
std::string role_token(std::string_view secret, std::string_view database, std::string_view role,
                       std::string_view user_id) {
    return tenant_token(secret, database, role, user_id, std::nullopt, kEpoch);
}

// A request's token: an end, no epoch.
std::string request_token(std::string_view role, std::string_view user_id, std::int64_t until) {
    return tenant_token(kSecret, kDatabase, role, user_id, until, "");
}

// What a token names now, the role's epoch kEpoch.
std::optional<std::string_view> named(std::string_view secret, std::string_view database,
                                      std::string_view role, std::string_view token) {
    return tenant_of_token(secret, database, role, token, kNow, kEpoch);
}

TEST(TenantToken, NamesItsTenantForItsRole) {
    std::string token = role_token(kSecret, kDatabase, "web_anon", "tenant-a");
    EXPECT_EQ(token.size(), 43U + 2 + 8);
    EXPECT_EQ(token.substr(43), "..tenant-a");
    EXPECT_EQ(named(kSecret, kDatabase, "web_anon", token),
              std::optional<std::string_view>("tenant-a"));
}

// The MAC is HMAC-SHA256 over the scheme's label, the database, the role, the end, the epoch and
// the tenant, each NUL-ended, as computed independently (Python: hmac.new(secret,
// b"callout tenant token 2\0app\0web_anon\0\0e1\0tenant-a\0", "sha256"), base64url without
// padding; with an end and no epoch, b"...web_anon\01765000000\0\0tenant-a\0").
TEST(TenantToken, MacIsTheDocumentedOne) {
    EXPECT_EQ(role_token(kSecret, kDatabase, "web_anon", "tenant-a"),
              "C8h3PqCpDQECb44aE41xM_lwu87C7Zuj3IXy5fUzKGE..tenant-a");
    EXPECT_EQ(request_token("web_anon", "tenant-a", kNow),
              "3PzM2-wvJals5LXWt_56gcXWX5TJge8XSicYmBTffxk.1765000000.tenant-a");
}

TEST(TenantToken, AnotherRoleOrSecretNamesNothing) {
    std::string token = role_token(kSecret, kDatabase, "web_anon", "tenant-a");
    EXPECT_FALSE(named(kSecret, kDatabase, "tenant_b_role", token));
    EXPECT_FALSE(named(std::string(32, 't'), kDatabase, "web_anon", token));
    EXPECT_FALSE(named(kSecret, kDatabase, "", token));
}

// The secret and the roles are the server's, shared by its databases; a tenant is one
// database's: a token of another database names nothing, not even for the same role.
TEST(TenantToken, AnotherDatabaseNamesNothing) {
    std::string token = role_token(kSecret, kDatabase, "web_anon", "tenant-a");
    EXPECT_FALSE(named(kSecret, "other", "web_anon", token));
    EXPECT_FALSE(named(kSecret, "", "web_anon", token));
    // bytes moved between the database and the role sign other bytes (each part is NUL-ended)
    EXPECT_NE(role_token(kSecret, "ap", "pweb_anon", "tenant-a").substr(0, 43),
              token.substr(0, 43));
}

// The tenant cannot be changed without the MAC: not another tenant, not one that moves bytes
// between the role and the tenant.
TEST(TenantToken, TenantIsBound) {
    std::string token = role_token(kSecret, kDatabase, "web", "anon.x");
    std::string other = token.substr(0, 45) + "tenant-b";
    EXPECT_FALSE(named(kSecret, kDatabase, "web", other));
    EXPECT_FALSE(named(kSecret, kDatabase, "web", token + "x"));
    EXPECT_FALSE(named(kSecret, kDatabase, "web", token.substr(0, token.size() - 1)));
    // role "web_anon" tenant "x" against role "web" tenant "anon.x": different signed bytes
    EXPECT_NE(role_token(kSecret, kDatabase, "web_anon", "x").substr(0, 43), token.substr(0, 43));
    EXPECT_EQ(named(kSecret, kDatabase, "web", token), std::optional<std::string_view>("anon.x"));
}

TEST(TenantToken, EveryByteOfTheMacCounts) {
    std::string token = role_token(kSecret, kDatabase, "web", "tenant-a");
    for (std::size_t i = 0; i < 43; ++i) {
        std::string forged = token;
        forged[i] = forged[i] == 'A' ? 'B' : 'A';
        EXPECT_FALSE(named(kSecret, kDatabase, "web", forged)) << i;
    }
}

TEST(TenantToken, OtherShapesNameNothing) {
    std::string token = role_token(kSecret, kDatabase, "web", "tenant-a");
    EXPECT_FALSE(named(kSecret, kDatabase, "web", ""));
    EXPECT_FALSE(named(kSecret, kDatabase, "web", "tenant-a"));
    // without its tenant: no auditor's token either (the MAC signs the tenant)
    EXPECT_FALSE(named(kSecret, kDatabase, "web", token.substr(0, 45)));
    EXPECT_FALSE(named(kSecret, kDatabase, "web", token.substr(0, 44) + "tenant-a"));  // no end
    std::string no_dot = token;
    no_dot[43] = '_';
    EXPECT_FALSE(named(kSecret, kDatabase, "web", no_dot));
    EXPECT_FALSE(named(kSecret, kDatabase, "web", "." + token));
}

// A secret shorter than the minimum never verifies, even a token signed with it.
TEST(TenantToken, ShortSecretNamesNothing) {
    std::string short_secret(31, 's');
    EXPECT_FALSE(named(short_secret, kDatabase, "web",
                       role_token(short_secret, kDatabase, "web", "tenant-a")));
    EXPECT_FALSE(named("", kDatabase, "web", role_token("", kDatabase, "web", "tenant-a")));
}

// A token with an end names its tenant until that second and nothing after it; the end is
// signed, so it cannot be moved, dropped or written another way.
TEST(TenantToken, EndsWhenItSays) {
    std::string token = request_token("web", "tenant-a", kNow + 300);
    EXPECT_EQ(token.substr(43), ".1765000300.tenant-a");
    for (std::int64_t now : {std::int64_t{0}, kNow, kNow + 300})
        EXPECT_EQ(tenant_of_token(kSecret, kDatabase, "web", token, now, std::nullopt),
                  std::optional<std::string_view>("tenant-a"))
            << now;
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "web", token, kNow + 301, std::nullopt));
    const std::string mac = token.substr(0, 44);
    EXPECT_FALSE(named(kSecret, kDatabase, "web", mac + "1765000301.tenant-a"));   // moved
    EXPECT_FALSE(named(kSecret, kDatabase, "web", mac + "01765000300.tenant-a"));  // written anew
    EXPECT_FALSE(named(kSecret, kDatabase, "web", mac + ".tenant-a"));             // dropped
    // and a token without an end cannot be given one
    std::string lasting = role_token(kSecret, kDatabase, "web", "tenant-a");
    EXPECT_FALSE(named(kSecret, kDatabase, "web", lasting.substr(0, 44) + "1765000300.tenant-a"));
}

// An end of more digits than any Unix second of an int64 is refused before it is read whole, a
// negative one is no end at all, and a tenant may hold dots and digits.
TEST(TenantToken, EndsAreDecimalSeconds) {
    EXPECT_FALSE(named(kSecret, kDatabase, "web", request_token("web", "a", 9223372036854775807)));
    EXPECT_FALSE(named(kSecret, kDatabase, "web", request_token("web", "a", -1)));
    std::string token = request_token("web", "12.34", kNow);
    EXPECT_EQ(named(kSecret, kDatabase, "web", token), std::optional<std::string_view>("12.34"));
}

// An auditor's token names the empty tenant, which no tenant is; it cannot be made from a
// tenant's token, nor turned into one.
TEST(TenantToken, AnAuditorsTokenNamesTheEmptyTenant) {
    std::string token = role_token(kSecret, kDatabase, "audit", "");
    EXPECT_EQ(token.substr(43), "..");
    EXPECT_EQ(named(kSecret, kDatabase, "audit", token), std::optional<std::string_view>(""));
    EXPECT_FALSE(named(kSecret, kDatabase, "web", token));
    EXPECT_FALSE(named(kSecret, kDatabase, "audit", token + "tenant-a"));
    std::string tenant = role_token(kSecret, kDatabase, "audit", "tenant-a");
    EXPECT_FALSE(named(kSecret, kDatabase, "audit", tenant.substr(0, 45)));
}

// A token without an end is its role's only under the epoch it was signed with: a new epoch (a new
// mapping, or none) revokes it; a token with an end carries no epoch and needs none.
TEST(TenantToken, ARolesTokenNeedsItsEpoch) {
    std::string token = role_token(kSecret, kDatabase, "web", "tenant-a");
    EXPECT_EQ(tenant_of_token(kSecret, kDatabase, "web", token, kNow, kEpoch),
              std::optional<std::string_view>("tenant-a"));
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "web", token, kNow, "e2"));
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "web", token, kNow, std::nullopt));
    EXPECT_FALSE(tenant_of_token(kSecret, kDatabase, "web", token, kNow, ""));
    std::string request = request_token("web", "tenant-a", kNow + 60);
    EXPECT_EQ(tenant_of_token(kSecret, kDatabase, "web", request, kNow, std::nullopt),
              std::optional<std::string_view>("tenant-a"));
    EXPECT_EQ(tenant_of_token(kSecret, kDatabase, "web", request, kNow, "e2"),
              std::optional<std::string_view>("tenant-a"));
    // an epoch signed into a token with an end is no request token
    EXPECT_FALSE(named(kSecret, kDatabase, "web",
                       tenant_token(kSecret, kDatabase, "web", "tenant-a", kNow + 60, kEpoch)));
}

// A role's own token has no end; a request's has one.
TEST(TenantToken, TellsTheRolesOwnFromARequests) {
    EXPECT_TRUE(token_is_the_roles_own(role_token(kSecret, kDatabase, "web", "tenant-a")));
    EXPECT_TRUE(token_is_the_roles_own(role_token(kSecret, kDatabase, "audit", "")));
    EXPECT_FALSE(token_is_the_roles_own(request_token("web", "tenant-a", kNow + 60)));
    EXPECT_FALSE(token_is_the_roles_own(request_token("web", "", kNow + 60)));
}

}  // namespace
}  // namespace callout::core
