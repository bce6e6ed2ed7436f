// A tenant token: the tenant a statement acts for, said to a node that cannot find it out.
//
// On Citus a shard query runs on a worker in a connection of the coordinator's current role, which
// knows nothing of the coordinator's session (its login role, a gateway's callout.user_id, the
// JWT claims PostgREST set), and a policy there may read no table of callout's. So the
// coordinator hands the tenant over as a setting (callout.tenant_token, which Citus replays on its
// worker connections), signed with a secret every node holds and bound to the database and the
// role it is for: whoever can set a setting can only name a tenant some node's superuser-owned
// code signed for their own role in that database.
#pragma once
#include "no_postgres.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace callout::core {

// The shortest secret tokens are signed with (bytes): as a LiveKit API secret.
constexpr std::size_t kTenantSecretMinBytes = 32;

// The token naming user_id for role in database under secret, until the Unix second until
// (nullopt: for as long as the secret lasts and epoch is the role's): the base64url HMAC-SHA256
// (43 characters) of database, role, until, epoch and user_id, a '.', until in decimal (empty for
// none), a '.', then user_id as given. The epoch is signed, not written: for a token without an
// end, the role's token epoch (callout.tenant_token_epoch, which a new mapping or unmapping
// replaces, revoking the role's tokens); empty for one with an end, which its end bounds. All but
// user_id and epoch must be non-empty and none hold a NUL; the secret at least
// kTenantSecretMinBytes (the table that holds it has no shorter one, and tenant_of_token refuses
// it). An empty user_id is an auditor's token (it names every tenant: no tenant is empty). The
// database is in it as the roles are the server's, shared by its databases, and a secret may be
// too, while a tenant is one database's (a Citus cluster's nodes share its name). A token with an
// end is for one request (Citus shows it on the workers in its replayed SET LOCAL), one without
// for a role's own settings.
std::string tenant_token(std::string_view secret, std::string_view database, std::string_view role,
                         std::string_view user_id, std::optional<std::int64_t> until,
                         std::string_view epoch);

// The tenant token names at the Unix second now when it was signed under secret for role in
// database and has not ended (empty: an auditor's token); a token without an end only under the
// role's epoch (role_epoch; none: no such token names anything). nullopt for anything else (a
// secret shorter than kTenantSecretMinBytes, another database's, role's, secret's or epoch's
// token, one that ended before now, a token of another shape). The view is into token.
std::optional<std::string_view> tenant_of_token(std::string_view secret, std::string_view database,
                                                std::string_view role, std::string_view token,
                                                std::int64_t now,
                                                std::optional<std::string_view> role_epoch);

// Whether a token tenant_of_token accepts is a role's own, for its settings (no end), not one
// request's. A role a trusted gateway's session could act as is named by its requests' tokens
// only (DESIGN.md §7).
bool token_is_the_roles_own(std::string_view token);

}  // namespace callout::core
