// What differs between the PostgreSQL majors the bridge builds against (15 and later): every
// PG_VERSION_NUM check of callout is in this file, each with why. Bridge files that use one of
// these APIs include it instead of spelling the difference out. The core never sees it.
#pragma once

#include <cstddef>
#include <cstdlib>

extern "C" {
#include "postgres.h"
#include "access/genam.h"
#include "access/tableam.h"
#include "commands/trigger.h"
#include "common/jsonapi.h"
#include "executor/executor.h"
#include "nodes/parsenodes.h"
#include "utils/guc.h"
#include "utils/jsonfuncs.h"
#if PG_VERSION_NUM >= 160000
#include "parser/parse_relation.h"
#endif
#if PG_VERSION_NUM >= 160000
// 16 moved the varlena macros (VARDATA_ANY, VARSIZE_ANY_EXHDR, SET_VARSIZE, ...) out of
// postgres.h into a header of their own.
#include "varatt.h"
#endif
}

namespace callout::pg::compat {

// Memory for a GUC check hook's `extra`, which the server keeps and frees itself. Until 15 it
// frees it with free(), so it must come from malloc; from 16 GUC memory is the server's own
// (it frees with guc_free), so it must come from guc_malloc. At LOG level both answer nullptr
// when out of memory, and the check hook then fails.
inline void* guc_extra_alloc(std::size_t size) {
#if PG_VERSION_NUM >= 160000
    return guc_malloc(LOG, size);
#else
    return std::malloc(size);
#endif
}

// What a JSON semantic action returns: nothing until 15; from 16 a JsonParseErrorType, where
// JSON_SUCCESS lets the parse go on.
#if PG_VERSION_NUM >= 160000
using JsonActionResult = JsonParseErrorType;
inline JsonActionResult json_action_done() {
    return JSON_SUCCESS;
}
#else
using JsonActionResult = void;
inline void json_action_done() {}
#endif

// A semantic action written as a plain void function, in the shape the server's JSON parser
// calls (JsonAction<object_start>::call), so the actions themselves read the same on every
// major. Plain data only: an ERROR in the action passes through unchanged.
template <auto Action>
struct JsonAction;
template <typename... Args, void (*Action)(Args...)>
struct JsonAction<Action> {
    static JsonActionResult call(Args... args) {
        Action(args...);
        return json_action_done();
    }
};

// A lexer over a JSON text of known length. From 17 makeJsonLexContextCstringLen takes the
// context to fill as its first argument (nullptr: it allocates one, as 15 always did) and a
// size_t length.
inline JsonLexContext* json_lexer(char* json, std::size_t length, int encoding, bool need_escapes) {
#if PG_VERSION_NUM >= 170000
    return makeJsonLexContextCstringLen(nullptr, json, length, encoding, need_escapes);
#else
    return makeJsonLexContextCstringLen(json, int(length), encoding, need_escapes);
#endif
}

// Raises the ERROR jsonb_in raises (22P05) when PostgreSQL's parser stopped at a `\u` escape the
// database's encoding cannot hold, which is no syntax error. 15's lexer raises it itself; from 16
// the parser returns it as its result, and jsonb_in raises it from there.
inline void raise_unrepresentable_escape([[maybe_unused]] JsonParseErrorType result,
                                         [[maybe_unused]] JsonLexContext* lexer) {
#if PG_VERSION_NUM >= 160000
    if (result == JSON_UNICODE_UNTRANSLATABLE || result == JSON_UNICODE_HIGH_ESCAPE)
        json_errsave_error(result, lexer, nullptr);
#endif
}

// An index scan of nkeys keys, no ordering. From 18 index_beginscan takes the instrumentation
// EXPLAIN fills (nullptr: none) before the key counts.
inline IndexScanDesc index_scan(Relation heap, Relation index, Snapshot snapshot, int nkeys) {
#if PG_VERSION_NUM >= 180000
    return index_beginscan(heap, index, snapshot, nullptr, nkeys, 0);
#else
    return index_beginscan(heap, index, snapshot, nkeys, 0);
#endif
}

// The range table of an executor state that writes one relation (rte, index 1), whose UPDATE
// names the columns updated (offset by FirstLowInvalidHeapAttributeNumber, as the executor keeps
// them). From 16 what a statement may touch moved out of the range table entry into a list of
// its own (RTEPermissionInfo), which ExecInitRangeTable takes; from 18 it also takes the entries
// that partition pruning left (here, the one).
inline void init_range_table(EState* estate, RangeTblEntry* rte, Bitmapset* updated_columns) {
#if PG_VERSION_NUM >= 160000
    List* permissions = NIL;
    RTEPermissionInfo* permission = addRTEPermissionInfo(&permissions, rte);
    permission->updatedCols = updated_columns;
#if PG_VERSION_NUM >= 180000
    ExecInitRangeTable(estate, list_make1(rte), permissions, bms_make_singleton(1));
#else
    ExecInitRangeTable(estate, list_make1(rte), permissions);
#endif
#else
    rte->updatedCols = updated_columns;
    ExecInitRangeTable(estate, list_make1(rte));
#endif
}

// Rechecking for row triggers that lock the row they change, with no plan to recheck. From 16
// EvalPlanQualInit also takes the result relations (none: only triggers use it).
inline void init_recheck(EPQState* recheck, EState* estate) {
#if PG_VERSION_NUM >= 160000
    EvalPlanQualInit(recheck, estate, nullptr, NIL, -1, NIL);
#else
    EvalPlanQualInit(recheck, estate, nullptr, NIL, -1);
#endif
}

// The BEFORE UPDATE row triggers of the row at tid, given its new values (slot): false when one
// skipped the update. Until 16 ExecBRUpdateTriggers reports the failure of locking the row in
// one argument; from 17 also the lock's result, and from 18 whether MERGE runs it.
inline bool before_update_row_triggers(EState* estate, EPQState* recheck, ResultRelInfo* target,
                                       ItemPointer tid, TupleTableSlot* slot) {
#if PG_VERSION_NUM >= 170000
    return ExecBRUpdateTriggers(estate, recheck, target, tid, nullptr, slot, nullptr, nullptr
#if PG_VERSION_NUM >= 180000
                                ,
                                false
#endif
    );
#else
    return ExecBRUpdateTriggers(estate, recheck, target, tid, nullptr, slot, nullptr);
#endif
}

// Which index entries an updated row needs. From 16 table_tuple_update says so as an enum
// (summarizing indexes, as BRIN, need entries even for a HOT update); until 15 as a boolean.
enum class NewIndexEntries { none, all, summarizing };

// table_tuple_update, waiting for a concurrent writer, with the entries the new version needs.
inline TM_Result update_tuple(Relation relation, ItemPointer tid, TupleTableSlot* slot,
                              CommandId command, Snapshot snapshot, TM_FailureData* failure,
                              NewIndexEntries* entries) {
    LockTupleMode lock_mode;
#if PG_VERSION_NUM >= 160000
    TU_UpdateIndexes update_indexes = TU_None;
    TM_Result result = table_tuple_update(relation, tid, slot, command, snapshot, InvalidSnapshot,
                                          true, failure, &lock_mode, &update_indexes);
    *entries = update_indexes == TU_All           ? NewIndexEntries::all
               : update_indexes == TU_Summarizing ? NewIndexEntries::summarizing
                                                  : NewIndexEntries::none;
#else
    bool update_indexes = false;
    TM_Result result = table_tuple_update(relation, tid, slot, command, snapshot, InvalidSnapshot,
                                          true, failure, &lock_mode, &update_indexes);
    *entries = update_indexes ? NewIndexEntries::all : NewIndexEntries::none;
#endif
    return result;
}

// The index entries of the row in slot (a new version when update), an ERROR on a unique
// violation; what the AFTER row triggers recheck. From 16 it takes whether only summarizing
// indexes need one.
inline List* insert_index_entries(ResultRelInfo* target, TupleTableSlot* slot, EState* estate,
                                  bool update, NewIndexEntries entries) {
#if PG_VERSION_NUM >= 160000
    return ExecInsertIndexTuples(target, slot, estate, update, false, nullptr, NIL,
                                 entries == NewIndexEntries::summarizing);
#else
    (void)entries;
    return ExecInsertIndexTuples(target, slot, estate, update, false, nullptr, NIL);
#endif
}

// Whether no row of the arbiter indexes holds the key of the row in slot (waiting for an
// inserter in flight). From 18 it also takes the row being updated (none: an insert).
inline bool no_conflict(ResultRelInfo* target, TupleTableSlot* slot, EState* estate,
                        List* arbiters) {
    ItemPointerData conflict;
#if PG_VERSION_NUM >= 180000
    return ExecCheckIndexConstraints(target, slot, estate, &conflict, nullptr, arbiters);
#else
    return ExecCheckIndexConstraints(target, slot, estate, &conflict, arbiters);
#endif
}

// Whether a writer may read a table's CHECK constraints once per backend: until 17 each is its
// stored expression, which ExecConstraints reads again for each new executor state. From 18 a
// constraint may be NOT ENFORCED and may read virtual generated columns, which ExecConstraints
// expands: it reads them itself.
#if PG_VERSION_NUM >= 180000
constexpr bool checks_read_once = false;
#else
constexpr bool checks_read_once = true;
#endif

// The stored expression of a table's CHECK constraint, as ExecConstraints reads it (until 17).
inline Expr* check_expression(Relation relation, int check) {
    return static_cast<Expr*>(stringToNode(relation->rd_att->constr->check[check].ccbin));
}

// The planned CHECK constraints of the result relation (nullptr: not planned yet, which
// ExecConstraints then does at its first check). 18 renamed the field.
inline ExprState** check_states(ResultRelInfo* target) {
#if PG_VERSION_NUM >= 180000
    return target->ri_CheckConstraintExprs;
#else
    return target->ri_ConstraintExprs;
#endif
}
inline void set_check_states(ResultRelInfo* target, ExprState** states) {
#if PG_VERSION_NUM >= 180000
    target->ri_CheckConstraintExprs = states;
#else
    target->ri_ConstraintExprs = states;
#endif
}

}  // namespace callout::pg::compat
