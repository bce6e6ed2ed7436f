// Reading callout's tables through their indexes directly, without a statement (DESIGN.md §6):
// for the few lookups of every delivery, a plan's start-up costs more than the lookup itself.
// Every read takes a snapshot as a statement would (statement_snapshot) or the calling
// statement's, and AccessShareLock on what it opens, as a statement's plan would.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "pg/boundary.hpp"
#include "pg/pg_compat.hpp"

extern "C" {
#include "postgres.h"
#include "access/genam.h"
#include "access/relscan.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/tableam.h"
#include "executor/tuptable.h"
#include "utils/rel.h"
#include "utils/snapshot.h"
}

namespace callout::pg {

// A relation of callout's schema, by name (ERROR 42P01 when it has none). Where Citus distributed
// its table (call_log, livekit_call_event, or an index of theirs), the shard of it
// use_tenant_shards chose on this node; without one an ERROR (0A000): the rows are not in this
// node's shell.
Oid callout_relation(const char* name);

// The table of callout's schema by name itself (ERROR 42P01 when it has none): on a Citus node,
// the table a distributed table's shards are of, not a shard.
Oid callout_table(const char* name);

// The shards of one tenant that the distributed call tables' names stand for on this node
// (callout_relation): each table's, and its shard's id.
struct TenantShards {
    struct Shard {
        Oid table;
        std::int64_t shard;
    };
    Shard shards[2];
    int count;
};
CALLOUT_PLAIN_DATA(TenantShards);

// On a Citus node, the tenant whose shards the distributed call tables' names stand for, for the
// work of one function run on the node of its shards (Citus delegates a function distributed by
// user_id there); what was chosen before, which the function restores when it returns
// (restore_tenant_shards). A subtransaction's abort puts back the choice it began with, the
// transaction's end forgets every choice (module.cpp). Without Citus, or where nothing is
// distributed, nothing changes.
TenantShards use_tenant_shards(text* user_id);
void restore_tenant_shards(const TenantShards& before);
void forget_tenant_shards();
TenantShards chosen_tenant_shards();

// Whether this is a Citus coordinator where callout's call tables are distributed, and no
// tenant's shards are chosen: a read of a call must then ask the node of each tenant's shards (the
// coordinator's matching). Elsewhere (a worker, where no tenant is chosen) such a read is refused.
bool call_tables_beyond_reach();

// Whether this is a Citus worker where callout's call tables are distributed: the coordinator's
// own work (verifying and parking deliveries, the pending store, the keys) is not done here.
bool on_distributed_worker();

// An index of callout's schema, by name, opened with AccessShareLock (close it with NoLock): an
// ERROR (55000) when it is not valid (an interrupted CREATE INDEX CONCURRENTLY or REINDEX), which
// no plan would read either.
Relation open_callout_index(const char* name);

// What the backend keeps of callout_relation's and column_of's answers, forgotten when a relation
// changed (relid; InvalidOid: every relation), or every relation's name when a schema changed.
// For the module's invalidation callbacks: no catalog access, nothing that raises.
void forget_known_names(Oid relid);
void forget_known_relation_names();

// The number of a column of relation, by name (ERROR 42703 when it has none). The name is a
// string of static storage (a literal, or a declaration's field name): the backend keeps the
// answer by its address until the relation changes.
AttrNumber column_of(Relation relation, const char* name);

// A new snapshot taken as a statement takes one: this transaction's changes so far made visible
// first (under READ COMMITTED it then sees what other transactions committed, as the room lock's
// previous holder). Registered: release it with UnregisterSnapshot.
Snapshot statement_snapshot();

// The calling statement's snapshot (the transaction's when none is active), as a STABLE
// function's query reads with: for the functions a policy calls. Registered: release it with
// UnregisterSnapshot.
Snapshot calling_snapshot();

// Runs on_row with slot holding each row of heap, as snapshot sees it, whose index's first
// column equals value by equality (an F_ equality function of the column's type). on_row reads
// what it needs then, or materializes the slot (ExecMaterializeSlot): the scan goes on, and
// fetching an entry of a version the snapshot does not see overwrites the tuple the slot
// points to, though the slot still holds the row found.
template <typename OnRow>
void for_each_equal(Relation heap, Relation index, RegProcedure equality, Datum value,
                    Snapshot snapshot, TupleTableSlot* slot, OnRow&& on_row) {
    ScanKeyData key;
    ScanKeyEntryInitialize(&key, 0, 1, BTEqualStrategyNumber, InvalidOid, index->rd_indcollation[0],
                           equality, value);
    IndexScanDesc scan = compat::index_scan(heap, index, snapshot, 1);
    index_rescan(scan, &key, 1, nullptr, 0);
    while (index_getnext_slot(scan, ForwardScanDirection, slot)) on_row();
    index_endscan(scan);
}

// A read of one of callout's tables (callout_relation) through its indexes: the table, opened
// with AccessShareLock as a statement's plan opens it, and one slot of it, which every scan of the
// read fills in turn. Opened by open_table_read, closed by close_table_read (the lock is kept to
// the transaction's end, as a statement's is). Plain data: an ERROR between the two leaves both
// to the transaction's abort, as it leaves a plan's.
struct TableRead {
    Relation heap;
    TupleTableSlot* slot;
};
CALLOUT_PLAIN_DATA(TableRead);

// Opens a read of the table of callout's schema by name: the table first, the indexes then, in
// the order a statement locks them.
TableRead open_table_read(const char* table);

// Closes a read: its slot dropped, its table closed keeping its lock.
void close_table_read(const TableRead& read);

// Runs on_row with read.slot holding each row of the read's table, as snapshot sees it, whose
// index index_name has key in its first column by equality (for_each_equal). The index is opened
// for this scan alone and closed keeping its lock: a read opens only the indexes it scans (the
// matching scans a second one only when the first found nothing).
template <typename OnRow>
void for_each_row_by(const TableRead& read, const char* index_name, RegProcedure equality,
                     Datum key, Snapshot snapshot, OnRow&& on_row) {
    Relation index = open_callout_index(index_name);
    for_each_equal(read.heap, index, equality, key, snapshot, read.slot,
                   std::forward<OnRow>(on_row));
    index_close(index, NoLock);
}

// Runs on_row with read.slot holding each row of the read's table that snapshot sees, read whole
// by a sequential scan (a small table, as the roles callout trusts and maps).
template <typename OnRow>
void for_each_row(const TableRead& read, Snapshot snapshot, OnRow&& on_row) {
    TableScanDesc scan = table_beginscan(read.heap, snapshot, 0, nullptr);
    while (table_scan_getnextslot(scan, ForwardScanDirection, read.slot)) on_row();
    table_endscan(scan);
}

// A text column of the slot's row, copied into the current memory context; nullptr for NULL.
text* text_column(TupleTableSlot* slot, AttrNumber column);

// A column of a type passed by value (bigint, integer, boolean, timestamptz, an enum) of the
// slot's row; none for NULL.
std::optional<Datum> value_column(TupleTableSlot* slot, AttrNumber column);

// Whether a column of the slot's row is NULL.
bool column_is_null(TupleTableSlot* slot, AttrNumber column);

// A text's bytes (none: empty).
std::string_view text_view(const text* value);

// Whether a text column of the slot's row is not NULL and holds value's bytes (the equality of
// deterministic collations).
bool text_column_equals(TupleTableSlot* slot, AttrNumber column, const text* value);

}  // namespace callout::pg
