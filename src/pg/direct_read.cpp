// Direct reads (direct_read.hpp).
#include <cstdint>
#include <cstring>
#include <optional>

#include "pg/boundary.hpp"
#include "pg/direct_read.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "nodes/makefuncs.h"
#include "parser/parse_func.h"
#include "utils/fmgroids.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "catalog/pg_index.h"
#include "utils/snapmgr.h"
}

namespace callout::pg {

namespace {

// The relations and columns found by name, kept by the backend: a delivery opens a dozen
// relations and reads two dozen columns, and each relation's lookup by name is two catalog cache
// searches, each column's a walk of its table's columns. An entry goes with its relation's
// invalidation (a drop, a rename, a move to another schema, a column added, dropped or renamed),
// an index's also with its table's (Citus distributing the table invalidates the table alone),
// and every relation's with the schema's, so a name is found again exactly when the catalogs
// would answer anew.
struct KnownRelation {
    char name[NAMEDATALEN];
    Oid relid;
    Oid table;  // the relation itself, or an index's table
};
CALLOUT_PLAIN_DATA(KnownRelation);

struct KnownColumn {
    Oid relid;
    const char* name;  // a string literal: found by its address (another copy is another entry)
    AttrNumber column;
};
CALLOUT_PLAIN_DATA(KnownColumn);

constexpr int max_known_relations = 24;
constexpr int max_known_columns = 128;
KnownRelation known_relations[max_known_relations];
int known_relation_count = 0;
KnownColumn known_columns[max_known_columns];
int known_column_count = 0;

// The tenant's shards the distributed tables' names stand for on this node now
// (use_tenant_shards).
TenantShards chosen_shards = {};

// Whether call_log is distributed, and whether this node is Citus's coordinator, as last found
// (call_tables_beyond_reach, on_distributed_worker): found again with call_log's invalidation
// (create_distributed_table sends one) or a schema's.
struct CallTables {
    bool known;
    Oid table;
    bool distributed;
    bool coordinator;
};
CALLOUT_PLAIN_DATA(CallTables);
CallTables call_tables = {};

// Whether Citus distributed the table: its catalog, pg_dist_partition (in pg_catalog, where
// Citus is installed), says so. create_distributed_table invalidates the table, so a backend
// that kept its name asks again.
bool is_distributed(Oid table) {
    const Oid partitions = get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE);
    if (!OidIsValid(partitions)) return false;
    const Oid by_table =
        get_relname_relid("pg_dist_partition_logical_relid_index", PG_CATALOG_NAMESPACE);
    Relation catalog = table_open(partitions, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(table));
    SysScanDesc scan =
        systable_beginscan(catalog, by_table, OidIsValid(by_table), nullptr, 1, &key);
    const bool distributed = HeapTupleIsValid(systable_getnext(scan));
    systable_endscan(scan);
    table_close(catalog, AccessShareLock);
    return distributed;
}

// This Citus node's group (its one-row catalog pg_dist_local_group: 0 on the coordinator); none
// without Citus.
std::optional<std::int32_t> local_group() {
    const Oid local_group = get_relname_relid("pg_dist_local_group", PG_CATALOG_NAMESPACE);
    if (!OidIsValid(local_group)) return std::nullopt;
    Relation catalog = table_open(local_group, AccessShareLock);
    SysScanDesc scan = systable_beginscan(catalog, InvalidOid, false, nullptr, 0, nullptr);
    HeapTuple row = systable_getnext(scan);
    bool is_null = true;
    const Datum group = HeapTupleIsValid(row)
                            ? heap_getattr(row, 1, RelationGetDescr(catalog), &is_null)
                            : Datum(0);
    std::optional<std::int32_t> found;
    if (!is_null) found = DatumGetInt32(group);
    systable_endscan(scan);
    table_close(catalog, AccessShareLock);
    return found;
}

// Whether this Citus node is the coordinator: the node whose room_tenant lists the tenants of
// every room name.
bool on_coordinator() {
    return local_group() == std::optional<std::int32_t>(0);
}

// Holds a shard of a tenant's where it is, as Citus's own executor does before it writes one:
// a ShareLock on the shard's metadata (lock_shard_metadata), which a shard move holds
// exclusively until it has moved the shard. Then an ERROR (40001) unless the shard is on this
// node (its placement in pg_dist_placement is of this node's group): a delivery Citus sent here
// before a move ended would write a copy no query reads. A retry reaches the new node.
void hold_local_shard(std::int64_t shard) {
    Oid argument_types[2] = {INT4OID, INT8ARRAYOID};
    const Oid lock_function = LookupFuncName(
        list_make2(makeString(pstrdup("pg_catalog")), makeString(pstrdup("lock_shard_metadata"))),
        2, argument_types, false);
    Datum shard_datum = Int64GetDatum(shard);
    ArrayType* shards = construct_array(&shard_datum, 1, INT8OID, sizeof(std::int64_t),
                                        FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
    OidFunctionCall2(lock_function, Int32GetDatum(ShareLock), PointerGetDatum(shards));

    const std::optional<std::int32_t> group = local_group();
    const Oid placements = get_relname_relid("pg_dist_placement", PG_CATALOG_NAMESPACE);
    const Oid by_shard = get_relname_relid("pg_dist_placement_shardid_index", PG_CATALOG_NAMESPACE);
    Relation catalog = table_open(placements, AccessShareLock);
    const AttrNumber shard_column = column_of(catalog, "shardid");
    const AttrNumber group_column = column_of(catalog, "groupid");
    ScanKeyData key;
    ScanKeyInit(&key, shard_column, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(shard));
    SysScanDesc scan =
        systable_beginscan(catalog, by_shard, OidIsValid(by_shard), nullptr, 1, &key);
    bool here = false;
    for (HeapTuple row = systable_getnext(scan); HeapTupleIsValid(row);
         row = systable_getnext(scan)) {
        bool is_null = true;
        const Datum placed = heap_getattr(row, group_column, RelationGetDescr(catalog), &is_null);
        here = here || (!is_null && group && DatumGetInt32(placed) == *group);
    }
    systable_endscan(scan);
    table_close(catalog, AccessShareLock);
    if (!here)
        ereport(ERROR, (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
                        errmsg("the tenant's shard is not on this node"),
                        errdetail("Shard %lld: another node's, or moved while this work was on "
                                  "its way.",
                                  static_cast<long long>(shard)),
                        errhint("Retry: Citus sends a tenant's work to the node of its shards.")));
}

// The id of the shard of a distributed table that holds a tenant's rows, as Citus hashes it
// (get_shard_id_for_distribution_column, which reads its value's type from the call's
// expression).
std::int64_t shard_of(Oid table, text* user_id) {
    Oid argument_types[2] = {REGCLASSOID, ANYOID};
    const Oid function =
        LookupFuncName(list_make2(makeString(pstrdup("pg_catalog")),
                                  makeString(pstrdup("get_shard_id_for_distribution_column"))),
                       2, argument_types, false);
    List* arguments = list_make2(
        makeConst(REGCLASSOID, -1, InvalidOid, sizeof(Oid), ObjectIdGetDatum(table), false, true),
        makeConst(TEXTOID, -1, DEFAULT_COLLATION_OID, -1, PointerGetDatum(user_id), false, false));
    FmgrInfo call;
    fmgr_info(function, &call);
    fmgr_info_set_expr(
        reinterpret_cast<Node*>(makeFuncExpr(function, INT8OID, arguments, InvalidOid,
                                             DEFAULT_COLLATION_OID, COERCE_EXPLICIT_CALL)),
        &call);
    return DatumGetInt64(FunctionCall2Coll(&call, DEFAULT_COLLATION_OID, ObjectIdGetDatum(table),
                                           PointerGetDatum(user_id)));
}

// What a name of callout's schema stands for when its table (the relation itself, or an
// index's) is distributed: the tenant's shard of it on this node (Citus names a shard's table and
// indexes by the shell's and the shard's id), with use_tenant_shards; without it, an ERROR
// (0A000): callout reads and writes rows on this node directly, and the shell here holds none
// (reading it would find nothing, writing it store rows no query finds).
Oid shard_relation(const char* name, Oid table) {
    for (int i = 0; i < chosen_shards.count; ++i) {
        const TenantShards::Shard& chosen = chosen_shards.shards[i];
        if (chosen.table != table) continue;
        char shard_name[NAMEDATALEN];
        const int length = snprintf(shard_name, sizeof shard_name, "%s_%lld", name,
                                    static_cast<long long>(chosen.shard));
        const Oid relid = length < NAMEDATALEN
                              ? get_relname_relid(shard_name, get_namespace_oid("callout", false))
                              : InvalidOid;
        if (!OidIsValid(relid))
            ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                            errmsg("the tenant's shard of callout.%s is not on this node", name),
                            errdetail("Shard %lld.", static_cast<long long>(chosen.shard)),
                            errhint("callout runs a tenant's work on the node of its shards; "
                                    "see README, Scaling out on Citus.")));
        return relid;
    }
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("callout.%s is distributed by Citus: its rows are read on the node "
                           "of a tenant's shards",
                           get_rel_name(table)),
                    errdetail("callout reads and writes the table's rows on this node, and a "
                              "distributed table's rows are in its shards."),
                    errhint("See README, Scaling out on Citus.")));
    return InvalidOid;
}

// The call tables' state (CallTables), found once until an invalidation forgets it.
const CallTables& known_call_tables() {
    if (!call_tables.known) {
        const Oid table = get_relname_relid("call_log", get_namespace_oid("callout", false));
        const bool distributed = OidIsValid(table) && is_distributed(table);
        call_tables = {true, table, distributed, distributed && on_coordinator()};
    }
    return call_tables;
}

}  // namespace

TenantShards use_tenant_shards(text* user_id) {
    TenantShards chosen = {};
    for (const char* name : {"call_log", "livekit_call_event"}) {
        const Oid table = get_relname_relid(name, get_namespace_oid("callout", false));
        if (OidIsValid(table) && is_distributed(table)) {
            chosen.shards[chosen.count] = {table, shard_of(table, user_id)};
            hold_local_shard(chosen.shards[chosen.count++].shard);
        }
    }
    const TenantShards before = chosen_shards;
    chosen_shards = chosen;
    return before;
}

void restore_tenant_shards(const TenantShards& before) {
    chosen_shards = before;
}

void forget_tenant_shards() {
    chosen_shards = {};
}

TenantShards chosen_tenant_shards() {
    return chosen_shards;
}

void forget_known_names(Oid relid) {
    if (relid == InvalidOid || relid == call_tables.table) call_tables.known = false;
    int kept = 0;
    for (int i = 0; i < known_relation_count; ++i)
        if (relid != InvalidOid && known_relations[i].relid != relid &&
            known_relations[i].table != relid)
            known_relations[kept++] = known_relations[i];
    known_relation_count = kept;
    kept = 0;
    for (int i = 0; i < known_column_count; ++i)
        if (relid != InvalidOid && known_columns[i].relid != relid)
            known_columns[kept++] = known_columns[i];
    known_column_count = kept;
}

void forget_known_relation_names() {
    known_relation_count = 0;
    call_tables.known = false;
}

Oid callout_table(const char* name) {
    const Oid relid = get_relname_relid(name, get_namespace_oid("callout", false));
    if (!OidIsValid(relid))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                        errmsg("relation callout.%s does not exist", name)));
    return relid;
}

Oid callout_relation(const char* name) {
    for (int i = 0; i < known_relation_count; ++i)
        if (std::strcmp(known_relations[i].name, name) == 0) return known_relations[i].relid;
    const Oid relid = callout_table(name);
    const Oid table =
        get_rel_relkind(relid) == RELKIND_INDEX ? IndexGetRelation(relid, false) : relid;
    // a distributed table's names stand for a tenant's shards, never kept
    if (is_distributed(table)) return shard_relation(name, table);
    if (known_relation_count < max_known_relations && std::strlen(name) < NAMEDATALEN) {
        KnownRelation& known = known_relations[known_relation_count++];
        std::strcpy(known.name, name);
        known.relid = relid;
        known.table = table;
    }
    return relid;
}

bool call_tables_beyond_reach() {
    if (chosen_shards.count > 0) return false;
    const CallTables& tables = known_call_tables();
    return tables.distributed && tables.coordinator;
}

bool on_distributed_worker() {
    const CallTables& tables = known_call_tables();
    return tables.distributed && !tables.coordinator;
}

Relation open_callout_index(const char* name) {
    Relation index = index_open(callout_relation(name), AccessShareLock);
    if (!index->rd_index->indisvalid)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("index callout.%s is not valid", name),
                        errhint("REINDEX INDEX callout.%s", name)));
    return index;
}

AttrNumber column_of(Relation relation, const char* name) {
    const Oid relid = RelationGetRelid(relation);
    for (int i = 0; i < known_column_count; ++i)
        if (known_columns[i].name == name && known_columns[i].relid == relid)
            return known_columns[i].column;
    TupleDesc descriptor = RelationGetDescr(relation);
    for (int i = 0; i < descriptor->natts; ++i) {
        Form_pg_attribute attribute = TupleDescAttr(descriptor, i);
        if (!attribute->attisdropped && std::strcmp(NameStr(attribute->attname), name) == 0) {
            if (known_column_count < max_known_columns)
                known_columns[known_column_count++] = {relid, name, attribute->attnum};
            return attribute->attnum;
        }
    }
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("column %s of relation callout.%s does not exist", name,
                           RelationGetRelationName(relation))));
    return InvalidAttrNumber;
}

Snapshot statement_snapshot() {
    CommandCounterIncrement();
    return RegisterSnapshot(GetTransactionSnapshot());
}

Snapshot calling_snapshot() {
    return RegisterSnapshot(ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot());
}

TableRead open_table_read(const char* table) {
    Relation heap = table_open(callout_relation(table), AccessShareLock);
    return {heap, table_slot_create(heap, nullptr)};
}

void close_table_read(const TableRead& read) {
    ExecDropSingleTupleTableSlot(read.slot);
    table_close(read.heap, NoLock);
}

text* text_column(TupleTableSlot* slot, AttrNumber column) {
    bool is_null = false;
    Datum value = slot_getattr(slot, column, &is_null);
    return is_null ? nullptr : DatumGetTextPCopy(value);
}

std::optional<Datum> value_column(TupleTableSlot* slot, AttrNumber column) {
    bool is_null = false;
    Datum value = slot_getattr(slot, column, &is_null);
    if (is_null) return std::nullopt;
    return value;
}

bool column_is_null(TupleTableSlot* slot, AttrNumber column) {
    bool is_null = false;
    (void)slot_getattr(slot, column, &is_null);
    return is_null;
}

std::string_view text_view(const text* value) {
    if (value == nullptr) return {};
    return {VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)};
}

bool text_column_equals(TupleTableSlot* slot, AttrNumber column, const text* value) {
    bool is_null = false;
    Datum stored = slot_getattr(slot, column, &is_null);
    return !is_null && text_view(DatumGetTextPP(stored)) == text_view(value);
}

}  // namespace callout::pg
