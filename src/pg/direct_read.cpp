// Direct reads (direct_read.hpp).
#include <cstring>

#include "pg/boundary.hpp"
#include "pg/direct_read.hpp"

extern "C" {
#include "access/genam.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_namespace.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "catalog/pg_index.h"
#include "utils/snapmgr.h"
}

namespace callout::pg {

namespace {

// The relations and columns found by name, kept by the backend: a delivery opens a dozen
// relations and reads two dozen columns, and each relation's lookup by name is two catalog cache
// searches, each column's a walk of its table's columns. An entry goes with its relation's
// invalidation (a drop, a rename, a move to another schema, a column added, dropped or renamed)
// and every relation's with the schema's, so a name is found again exactly when the catalogs
// would answer anew.
struct KnownRelation {
    char name[NAMEDATALEN];
    Oid relid;
};
CALLOUT_PLAIN_DATA(KnownRelation);

struct KnownColumn {
    Oid relid;
    const char* name;  // a string literal: found by its address (another copy is another entry)
    AttrNumber column;
};
CALLOUT_PLAIN_DATA(KnownColumn);

constexpr int max_known_relations = 16;
constexpr int max_known_columns = 128;
KnownRelation known_relations[max_known_relations];
int known_relation_count = 0;
KnownColumn known_columns[max_known_columns];
int known_column_count = 0;

// callout reads and writes its tables' rows on this node directly: a table Citus distributed
// holds none here (they are in its shards, on the workers), so reading it would find nothing and
// writing it would store rows no query finds. Such a table is refused (0A000). Whether Citus
// distributed it is in its catalog, pg_dist_partition (in pg_catalog, where Citus is installed);
// create_distributed_table invalidates the table, so a backend that kept its name asks again.
void refuse_if_distributed(Oid relid, const char* name) {
    const Oid partitions = get_relname_relid("pg_dist_partition", PG_CATALOG_NAMESPACE);
    if (!OidIsValid(partitions)) return;
    const Oid by_table =
        get_relname_relid("pg_dist_partition_logical_relid_index", PG_CATALOG_NAMESPACE);
    Relation catalog = table_open(partitions, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(relid));
    SysScanDesc scan =
        systable_beginscan(catalog, by_table, OidIsValid(by_table), nullptr, 1, &key);
    const bool distributed = HeapTupleIsValid(systable_getnext(scan));
    systable_endscan(scan);
    table_close(catalog, AccessShareLock);
    if (distributed)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("callout.%s is distributed by Citus: callout's registrations and "
                               "deliveries do not reach its shards yet",
                               name),
                        errdetail("callout reads and writes the table's rows on this node, and a "
                                  "distributed table's rows are in its shards."),
                        errhint("See README, Scaling out on Citus.")));
}

}  // namespace

void forget_known_names(Oid relid) {
    int kept = 0;
    for (int i = 0; i < known_relation_count; ++i)
        if (relid != InvalidOid && known_relations[i].relid != relid)
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
}

Oid callout_relation(const char* name) {
    for (int i = 0; i < known_relation_count; ++i)
        if (std::strcmp(known_relations[i].name, name) == 0) return known_relations[i].relid;
    Oid relid = get_relname_relid(name, get_namespace_oid("callout", false));
    if (!OidIsValid(relid))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                        errmsg("relation callout.%s does not exist", name)));
    refuse_if_distributed(relid, name);
    if (known_relation_count < max_known_relations && std::strlen(name) < NAMEDATALEN) {
        KnownRelation& known = known_relations[known_relation_count++];
        std::strcpy(known.name, name);
        known.relid = relid;
    }
    return relid;
}

void refuse_distributed_call_tables() {
    callout_relation("call_log");
    callout_relation("livekit_call_event");
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
