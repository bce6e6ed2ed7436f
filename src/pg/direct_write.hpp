// Writing rows of callout's tables without a statement (DESIGN.md §4): a delivery's event and
// its call's row are each one row, and a statement's executor start-up cost more than the write
// itself. A row is written as logical replication applies one: the table's constraints, its
// indexes and its row triggers (statement triggers do not fire), as the function's owner (no
// row-level security, as every write of ingestion). The columns a writer sets are declared once,
// as a statement's are (CALLOUT_FIELDS, statement.hpp): each name is a column's, checked with
// its type against the table when the writer opens it.
#pragma once

#include <optional>

#include "pg/statement.hpp"

extern "C" {
#include "postgres.h"
#include "commands/trigger.h"
#include "nodes/execnodes.h"
#include "utils/snapshot.h"
}

namespace callout::pg {

// A table of callout's open for writing: the executor's state for one result relation, the row
// being written (slot) and, for an update, the row before (old_slot).
struct TableWriter {
    EState* estate;
    ResultRelInfo* target;
    TupleTableSlot* slot;
    TupleTableSlot* old_slot;
    const AttrNumber* columns;  // each declared field's column
    int column_count;
    Expr* const* defaults;  // each column's default, planned (nullptr: none, or declared)
    Expr* const* checks;    // the table's CHECK constraints as read, planned at the first check
    int check_count;        // (0: ExecConstraints reads them itself)
    List* arbiters;         // the unique index insert_once checks
    EPQState* recheck;      // for the table's BEFORE UPDATE row triggers, when it has any
    TransitionCaptureState* transitions;  // what its row triggers' transition tables collect
    // for a row another transaction holds: wait (LockWaitBlock, as an UPDATE waits), or ERROR
    // 55P03 at once (LockWaitError)
    LockWaitPolicy row_wait;
    // the key read_row_to_update found the row by, which a newer version must still hold
    AttrNumber key_column;
    RegProcedure key_equality;
    Oid key_collation;
    Datum key;
};
CALLOUT_PLAIN_DATA(TableWriter);

// Opens callout.<table> with RowExclusiveLock to write the fields (names and types of its
// columns; InvalidOid: any type, for callout's enums) with snapshot (the writer's reads and
// row triggers see it; it must outlive the writer). An ERROR (XX000) when a field names no
// column or a column of another type. for_update: the declared columns are the ones an UPDATE
// would name (UPDATE OF triggers fire by them); arbiter: the unique index insert_once checks.
TableWriter open_table_writer(const char* table, const Field* fields, int field_count,
                              Snapshot snapshot, bool for_update, const char* arbiter);

// Fires the writer's queued AFTER row triggers and closes it.
void close_table_writer(TableWriter& writer);

// What the backend keeps of a table for its writers, forgotten when the table changed (relid;
// InvalidOid: every table), or when any function changed (a default or a CHECK constraint may
// call it). For the module's invalidation callbacks: no catalog access, nothing that raises.
void forget_write_layouts(Oid relid);

// Inserts a row of the declared values (every other column its default), unless the arbiter
// index holds its key already (checked after the row's BEFORE triggers and constraints), committed
// or about to be (it waits for an inserter still in flight, as INSERT ... ON CONFLICT DO NOTHING
// does): whether it was inserted (not when a BEFORE INSERT row trigger skipped it). A row of the
// same key inserted by another transaction after the check is an ERROR (23505), which callout's
// room lock leaves to events of one id sent for two rooms at once.
bool insert_once(TableWriter& writer, const Datum* values, const bool* nulls);

// Reads into old_slot the row whose first column of unique index equals key (by equality, an
// F_ function of the column's type), as the writer's snapshot sees it: whether there is one. With
// BEFORE UPDATE row triggers, the row's newest version is locked, as update_row would lock it
// (for a writer that waits; one that does not locks it with lock_row).
bool read_row_to_update(TableWriter& writer, const char* index, RegProcedure equality, Datum key);

// What lock_row found.
enum class RowLock {
    same,   // the row in old_slot is its newest version, locked
    newer,  // the row was updated since it was read: its newest version, locked, is in old_slot
            // now; make the values again from it
    gone,   // the row was deleted since it was read, or its key changed
};

// Locks the row read into old_slot (its newest version) in mode, waiting for another
// transaction's lock as the writer's row_wait says. For a writer that must not wait, before it
// decides to write (its BEFORE UPDATE row triggers are then given the row locked).
RowLock lock_row(TableWriter& writer, LockTupleMode mode);

// What update_row did.
enum class RowUpdate {
    updated,  // the declared values were written over the row in old_slot
    newer,    // the row was updated since it was read: its newest version, locked, is in
              // old_slot now; make the values again from it and update again
    gone,     // the row was deleted since it was read, or its key changed (as an UPDATE's
              // recheck of its WHERE finds no row)
    skipped,  // a BEFORE UPDATE row trigger skipped it
};

// Writes the declared values over the row read into old_slot, its other columns as they are
// (slot then holds the row written, as the table's triggers left it). after_triggers: a rule of
// the caller's over the row as the table's BEFORE UPDATE row triggers left it (when it has any),
// run before its generated columns and constraints.
RowUpdate update_row(TableWriter& writer, const Datum* values, const bool* nulls,
                     void (*after_triggers)(TableWriter&) = nullptr);

// Sets declared field i of the row about to be written (in slot; none: NULL), for an
// after_triggers rule of update_row's: the row is made again as a row of values.
void rewrite_value(TableWriter& writer, int field, std::optional<Datum> value);

// Whether the row in old_slot already holds the values of every declared field but one
// (ignored: a field written whatever it holds, such as when the row was last changed).
bool old_row_holds(const TableWriter& writer, const Datum* values, const bool* nulls, int ignored);

// A column of the row in old_slot (declared field i); none for NULL.
std::optional<Datum> old_value(const TableWriter& writer, int field);

// A declared field's value in slot, the row written; none for NULL.
std::optional<Datum> written_value(const TableWriter& writer, int field);

// The value of an enum of callout's (the type of declared field i's column) named label.
Datum enum_value(const TableWriter& writer, int field, const char* label);

}  // namespace callout::pg
