// Direct writes (direct_write.hpp).
#include <cstring>

#include "pg/direct_read.hpp"
#include "pg/direct_write.hpp"
#include "pg/pg_compat.hpp"

extern "C" {
#include "access/sysattr.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_type_d.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/nodeModifyTable.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "rewrite/rewriteHandler.h"
#include "storage/lmgr.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

namespace callout::pg {
namespace {

// What a declaration (its fields) is on one table, worked out once per backend and again after
// the table or any function changes: each field's column, each other column's default,
// planned, and (until PostgreSQL 17) the table's CHECK constraints read from their stored text,
// which each writer plans at its first check. In a memory context of its own, emptied when it is
// worked out again; a writer copies what it uses (a trigger may change a function and write the
// same table while it is open).
struct Layout {
    const Field* fields;
    Oid relid;
    MemoryContext memory;
    AttrNumber* columns;
    Expr** defaults;  // per column of the table (nullptr: none, or declared)
    int natts;
    Expr** checks;  // per CHECK constraint of the table, read from its text, not planned
    int check_count;
    unsigned long last_used;  // layout_uses when it was last used
};
CALLOUT_PLAIN_DATA(Layout);

constexpr int max_layouts = 64;
unsigned long layout_uses = 0;
constexpr int max_declared_columns = 64;
Layout layouts[max_layouts];
int layout_count = 0;

// The default of a column of relation (attnum), as defaults_from (the relation itself, or on a
// Citus node the table a shard is of) defines it for the column of the same name: a shard's
// columns have no defaults (an identity column's sequence is the table's).
Node* column_default(Relation relation, Relation defaults_from, AttrNumber attnum) {
    if (defaults_from == relation) return build_column_default(relation, attnum);
    const char* name = NameStr(TupleDescAttr(RelationGetDescr(relation), attnum - 1)->attname);
    TupleDesc source = RelationGetDescr(defaults_from);
    for (int i = 0; i < source->natts; ++i) {
        Form_pg_attribute attribute = TupleDescAttr(source, i);
        if (!attribute->attisdropped && std::strcmp(NameStr(attribute->attname), name) == 0)
            return build_column_default(defaults_from, attribute->attnum);
    }
    return nullptr;
}

// The layout of fields on relation (its defaults as defaults_from defines them), kept in
// TopMemoryContext: an ERROR (XX000) when a field names no column of it or one of another type.
const Layout& layout_of(Relation relation, Relation defaults_from, const Field* fields,
                        int field_count) {
    Oid relid = RelationGetRelid(relation);
    ++layout_uses;
    for (int i = 0; i < layout_count; ++i)
        if (layouts[i].fields == fields && layouts[i].relid == relid) {
            layouts[i].last_used = layout_uses;
            return layouts[i];
        }
    // worked out into a slot of its own (a Citus worker writes a table's shards, one layout
    // each): one forgotten, a new one, else the one least recently used
    Layout* layout = nullptr;
    for (int i = 0; i < layout_count && layout == nullptr; ++i)
        if (layouts[i].relid == InvalidOid) layout = &layouts[i];
    if (layout == nullptr && layout_count < max_layouts) {
        MemoryContext memory =
            AllocSetContextCreate(TopMemoryContext, "callout direct write", ALLOCSET_SMALL_SIZES);
        layout = &layouts[layout_count++];
        *layout = {nullptr, InvalidOid, memory, nullptr, nullptr, 0, nullptr, 0, 0};
    }
    if (layout == nullptr) {
        layout = &layouts[0];
        for (int i = 1; i < layout_count; ++i)
            if (layouts[i].last_used < layout->last_used) layout = &layouts[i];
    }
    layout->fields = fields;
    layout->relid = InvalidOid;
    layout->last_used = layout_uses;
    // checked before anything is kept: a declaration the table does not match keeps nothing
    TupleDesc descriptor = RelationGetDescr(relation);
    AttrNumber checked[max_declared_columns];
    if (field_count > max_declared_columns)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                        errmsg("callout declares more columns than a direct write takes")));
    for (int i = 0; i < field_count; ++i) {
        checked[i] = column_of(relation, fields[i].name);
        Oid type = TupleDescAttr(descriptor, checked[i] - 1)->atttypid;
        if (fields[i].type != InvalidOid && fields[i].type != type)
            ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                            errmsg("column %s of relation callout.%s is not of the type callout "
                                   "writes",
                                   fields[i].name, RelationGetRelationName(relation))));
    }
    MemoryContextReset(layout->memory);
    layout->columns = nullptr;
    layout->defaults = nullptr;
    layout->checks = nullptr;
    layout->check_count = 0;
    MemoryContext caller = MemoryContextSwitchTo(layout->memory);
    auto* columns = static_cast<AttrNumber*>(palloc(sizeof(AttrNumber) * (field_count + 1)));
    auto* defaults = static_cast<Expr**>(palloc0(sizeof(Expr*) * (descriptor->natts + 1)));
    MemoryContextSwitchTo(caller);
    std::memcpy(columns, checked, sizeof(AttrNumber) * field_count);
    for (int attnum = 1; attnum <= descriptor->natts; ++attnum) {
        // a generated column is computed as the row is written, not defaulted
        Form_pg_attribute attribute = TupleDescAttr(descriptor, attnum - 1);
        if (attribute->attisdropped || attribute->attgenerated != '\0') continue;
        bool declared = false;
        for (int i = 0; i < field_count; ++i) declared = declared || columns[i] == attnum;
        if (declared) continue;
        Node* expression = column_default(relation, defaults_from, attnum);
        // no default: a NULL, checked against the column's domain (if it is of one), as an
        // INSERT that leaves the column out checks it
        if (expression == nullptr && get_typtype(attribute->atttypid) == TYPTYPE_DOMAIN) {
            int32 base_typmod = attribute->atttypmod;
            Oid base_type = getBaseTypeAndTypmod(attribute->atttypid, &base_typmod);
            expression = coerce_to_domain(reinterpret_cast<Node*>(makeNullConst(
                                              base_type, base_typmod, attribute->attcollation)),
                                          base_type, base_typmod, attribute->atttypid,
                                          COERCION_IMPLICIT, COERCE_IMPLICIT_CAST, -1, false);
        }
        if (expression == nullptr) continue;
        Expr* planned = expression_planner(reinterpret_cast<Expr*>(expression));
        caller = MemoryContextSwitchTo(layout->memory);
        defaults[attnum - 1] = static_cast<Expr*>(copyObjectImpl(planned));
        MemoryContextSwitchTo(caller);
    }
    const int check_count = descriptor->constr == nullptr || !compat::checks_read_once
                                ? 0
                                : descriptor->constr->num_check;
    caller = MemoryContextSwitchTo(layout->memory);
    auto* checks = static_cast<Expr**>(palloc0(sizeof(Expr*) * (check_count + 1)));
    for (int i = 0; i < check_count; ++i) checks[i] = compat::check_expression(relation, i);
    MemoryContextSwitchTo(caller);
    layout->columns = columns;
    layout->defaults = defaults;
    layout->checks = checks;
    layout->check_count = check_count;
    layout->natts = descriptor->natts;
    layout->relid = relid;
    return *layout;
}

// The writer's slot filled with a row: the declared values over the row in base (nullptr: over
// every other column's default, or NULL).
void fill_slot(TableWriter& writer, TupleTableSlot* base, const Datum* values, const bool* nulls) {
    TupleTableSlot* slot = writer.slot;
    int natts = slot->tts_tupleDescriptor->natts;
    ExecClearTuple(slot);
    if (base != nullptr) {
        slot_getallattrs(base);
        std::memcpy(slot->tts_values, base->tts_values, sizeof(Datum) * natts);
        std::memcpy(slot->tts_isnull, base->tts_isnull, sizeof(bool) * natts);
    } else {
        ExprContext* context = GetPerTupleExprContext(writer.estate);
        for (int i = 0; i < natts; ++i) {
            slot->tts_values[i] = Datum(0);
            slot->tts_isnull[i] = true;
            if (writer.defaults[i] == nullptr) continue;
            ExprState* state = ExecInitExpr(writer.defaults[i], nullptr);
            slot->tts_values[i] = ExecEvalExprSwitchContext(state, context, &slot->tts_isnull[i]);
        }
    }
    for (int i = 0; i < writer.column_count; ++i) {
        slot->tts_values[writer.columns[i] - 1] = values[i];
        slot->tts_isnull[writer.columns[i] - 1] = nulls[i];
    }
    ExecStoreVirtualTuple(slot);
}

// Checks the row in the writer's slot against the table's constraints (ExecConstraints: NOT
// NULL, CHECK, an ERROR 23502 or 23514). The CHECK constraints the layout read are planned at
// the first check, once the row's BEFORE triggers have run, as a statement plans them at its
// first row's (a trigger may have replaced a function a constraint calls).
void check_constraints(TableWriter& writer) {
    ResultRelInfo* target = writer.target;
    if (writer.check_count > 0 && compat::check_states(target) == nullptr) {
        MemoryContext caller = MemoryContextSwitchTo(writer.estate->es_query_cxt);
        auto* states = static_cast<ExprState**>(palloc(sizeof(ExprState*) * writer.check_count));
        for (int i = 0; i < writer.check_count; ++i)
            states[i] = ExecPrepareExpr(writer.checks[i], writer.estate);
        MemoryContextSwitchTo(caller);
        compat::set_check_states(target, states);
    }
    ExecConstraints(target, writer.slot, writer.estate);
}

// Locks the newest version of the row at tid in mode (waiting for a writer in flight, unless the
// writer does not wait: an ERROR 55P03) into old_slot, as an UPDATE does before it rechecks a row
// changed since its snapshot: gone when the row is, or its newest version no longer holds the key
// it was read by (a call given another id).
RowLock lock_newest(TableWriter& writer, ItemPointer tid, LockTupleMode mode) {
    TM_FailureData failure;
    TM_Result locked =
        table_tuple_lock(writer.target->ri_RelationDesc, tid, writer.estate->es_snapshot,
                         writer.old_slot, writer.estate->es_output_cid, mode, writer.row_wait,
                         TUPLE_LOCK_FLAG_FIND_LAST_VERSION, &failure);
    if (locked == TM_Deleted) return RowLock::gone;
    if (locked != TM_Ok)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                        errmsg("callout could not lock a row of callout.%s (result %d)",
                               RelationGetRelationName(writer.target->ri_RelationDesc),
                               static_cast<int>(locked))));
    ExecMaterializeSlot(writer.old_slot);
    std::optional<Datum> key = value_column(writer.old_slot, writer.key_column);
    if (!key || !DatumGetBool(OidFunctionCall2Coll(writer.key_equality, writer.key_collation, *key,
                                                   writer.key)))
        return RowLock::gone;
    return failure.traversed ? RowLock::newer : RowLock::same;
}

}  // namespace

TableWriter open_table_writer(const char* table, const Field* fields, int field_count,
                              Snapshot snapshot, bool for_update, const char* arbiter) {
    Relation relation = table_open(callout_relation(table), RowExclusiveLock);
    // as for an INSERT or UPDATE: a table that publishes its updates needs a replica identity
    CheckCmdReplicaIdentity(relation, for_update ? CMD_UPDATE : CMD_INSERT);
    // a tenant's shard (on a Citus node) takes its defaults from its table, as Citus's INSERT does
    Relation defaults_from = std::strcmp(RelationGetRelationName(relation), table) == 0
                                 ? relation
                                 : table_open(callout_table(table), AccessShareLock);
    const Layout& layout = layout_of(relation, defaults_from, fields, field_count);
    if (defaults_from != relation) table_close(defaults_from, AccessShareLock);

    EState* estate = CreateExecutorState();
    MemoryContext caller = MemoryContextSwitchTo(estate->es_query_cxt);
    RangeTblEntry* entry = makeNode(RangeTblEntry);
    entry->rtekind = RTE_RELATION;
    entry->relid = RelationGetRelid(relation);
    entry->relkind = relation->rd_rel->relkind;
    entry->rellockmode = RowExclusiveLock;
    Bitmapset* updated = nullptr;
    if (for_update)
        for (int i = 0; i < field_count; ++i)
            updated =
                bms_add_member(updated, layout.columns[i] - FirstLowInvalidHeapAttributeNumber);
    compat::init_range_table(estate, entry, updated);
    estate->es_output_cid = GetCurrentCommandId(true);
    estate->es_snapshot = snapshot;

    TableWriter writer = {};
    writer.row_wait = LockWaitBlock;
    writer.estate = estate;
    writer.target = makeNode(ResultRelInfo);
    InitResultRelInfo(writer.target, relation, 1, nullptr, 0);
    // where the AFTER row triggers find it, and ExecCloseResultRelations closes its indexes
    estate->es_opened_result_relations = list_make1(writer.target);
    ExecOpenIndices(writer.target, arbiter != nullptr);
    writer.slot = table_slot_create(relation, &estate->es_tupleTable);
    writer.old_slot = for_update ? table_slot_create(relation, &estate->es_tupleTable) : nullptr;
    // copies (in the executor state's memory) of what the writer uses of the layout
    auto* columns = static_cast<AttrNumber*>(palloc(sizeof(AttrNumber) * (field_count + 1)));
    std::memcpy(columns, layout.columns, sizeof(AttrNumber) * field_count);
    writer.columns = columns;
    writer.column_count = field_count;
    if (!for_update) {
        auto* defaults = static_cast<Expr**>(palloc0(sizeof(Expr*) * (layout.natts + 1)));
        for (int i = 0; i < layout.natts; ++i)
            if (layout.defaults[i] != nullptr)
                defaults[i] = static_cast<Expr*>(copyObjectImpl(layout.defaults[i]));
        writer.defaults = defaults;
    }
    // the CHECK constraints as the layout read them, planned at the writer's first check
    if (layout.check_count > 0 && layout.check_count == relation->rd_att->constr->num_check) {
        auto* checks = static_cast<Expr**>(palloc(sizeof(Expr*) * layout.check_count));
        for (int i = 0; i < layout.check_count; ++i)
            checks[i] = static_cast<Expr*>(copyObjectImpl(layout.checks[i]));
        writer.checks = checks;
        writer.check_count = layout.check_count;
    }
    if (arbiter != nullptr) writer.arbiters = list_make1_oid(callout_relation(arbiter));
    TriggerDesc* triggers = writer.target->ri_TrigDesc;
    if (for_update && triggers != nullptr && triggers->trig_update_before_row) {
        writer.recheck = static_cast<EPQState*>(palloc0(sizeof(EPQState)));
        compat::init_recheck(writer.recheck, estate);
    }
    AfterTriggerBeginQuery();
    // what the table's row triggers read as transition tables (none: they read none); made
    // after AfterTriggerBeginQuery, for this query level
    if (triggers != nullptr)
        writer.transitions = MakeTransitionCaptureState(triggers, RelationGetRelid(relation),
                                                        for_update ? CMD_UPDATE : CMD_INSERT);
    MemoryContextSwitchTo(caller);
    // the snapshot the table's triggers and its defaults run with, as a statement's
    PushActiveSnapshot(snapshot);
    return writer;
}

void close_table_writer(TableWriter& writer) {
    EState* estate = writer.estate;
    Relation relation = writer.target->ri_RelationDesc;
    AfterTriggerEndQuery(estate);
    PopActiveSnapshot();
    if (writer.recheck != nullptr) EvalPlanQualEnd(writer.recheck);
    // its indexes, and what the triggers opened
    ExecCloseResultRelations(estate);
    ExecResetTupleTable(estate->es_tupleTable, false);
    FreeExecutorState(estate);
    table_close(relation, NoLock);
    writer = {};
}

bool insert_once(TableWriter& writer, const Datum* values, const bool* nulls) {
    MemoryContext caller = MemoryContextSwitchTo(GetPerTupleMemoryContext(writer.estate));
    fill_slot(writer, nullptr, values, nulls);
    MemoryContextSwitchTo(caller);
    // in INSERT ... ON CONFLICT DO NOTHING's order: the row's BEFORE triggers, generated columns
    // and constraints, then its key checked free, then the row, its index entries and its AFTER
    // triggers (with the transition tables they read)
    EState* estate = writer.estate;
    ResultRelInfo* target = writer.target;
    Relation relation = target->ri_RelationDesc;
    TupleTableSlot* slot = writer.slot;
    TriggerDesc* triggers = target->ri_TrigDesc;
    if (triggers != nullptr && triggers->trig_insert_before_row &&
        !ExecBRInsertTriggers(estate, target, slot))
        return false;  // a BEFORE INSERT row trigger skipped it
    TupleConstr* constraints = relation->rd_att->constr;
    if (constraints != nullptr && constraints->has_generated_stored)
        ExecComputeStoredGenerated(target, estate, slot, CMD_INSERT);
    if (constraints != nullptr) check_constraints(writer);
    if (!compat::no_conflict(target, slot, estate, writer.arbiters)) return false;
    simple_table_tuple_insert(relation, slot);
    List* recheck_indexes = NIL;
    if (target->ri_NumIndices > 0)
        recheck_indexes =
            compat::insert_index_entries(target, slot, estate, false, compat::NewIndexEntries::all);
    ExecARInsertTriggers(estate, target, slot, recheck_indexes, writer.transitions);
    list_free(recheck_indexes);
    return true;
}

bool read_row_to_update(TableWriter& writer, const char* index_name, RegProcedure equality,
                        Datum key) {
    Relation index = open_callout_index(index_name);
    writer.key_column = index->rd_index->indkey.values[0];
    writer.key_equality = equality;
    writer.key_collation = index->rd_indcollation[0];
    writer.key = key;
    bool found = false;
    // kept as found: the scan goes on past it, and an entry of a version the snapshot does not
    // see (an update in flight or rolled back) would leave that version in the slot
    for_each_equal(writer.target->ri_RelationDesc, index, equality, key, writer.estate->es_snapshot,
                   writer.old_slot, [&] {
                       found = true;
                       ExecMaterializeSlot(writer.old_slot);
                   });
    index_close(index, NoLock);
    if (!found) return false;
    // a BEFORE UPDATE row trigger locks the row it is given, and could not recheck a newer
    // version without a plan: the newest is locked first, as logical replication does (a writer
    // that does not wait locks it with lock_row, once it knows in which mode)
    if (writer.recheck != nullptr && writer.row_wait == LockWaitBlock) {
        ItemPointerData tid = writer.old_slot->tts_tid;
        return lock_newest(writer, &tid, LockTupleNoKeyExclusive) != RowLock::gone;
    }
    return true;
}

RowLock lock_row(TableWriter& writer, LockTupleMode mode) {
    ItemPointerData tid = writer.old_slot->tts_tid;
    return lock_newest(writer, &tid, mode);
}

RowUpdate update_row(TableWriter& writer, const Datum* values, const bool* nulls,
                     void (*after_triggers)(TableWriter&)) {
    EState* estate = writer.estate;
    ResultRelInfo* target = writer.target;
    Relation relation = target->ri_RelationDesc;
    ItemPointerData tid = writer.old_slot->tts_tid;
    fill_slot(writer, writer.old_slot, values, nulls);
    TupleTableSlot* slot = writer.slot;
    if (writer.recheck != nullptr) {
        if (!compat::before_update_row_triggers(estate, writer.recheck, target, &tid, slot))
            return RowUpdate::skipped;
        if (after_triggers != nullptr) after_triggers(writer);
    }
    // the generated columns of the row written, as an UPDATE computes them before its checks
    if (relation->rd_att->constr != nullptr && relation->rd_att->constr->has_generated_stored)
        ExecComputeStoredGenerated(target, estate, slot, CMD_UPDATE);
    if (relation->rd_att->constr != nullptr) check_constraints(writer);

    TM_FailureData failure;
    compat::NewIndexEntries entries = compat::NewIndexEntries::none;
    TM_Result result = compat::update_tuple(relation, &tid, slot, estate->es_output_cid,
                                            estate->es_snapshot, &failure, &entries);
    switch (result) {
        case TM_Ok: {
            List* recheck_indexes = NIL;
            if (target->ri_NumIndices > 0 && entries != compat::NewIndexEntries::none)
                recheck_indexes = compat::insert_index_entries(target, slot, estate, true, entries);
            ExecARUpdateTriggers(estate, target, nullptr, nullptr, &tid, nullptr, slot,
                                 recheck_indexes, writer.transitions, false);
            list_free(recheck_indexes);
            return RowUpdate::updated;
        }
        case TM_Updated: {
            // committed since the snapshot: under READ COMMITTED the newest version is locked
            // and the values made again from it, as an UPDATE rechecks (EvalPlanQual)
            if (IsolationUsesXactSnapshot())
                ereport(ERROR, (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
                                errmsg("could not serialize access due to concurrent update")));
            return lock_newest(writer, &tid, LockTupleNoKeyExclusive) != RowLock::gone
                       ? RowUpdate::newer
                       : RowUpdate::gone;
        }
        case TM_Deleted:
            if (IsolationUsesXactSnapshot())
                ereport(ERROR, (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
                                errmsg("could not serialize access due to concurrent delete")));
            return RowUpdate::gone;
        case TM_SelfModified:
            // a BEFORE UPDATE row trigger updated the row it was given: refused as an UPDATE
            // refuses it
            ereport(ERROR,
                    (errcode(ERRCODE_TRIGGERED_DATA_CHANGE_VIOLATION),
                     errmsg("tuple to be updated was already modified by an operation triggered "
                            "by the current command"),
                     errhint("Consider using an AFTER trigger instead of a BEFORE trigger to "
                             "propagate changes to other rows.")));
            break;
        default:
            break;
    }
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                    errmsg("callout could not update a row of callout.%s (result %d)",
                           RelationGetRelationName(relation), static_cast<int>(result))));
    return RowUpdate::gone;
}

void forget_write_layouts(Oid relid) {
    for (int i = 0; i < layout_count; ++i)
        if (relid == InvalidOid || layouts[i].relid == relid) layouts[i].relid = InvalidOid;
}

namespace {

// Whether two values of a column are the same bytes (as HOT compares them): a text stored with
// a short header equals the same text made with a long one; a compressed or out-of-line value is
// taken for another.
bool same_bytes(Datum held, Datum value, Form_pg_attribute attribute) {
    if (attribute->attlen != -1)
        return datumIsEqual(held, value, attribute->attbyval, attribute->attlen);
    auto* a = reinterpret_cast<varlena*>(DatumGetPointer(held));
    auto* b = reinterpret_cast<varlena*>(DatumGetPointer(value));
    if (VARATT_IS_COMPRESSED(a) || VARATT_IS_EXTERNAL(a) || VARATT_IS_COMPRESSED(b) ||
        VARATT_IS_EXTERNAL(b))
        return false;
    return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
           std::memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

}  // namespace

bool old_row_holds(const TableWriter& writer, const Datum* values, const bool* nulls, int ignored) {
    TupleDesc descriptor = RelationGetDescr(writer.target->ri_RelationDesc);
    for (int i = 0; i < writer.column_count; ++i) {
        if (i == ignored) continue;
        std::optional<Datum> held = value_column(writer.old_slot, writer.columns[i]);
        if (!held || nulls[i]) {
            if (held.has_value() != !nulls[i]) return false;
            continue;
        }
        if (!same_bytes(*held, values[i], TupleDescAttr(descriptor, writer.columns[i] - 1)))
            return false;
    }
    return true;
}

void rewrite_value(TableWriter& writer, int field, std::optional<Datum> value) {
    TupleTableSlot* slot = writer.slot;
    TupleDesc descriptor = slot->tts_tupleDescriptor;
    const int natts = descriptor->natts;
    slot_getallattrs(slot);
    // the row's values copied first: clearing the slot may free the tuple they point into
    MemoryContext caller = MemoryContextSwitchTo(GetPerTupleMemoryContext(writer.estate));
    auto* values = static_cast<Datum*>(palloc(sizeof(Datum) * natts));
    auto* nulls = static_cast<bool*>(palloc(sizeof(bool) * natts));
    for (int i = 0; i < natts; ++i) {
        Form_pg_attribute attribute = TupleDescAttr(descriptor, i);
        nulls[i] = slot->tts_isnull[i];
        values[i] = nulls[i]
                        ? Datum(0)
                        : datumCopy(slot->tts_values[i], attribute->attbyval, attribute->attlen);
    }
    MemoryContextSwitchTo(caller);
    ExecClearTuple(slot);
    std::memcpy(slot->tts_values, values, sizeof(Datum) * natts);
    std::memcpy(slot->tts_isnull, nulls, sizeof(bool) * natts);
    const int column = writer.columns[field] - 1;
    slot->tts_values[column] = value.value_or(Datum(0));
    slot->tts_isnull[column] = !value.has_value();
    ExecStoreVirtualTuple(slot);
}

std::optional<Datum> old_value(const TableWriter& writer, int field) {
    return value_column(writer.old_slot, writer.columns[field]);
}

std::optional<Datum> written_value(const TableWriter& writer, int field) {
    return value_column(writer.slot, writer.columns[field]);
}

Datum enum_value(const TableWriter& writer, int field, const char* label) {
    Oid type =
        TupleDescAttr(RelationGetDescr(writer.target->ri_RelationDesc), writer.columns[field] - 1)
            ->atttypid;
    return OidInputFunctionCall(F_ENUM_IN, const_cast<char*>(label), type, -1);
}

}  // namespace callout::pg
