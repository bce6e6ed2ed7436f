#include "core/tenant_token.hpp"

#include "core/base64.hpp"
#include "core/crypto.hpp"

namespace callout::core {
namespace {

// The base64url of a 32-byte MAC, unpadded.
constexpr std::size_t kMacChars = 43;

// What is signed: a label of the scheme, then the database, the role and the tenant, each
// ended by a NUL (none holds one), so no two (database, role, tenant) triples sign the same
// bytes.
std::string signed_bytes(std::string_view database, std::string_view role,
                         std::string_view user_id) {
    std::string bytes("callout tenant token 1");
    bytes.push_back('\0');
    bytes.append(database);
    bytes.push_back('\0');
    bytes.append(role);
    bytes.push_back('\0');
    bytes.append(user_id);
    bytes.push_back('\0');
    return bytes;
}

}  // namespace

std::string tenant_token(std::string_view secret, std::string_view database, std::string_view role,
                         std::string_view user_id) {
    std::string token =
        base64url_encode(hmac_sha256(secret, signed_bytes(database, role, user_id)));
    token.push_back('.');
    token.append(user_id);
    return token;
}

std::optional<std::string_view> tenant_of_token(std::string_view secret, std::string_view database,
                                                std::string_view role, std::string_view token) {
    if (secret.size() < kTenantSecretMinBytes || database.empty() || role.empty() ||
        token.size() <= kMacChars + 1 || token[kMacChars] != '.')
        return std::nullopt;
    std::string_view user_id = token.substr(kMacChars + 1);
    std::string expected =
        base64url_encode(hmac_sha256(secret, signed_bytes(database, role, user_id)));
    if (!constant_time_equal(expected, token.substr(0, kMacChars))) return std::nullopt;
    return user_id;
}

}  // namespace callout::core
