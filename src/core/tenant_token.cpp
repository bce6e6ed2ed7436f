#include "core/tenant_token.hpp"

#include "core/base64.hpp"
#include "core/crypto.hpp"

namespace callout::core {
namespace {

// The base64url of a 32-byte MAC, unpadded.
constexpr std::size_t kMacChars = 43;

// What is signed: a label of the scheme, then the database, the role, the end, the epoch and the
// tenant, each ended by a NUL (none holds one), so no two of them sign the same bytes.
std::string signed_bytes(std::string_view database, std::string_view role, std::string_view until,
                         std::string_view epoch, std::string_view user_id) {
    std::string bytes("callout tenant token 2");
    for (std::string_view part : {database, role, until, epoch, user_id}) {
        bytes.push_back('\0');
        bytes.append(part);
    }
    bytes.push_back('\0');
    return bytes;
}

// The most digits an end may have: any Unix second of an int64 within 18 digits.
constexpr std::size_t kMaxUntilDigits = 18;

}  // namespace

std::string tenant_token(std::string_view secret, std::string_view database, std::string_view role,
                         std::string_view user_id, std::optional<std::int64_t> until,
                         std::string_view epoch) {
    const std::string until_text = until ? std::to_string(*until) : std::string();
    std::string token = base64url_encode(
        hmac_sha256(secret, signed_bytes(database, role, until_text, epoch, user_id)));
    token.push_back('.');
    token.append(until_text);
    token.push_back('.');
    token.append(user_id);
    return token;
}

std::optional<std::string_view> tenant_of_token(std::string_view secret, std::string_view database,
                                                std::string_view role, std::string_view token,
                                                std::int64_t now,
                                                std::optional<std::string_view> role_epoch) {
    if (secret.size() < kTenantSecretMinBytes || database.empty() || role.empty() ||
        token.size() <= kMacChars + 1 || token[kMacChars] != '.')
        return std::nullopt;
    std::string_view rest = token.substr(kMacChars + 1);
    std::size_t digits = 0;
    std::int64_t until = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
        if (digits == kMaxUntilDigits) return std::nullopt;
        until = until * 10 + (rest[digits] - '0');
        ++digits;
    }
    if (digits == rest.size() || rest[digits] != '.') return std::nullopt;
    std::string_view until_text = rest.substr(0, digits);
    std::string_view user_id = rest.substr(digits + 1);
    // a token without an end is the role's only under its current epoch
    if (until_text.empty() && !role_epoch) return std::nullopt;
    const std::string_view epoch = until_text.empty() ? *role_epoch : std::string_view();
    std::string expected = base64url_encode(
        hmac_sha256(secret, signed_bytes(database, role, until_text, epoch, user_id)));
    if (!constant_time_equal(expected, token.substr(0, kMacChars))) return std::nullopt;
    if (!until_text.empty() && now > until) return std::nullopt;
    return user_id;
}

bool token_is_the_roles_own(std::string_view token) {
    return token.size() > kMacChars + 1 && token[kMacChars] == '.' && token[kMacChars + 1] == '.';
}

}  // namespace callout::core
