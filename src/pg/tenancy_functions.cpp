// SQL functions of who a session is (DESIGN.md §7): a trusted gateway, the tenant its role is
// mapped to, an auditor. Row-level security asks current_user_id() in every statement that reads
// callout's tables, so these read gateway_role and tenant_role directly, as their owner would,
// and run no statement.
#include <optional>
#include <string_view>

#include "pg/boundary.hpp"
#include "pg/direct_read.hpp"
#include "pg/json_body.hpp"
#include "pg/tenancy.hpp"

extern "C" {
#include "postgres.h"
#include "catalog/pg_auth_members.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_database.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/catcache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

namespace {

using callout::pg::TableRead;

// Whether a role exists. Another session may drop the role this one logged in as, or the role it
// took with SET ROLE, while it stays connected: such a session is no one, whatever the rows left
// in callout's tables say. Read after the catalogs' changes committed so far (see_role_changes).
bool role_exists(Oid role) {
    return SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(role));
}

// Reads the changes to roles and memberships other sessions committed, as a new lock would: a
// transaction that holds its locks already would otherwise answer from its catalog cache for as
// long as it lasts. The role catalogs and callout's role tables are locked first, so no read of
// this call takes a new lock and reads later changes halfway through. Once at the start of each SQL
// function's call: a call answers from one state of the roles.
void see_role_changes() {
    LockRelationOid(AuthIdRelationId, AccessShareLock);
    LockRelationOid(AuthMemRelationId, AccessShareLock);
    LockRelationOid(DatabaseRelationId, AccessShareLock);
    for (const char* relation : {"gateway_role", "tenant_role", "tenant_role_pkey"})
        LockRelationOid(callout::pg::callout_relation(relation), AccessShareLock);
    AcceptInvalidationMessages();
}

// Whether role is a member of the role granted, as pg_has_role(role, granted, 'MEMBER') says
// (membership through any chain, INHERIT or not), and granted is a role that exists: a dropped
// role's OID left in callout's tables names no one (a superuser is a member of every role).
bool is_member_of_existing(Oid role, Oid granted) {
    if (!role_exists(granted)) return false;
    return DatumGetBool(DirectFunctionCall3(pg_has_role_id_id, ObjectIdGetDatum(role),
                                            ObjectIdGetDatum(granted),
                                            PointerGetDatum(cstring_to_text("MEMBER"))));
}

// Whether the session's login role (session_user) exists and is a superuser or a member of a role
// of callout.gateway_role that exists.
bool session_is_gateway() {
    const Oid session = GetSessionUserId();
    if (!role_exists(session)) return false;
    if (superuser_arg(session)) return true;
    const TableRead read = callout::pg::open_table_read("gateway_role");
    const AttrNumber role_column = callout::pg::column_of(read.heap, "role");
    Snapshot snapshot = callout::pg::calling_snapshot();
    bool member = false;
    callout::pg::for_each_row(read, snapshot, [&] {
        if (!member)
            member = is_member_of_existing(
                session, DatumGetObjectId(*callout::pg::value_column(read.slot, role_column)));
    });
    UnregisterSnapshot(snapshot);
    callout::pg::close_table_read(read);
    return member;
}

// The mapping of a role in callout.tenant_role: whether it has one, and its tenant (nullptr: an
// auditor, or no mapping).
struct Mapping {
    bool mapped;
    text* user_id;
};
CALLOUT_PLAIN_DATA(Mapping);

// Which way related_roles walks the grants of pg_auth_members.
enum class Grants { to_role, of_role };

// The roles related to a role through any chain of pg_auth_members (INHERIT or not), the role
// first. Grants::to_role: the roles it is a member of, as pg_has_role(role, ..., 'MEMBER') follows
// them for a role that is no superuser (PostgreSQL's roles_is_member_of), with pg_database_owner
// once the chain reaches the database's owner. Grants::of_role: its members, the other way, with
// the database's owner for pg_database_owner. In the current memory context; *count of them.
Oid* related_roles(Oid role, Grants walk, int* count) {
    HeapTuple database = SearchSysCache1(DATABASEOID, ObjectIdGetDatum(MyDatabaseId));
    if (!HeapTupleIsValid(database))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_DATABASE),
                        errmsg("the current database has no catalog entry (dropped)")));
    const Oid owner = reinterpret_cast<Form_pg_database>(GETSTRUCT(database))->datdba;
    ReleaseSysCache(database);
    Oid* roles = nullptr;
    int found = 0;
    int capacity = 0;
    const auto add = [&](Oid granted) {
        for (int k = 0; k < found; ++k)
            if (roles[k] == granted) return;
        roles = callout::pg::with_room_for_one_more(roles, found, capacity, 16);
        roles[found++] = granted;
    };
    add(role);
    const bool upward = walk == Grants::to_role;
    for (int i = 0; i < found; ++i) {
        const Oid reached = roles[i];
        if (upward && reached == owner) add(ROLE_PG_DATABASE_OWNER);
        if (!upward && reached == ROLE_PG_DATABASE_OWNER) add(owner);
        CatCList* grants = SearchSysCacheList1(upward ? AUTHMEMMEMROLE : AUTHMEMROLEMEM,
                                               ObjectIdGetDatum(reached));
        for (int g = 0; g < grants->n_members; ++g) {
            const auto* grant =
                reinterpret_cast<Form_pg_auth_members>(GETSTRUCT(&grants->members[g]->tuple));
            add(upward ? grant->roleid : grant->member);
        }
        ReleaseSysCacheList(grants);
    }
    *count = found;
    return roles;
}

// The mapping of the invoking role (GetOuterUserId: after SET ROLE, outside SECURITY DEFINER
// functions): its own if it has one, else the one mapping of the roles it is a member of that
// exist. Several different inherited mappings are ambiguous and map to nothing: a role never
// becomes an auditor or a tenant by sort order. None once the session's login role or the
// invoking role is gone. The roles it is a member of are looked up in tenant_role one by one
// (related_roles): the cost follows the role's grants, not the number of mappings; a
// superuser, a member of every role, has every row read.
Mapping invoking_role_mapping() {
    const Oid invoking = GetOuterUserId();
    if (!role_exists(GetSessionUserId()) || !role_exists(invoking)) return {false, nullptr};
    const TableRead read = callout::pg::open_table_read("tenant_role");
    const AttrNumber role_column = callout::pg::column_of(read.heap, "role");
    const AttrNumber user_id_column = callout::pg::column_of(read.heap, "user_id");
    Snapshot snapshot = callout::pg::calling_snapshot();
    Mapping own = {false, nullptr};
    Mapping inherited = {false, nullptr};
    bool ambiguous = false;
    // the mapping of the read's current row, for a role invoking is a member of
    const auto inherit = [&] {
        std::optional<Datum> role = callout::pg::value_column(read.slot, role_column);
        if (ambiguous || !role || !is_member_of_existing(invoking, DatumGetObjectId(*role))) return;
        text* user_id = callout::pg::text_column(read.slot, user_id_column);
        if (!inherited.mapped)
            inherited = {true, user_id};
        else if ((inherited.user_id == nullptr) != (user_id == nullptr) ||
                 callout::pg::text_view(inherited.user_id) != callout::pg::text_view(user_id))
            ambiguous = true;
    };
    const auto rows_of = [&](Oid role, auto&& on_row) {
        callout::pg::for_each_row_by(read, "tenant_role_pkey", F_OIDEQ, ObjectIdGetDatum(role),
                                     snapshot, on_row);
    };
    rows_of(invoking, [&] { own = {true, callout::pg::text_column(read.slot, user_id_column)}; });
    if (!own.mapped && superuser_arg(invoking)) {
        callout::pg::for_each_row(read, snapshot, inherit);
    } else if (!own.mapped) {
        int count = 0;
        const Oid* roles = related_roles(invoking, Grants::to_role, &count);
        for (int i = 1; i < count; ++i) rows_of(roles[i], inherit);
    }
    UnregisterSnapshot(snapshot);
    callout::pg::close_table_read(read);
    if (own.mapped) return own;
    if (ambiguous) return {false, nullptr};
    return inherited;
}

// A setting's value as current_setting(name, true) reads it; none for a setting that does not
// exist, and for an empty one.
std::optional<const char*> setting(const char* name) {
    const char* value = GetConfigOption(name, true, false);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return value;
}

// The tenant a PostgREST request's claims name: their `sub`, a non-empty JSON string; nullptr
// for claims without one, or that are not a JSON object (they say nothing, rather than failing
// every statement).
text* claimed_tenant(const char* claims) {
    Jsonb* claimed = callout::pg::parse_json_body(cstring_to_text(claims));
    if (claimed == nullptr || !JB_ROOT_IS_OBJECT(claimed)) return nullptr;
    JsonbValue sub;
    if (getKeyJsonValueFromContainer(&claimed->root, "sub", 3, &sub) == nullptr ||
        sub.type != jbvString || sub.val.string.len == 0)
        return nullptr;
    return cstring_to_text_with_len(sub.val.string.val, sub.val.string.len);
}

// The tenant this statement acts for. A trusted gateway's: inside a PostgREST request (it sets
// request.jwt.claims or request.method for the transaction) the claims' `sub` and nothing else,
// never a callout.user_id left on the pooled connection; outside a request callout.user_id.
// Anyone else's: the tenant its role is mapped to. nullptr for none.
text* current_tenant() {
    if (!session_is_gateway()) return invoking_role_mapping().user_id;
    const std::optional<const char*> claims = setting("request.jwt.claims");
    if (!claims && !setting("request.method")) {
        const std::optional<const char*> user_id = setting("callout.user_id");
        return user_id ? cstring_to_text(*user_id) : nullptr;
    }
    return claims ? claimed_tenant(*claims) : nullptr;
}

}  // namespace

// The first role of callout.gateway_role (that exists) whose session could act as role: the
// trusted role or one of its members (through any chain) is a member of role, and is no
// superuser (a superuser's session is a gateway's, and may take any role: README, Scaling out on
// Citus). InvalidOid for none. Walked from role: its members (who may take it), and the roles
// each is a member of, compared with the trusted ones, so the cost follows role's members and
// their grants, not the gateways' members.
Oid callout::pg::gateway_acting_as(Oid role) {
    const TableRead read = callout::pg::open_table_read("gateway_role");
    const AttrNumber role_column = callout::pg::column_of(read.heap, "role");
    Snapshot snapshot = callout::pg::calling_snapshot();
    Oid* trusted = nullptr;
    int trusted_count = 0;
    int trusted_capacity = 0;
    callout::pg::for_each_row(read, snapshot, [&] {
        const Oid gateway = DatumGetObjectId(*callout::pg::value_column(read.slot, role_column));
        if (!role_exists(gateway)) return;
        trusted = callout::pg::with_room_for_one_more(trusted, trusted_count, trusted_capacity, 8);
        trusted[trusted_count++] = gateway;
    });
    UnregisterSnapshot(snapshot);
    callout::pg::close_table_read(read);
    if (trusted_count == 0) return InvalidOid;
    int taker_count = 0;
    const Oid* takers = related_roles(role, Grants::of_role, &taker_count);
    for (int t = 0; t < taker_count; ++t) {
        if (superuser_arg(takers[t])) continue;
        int granted_count = 0;
        const Oid* granted = related_roles(takers[t], Grants::to_role, &granted_count);
        for (int g = 0; g < granted_count; ++g)
            for (int k = 0; k < trusted_count; ++k)
                if (granted[g] == trusted[k]) return trusted[k];
    }
    return InvalidOid;
}

// current_user_id() RETURNS text: the tenant this statement acts for (current_tenant); NULL for
// none. Row-level security's policies compare user_id with it, once per statement.
CALLOUT_SQL_FUNCTION(callout_current_user_id) {
    (void)fcinfo;
    see_role_changes();
    text* user_id = current_tenant();
    if (user_id == nullptr) PG_RETURN_NULL();
    PG_RETURN_TEXT_P(user_id);
}

// is_auditor() RETURNS boolean: whether this session is a read-only auditor of every tenant: not
// a gateway, and its role mapped to NULL.
CALLOUT_SQL_FUNCTION(callout_is_auditor) {
    (void)fcinfo;
    see_role_changes();
    if (session_is_gateway()) PG_RETURN_BOOL(false);
    const Mapping mapping = invoking_role_mapping();
    PG_RETURN_BOOL(mapping.mapped && mapping.user_id == nullptr);
}

// _session_is_gateway() RETURNS boolean: whether the login role is a superuser or a member of a
// trusted gateway role (session_is_gateway).
CALLOUT_SQL_FUNCTION(callout_session_is_gateway) {
    (void)fcinfo;
    see_role_changes();
    PG_RETURN_BOOL(session_is_gateway());
}
