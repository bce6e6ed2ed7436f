// SQL functions of the tenant tokens (DESIGN.md §7): which tenant callout.tenant_token names for
// the current role, and signing one. The signing and checking are the core's.
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "core/tenant_token.hpp"
#include "pg/args.hpp"
#include "pg/boundary.hpp"
#include "pg/direct_read.hpp"
#include "pg/settings.hpp"
#include "pg/tenancy.hpp"
#include "pg/unix_time.hpp"

extern "C" {
#include "postgres.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "commands/dbcommands.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
}

namespace core = callout::core;
using callout::pg::text_arg;

namespace {

// The last answer of token_tenant: for which role (InvalidOid: none yet) and generation (the
// setting, the transaction), and the tenant (in TopMemoryContext; nullptr: none). A policy asks
// once per row.
struct TokenTenantCache {
    Oid role;
    std::uint64_t generation;
    char* user_id;
};
TokenTenantCache token_tenant_cache = {InvalidOid, 0, nullptr};
CALLOUT_PLAIN_DATA(TokenTenantCache);

// The value of column (bytea or text) in the row of callout's table whose index's first column
// equals key by equality, as the calling statement sees it, copied into the current memory
// context; none without the row. Read directly, as by its owner: the tables are no one else's,
// and a policy's function reads no table through a statement (on a Citus worker, no distributed
// one either: these are every node's own). The names are string literals (column_of keeps them).
std::optional<std::string_view> owner_value(const char* table, const char* index_name,
                                            const char* column, RegProcedure equality, Datum key) {
    const callout::pg::TableRead read = callout::pg::open_table_read(table);
    const AttrNumber value_column = callout::pg::column_of(read.heap, column);
    Snapshot snapshot = callout::pg::calling_snapshot();
    std::optional<std::string_view> found;
    callout::pg::for_each_row_by(read, index_name, equality, key, snapshot, [&] {
        if (const text* value = callout::pg::text_column(read.slot, value_column))
            found = callout::pg::text_view(value);
    });
    UnregisterSnapshot(snapshot);
    callout::pg::close_table_read(read);
    return found;
}

// The secret tokens are signed with (callout.tenant_token_secret; empty: none).
std::string_view tenant_secret() {
    return owner_value("tenant_token_secret", "tenant_token_secret_pkey", "secret", F_BOOLEQ,
                       BoolGetDatum(true))
        .value_or(std::string_view());
}

// The token epoch of the role named role_name (callout.tenant_token_epoch), which its tokens
// without an end are signed under; none: no such token is the role's.
std::optional<std::string_view> role_epoch(const char* role_name) {
    NameData name;
    namestrcpy(&name, role_name);
    return owner_value("tenant_token_epoch", "tenant_token_epoch_pkey", "epoch", F_NAMEEQ,
                       NameGetDatum(&name));
}

// The name of the database this backend is in, which a token is signed for (palloc'd).
const char* database_name() {
    const char* name = get_database_name(MyDatabaseId);
    if (name == nullptr)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_DATABASE),
                        errmsg("the current database has no name (dropped)")));
    return name;
}

// Refuses (42501) the role's own token (no end: its settings') of a role a trusted gateway's
// session could act as (SET ROLE). Such a session names its tenant on the coordinator
// (callout.user_id, PostgREST's claims), and a Citus worker connection of the role logs in with
// the role's own token: it would act for the role's tenant (an auditor's: every tenant), not the
// one named. A request's token (set_tenant_token) says the tenant named.
void refuse_roles_own_token_a_gateway_can_take(Oid role, const char* role_name) {
    const Oid gateway = callout::pg::gateway_acting_as(role);
    if (gateway == InvalidOid) return;
    ereport(ERROR,
            (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
             errmsg("the tenant token in the settings of role %s names no tenant: a session of "
                    "the trusted gateway role %s can act as it",
                    role_name, GetUserNameFromId(gateway, false)),
             errdetail("A gateway's session that takes the role names its tenant on the "
                       "coordinator, which the role's own token does not say on the workers."),
             errhint("Run SELECT callout.set_tenant_token() first in each transaction "
                     "(PostgREST's db-pre-request does), or revoke the role from the gateway.")));
}

// What callout.tenant_token says for the current role now (read once per role, token setting and
// transaction): nullptr for nothing (no token, no secret, a token not signed for this database
// and role with this secret, or one that ended before the transaction began), "" for an
// auditor's token, else the tenant. The role's own token of a role a gateway can take is refused
// (refuse_roles_own_token_a_gateway_can_take).
const char* token_reading() {
    Oid role = GetUserId();
    TokenTenantCache& cache = token_tenant_cache;
    if (cache.role != role || cache.generation != callout::pg::tenant_token_generation) {
        std::string_view token =
            callout::pg::tenant_token_text != nullptr ? callout::pg::tenant_token_text : "";
        // no token names nothing: the secret and the role's epoch are read only for one
        std::optional<std::string_view> user_id;
        if (!token.empty()) {
            const char* role_name = GetUserNameFromId(role, false);
            user_id = core::tenant_of_token(
                tenant_secret(), database_name(), role_name, token,
                callout::pg::unix_seconds(GetCurrentTransactionStartTimestamp()),
                role_epoch(role_name));
            if (user_id && core::token_is_the_roles_own(token))
                refuse_roles_own_token_a_gateway_can_take(role, role_name);
        }
        char* kept = nullptr;
        if (user_id) {
            kept = static_cast<char*>(MemoryContextAlloc(TopMemoryContext, user_id->size() + 1));
            memcpy(kept, user_id->data(), user_id->size());
            kept[user_id->size()] = '\0';
        }
        if (cache.user_id != nullptr) pfree(cache.user_id);
        cache = {role, callout::pg::tenant_token_generation, kept};
    }
    return cache.user_id;
}

// The token naming user_id (empty: an auditor's) for the role named by argument 0 (a role that
// exists) in the current database, until the timestamptz argument until_argument (NULL: as long
// as the secret lasts), signed with the secret.
text* signed_token(FunctionCallInfo fcinfo, std::string_view user_id, int until_argument) {
    std::string_view secret = tenant_secret();
    if (secret.empty())
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("no tenant token secret: callout.tenant_token_secret is empty")));
    const char* role_name = NameStr(*PG_GETARG_NAME(0));
    (void)get_role_oid(role_name, false);
    std::optional<std::int64_t> until;
    if (!PG_ARGISNULL(until_argument)) {
        const TimestampTz valid_until = PG_GETARG_TIMESTAMPTZ(until_argument);
        if (TIMESTAMP_NOT_FINITE(valid_until) || callout::pg::unix_seconds(valid_until) < 0)
            ereport(ERROR,
                    (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                     errmsg("a tenant token ends at a finite instant after 1970: valid_until "
                            "must be one, or NULL for none")));
        until = callout::pg::unix_seconds(valid_until);
    }
    // a token without an end is signed under the role's epoch, which its mapping made
    std::string_view epoch;
    if (!until) {
        std::optional<std::string_view> current = role_epoch(role_name);
        if (!current)
            ereport(ERROR,
                    (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                     errmsg("role %s has no token epoch: only a mapped role has a token without "
                            "an end",
                            role_name),
                     errhint("callout.map_tenant_role signs a mapped role's token.")));
        epoch = *current;
    }
    const char* database = database_name();
    std::string token = core::tenant_token(secret, database, role_name, user_id, until, epoch);
    text* result = nullptr;
    callout::pg::pg_guard(
        [&] { result = cstring_to_text_with_len(token.data(), static_cast<int>(token.size())); });
    return result;
}

}  // namespace

// token_tenant() RETURNS text: the tenant callout.tenant_token names for the current role, or
// NULL (nothing, or an auditor's token: token_reading). The secret is read once a transaction; a
// Citus worker's policy can ask it.
CALLOUT_SQL_FUNCTION(callout_token_tenant) {
    (void)fcinfo;
    const char* user_id = token_reading();
    if (user_id == nullptr || *user_id == '\0') PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text(user_id));
}

// token_audits() RETURNS boolean: whether callout.tenant_token is an auditor's token for the
// current role (token_reading), which a Citus worker's auditors' policies ask.
CALLOUT_SQL_FUNCTION(callout_token_audits) {
    (void)fcinfo;
    const char* user_id = token_reading();
    PG_RETURN_BOOL(user_id != nullptr && *user_id == '\0');
}

// _tenant_token(role name, user_id text, valid_until timestamptz) RETURNS text: the token naming
// user_id for role (a role that exists) in the current database until valid_until (NULL: as long
// as the secret lasts), signed with the secret; NULL for a NULL role or tenant. Not granted to
// anyone: what may say a session is a tenant is callout's own code, as its owner.
CALLOUT_SQL_FUNCTION(callout_tenant_token) {
    if (PG_ARGISNULL(0) || PG_ARGISNULL(1)) PG_RETURN_NULL();
    std::optional<std::string_view> user_id = text_arg(fcinfo, 1);
    if (!user_id || user_id->empty())
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("a tenant token names a tenant: user_id must not be empty")));
    PG_RETURN_TEXT_P(signed_token(fcinfo, *user_id, 2));
}

// _auditor_token(role name, valid_until timestamptz) RETURNS text: an auditor's token for role,
// as _tenant_token's; NULL for a NULL role. Granted to no one either.
CALLOUT_SQL_FUNCTION(callout_auditor_token) {
    if (PG_ARGISNULL(0)) PG_RETURN_NULL();
    PG_RETURN_TEXT_P(signed_token(fcinfo, "", 1));
}
