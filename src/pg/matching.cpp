// The call an event belongs to (matching.hpp): the candidates read through call_log's room
// indexes, the choice made by the core.
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "core/matching.hpp"
#include "pg/matching.hpp"
#include "pg/pg_compat.hpp"

extern "C" {
#include "access/genam.h"
#include "access/relscan.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "executor/tuptable.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
}

namespace core = callout::core;

namespace callout::pg {
namespace {

// A relation of callout's schema, by name.
Oid callout_relation(const char* name) {
    Oid relid = get_relname_relid(name, get_namespace_oid("callout", false));
    if (!OidIsValid(relid))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                        errmsg("relation callout.%s does not exist", name)));
    return relid;
}

// The number of a column of relation, by name.
AttrNumber column_of(Relation relation, const char* name) {
    TupleDesc descriptor = RelationGetDescr(relation);
    for (int i = 0; i < descriptor->natts; ++i) {
        Form_pg_attribute attribute = TupleDescAttr(descriptor, i);
        if (!attribute->attisdropped && std::strcmp(NameStr(attribute->attname), name) == 0)
            return attribute->attnum;
    }
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("column %s of relation callout.%s does not exist", name,
                           RelationGetRelationName(relation))));
    return InvalidAttrNumber;
}

// Runs on_row with slot holding each row of heap, as snapshot sees it, whose index's first
// column (text) equals value.
template <typename OnRow>
void for_each_equal(Relation heap, Relation index, text* value, Snapshot snapshot,
                    TupleTableSlot* slot, OnRow&& on_row) {
    ScanKeyData key;
    ScanKeyEntryInitialize(&key, 0, 1, BTEqualStrategyNumber, InvalidOid, index->rd_indcollation[0],
                           F_TEXTEQ, PointerGetDatum(value));
    IndexScanDesc scan = compat::index_scan(heap, index, snapshot, 1);
    index_rescan(scan, &key, 1, nullptr, 0);
    while (index_getnext_slot(scan, ForwardScanDirection, slot)) on_row();
    index_endscan(scan);
}

// A text column of the slot's row, copied into the current memory context; nullptr for NULL.
text* text_column(TupleTableSlot* slot, AttrNumber column) {
    bool is_null = false;
    Datum value = slot_getattr(slot, column, &is_null);
    return is_null ? nullptr : DatumGetTextPCopy(value);
}

std::string_view view_of(const text* value) {
    if (value == nullptr) return {};
    return {VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)};
}

// Whether a text column of the slot's row is not NULL and equals value (deterministic
// collations: the same bytes).
bool column_equals(TupleTableSlot* slot, AttrNumber column, text* value) {
    bool is_null = false;
    Datum stored = slot_getattr(slot, column, &is_null);
    return !is_null && view_of(DatumGetTextPP(stored)) == view_of(value);
}

// What matching reads of a call.
struct CallColumns {
    AttrNumber id, user_id, origin, room_name, room_sid, outcome, registered_phone_number;
};
CALLOUT_PLAIN_DATA(CallColumns);

CallColumns call_columns(Relation calls) {
    return {column_of(calls, "id"),
            column_of(calls, "user_id"),
            column_of(calls, "origin"),
            column_of(calls, "room_name"),
            column_of(calls, "room_sid"),
            column_of(calls, "outcome"),
            column_of(calls, "registered_phone_number")};
}

// Candidate calls as read, in an array that grows in the current memory context.
struct Candidates {
    MatchedCall* calls;
    core::CallCandidate* rule;  // what the core's rule reads of each
    std::size_t count;
    std::size_t capacity;
};
CALLOUT_PLAIN_DATA(Candidates);
CALLOUT_PLAIN_DATA(core::CallCandidate);
CALLOUT_PLAIN_DATA(core::MatchedCandidate);

void add_candidate(Candidates& candidates, TupleTableSlot* slot, const CallColumns& columns) {
    if (candidates.count == candidates.capacity) {
        std::size_t capacity = candidates.capacity == 0 ? 4 : candidates.capacity * 2;
        candidates.calls = static_cast<MatchedCall*>(
            candidates.calls == nullptr
                ? palloc(sizeof(MatchedCall) * capacity)
                : repalloc(candidates.calls, sizeof(MatchedCall) * capacity));
        candidates.rule = static_cast<core::CallCandidate*>(
            candidates.rule == nullptr
                ? palloc(sizeof(core::CallCandidate) * capacity)
                : repalloc(candidates.rule, sizeof(core::CallCandidate) * capacity));
        candidates.capacity = capacity;
    }
    bool is_null = false;
    MatchedCall& call = candidates.calls[candidates.count];
    call.id = DatumGetInt64(slot_getattr(slot, columns.id, &is_null));
    call.user_id = text_column(slot, columns.user_id);
    Datum outcome = slot_getattr(slot, columns.outcome, &is_null);
    call.outcome = is_null ? std::nullopt : std::optional<Datum>(outcome);  // an enum: by value
    call.room_name = text_column(slot, columns.room_name);
    call.registered_phone_number = text_column(slot, columns.registered_phone_number);
    candidates.rule[candidates.count] = {view_of(call.user_id),
                                         view_of(text_column(slot, columns.origin))};
    ++candidates.count;
}

}  // namespace

std::optional<MatchedCall> matching_call(text* room_sid, text* room_name, text* key_user_id,
                                         Snapshot snapshot) {
    Relation calls = table_open(callout_relation("call_log"), AccessShareLock);
    const CallColumns columns = call_columns(calls);
    TupleTableSlot* slot = table_slot_create(calls, nullptr);
    // every call bound to the sid: those under the event's room name are the bound candidates;
    // all of them tell which tenants hold the sid
    Candidates bound = {};
    Candidates sid_holders = {};
    if (room_sid != nullptr) {
        Relation by_sid = index_open(callout_relation("call_log_room_sid"), AccessShareLock);
        for_each_equal(calls, by_sid, room_sid, snapshot, slot, [&] {
            add_candidate(sid_holders, slot, columns);
            if (column_equals(slot, columns.room_name, room_name))
                add_candidate(bound, slot, columns);
        });
        index_close(by_sid, NoLock);
    }
    // else the open calls of the room name whose sid is not bound (the index holds open calls
    // only: its predicate's column, the status, is one a row's HOT update never changes)
    Candidates named = {};
    if (bound.count == 0) {
        Relation open_rooms = index_open(callout_relation("call_log_open_room"), AccessShareLock);
        for_each_equal(calls, open_rooms, room_name, snapshot, slot, [&] {
            bool sid_is_null = false;
            (void)slot_getattr(slot, columns.room_sid, &sid_is_null);
            if (sid_is_null) add_candidate(named, slot, columns);
        });
        index_close(open_rooms, NoLock);
    }
    ExecDropSingleTupleTableSlot(slot);
    table_close(calls, NoLock);

    auto* sid_tenants =
        static_cast<std::string_view*>(palloc(sizeof(std::string_view) * (sid_holders.count + 1)));
    for (std::size_t i = 0; i < sid_holders.count; ++i)
        sid_tenants[i] = sid_holders.rule[i].user_id;
    std::optional<core::MatchedCandidate> chosen =
        core::matching_call(bound.rule, bound.count, named.rule, named.count, sid_tenants,
                            sid_holders.count, view_of(key_user_id));
    if (!chosen) return std::nullopt;
    return chosen->bound ? bound.calls[chosen->index] : named.calls[chosen->index];
}

bool waits_in_pending(text* event_id, text* room_name, Snapshot snapshot) {
    Relation pending = table_open(callout_relation("pending_event"), AccessShareLock);
    Relation by_event_id = index_open(callout_relation("pending_event_event_id"), AccessShareLock);
    const AttrNumber room_column = column_of(pending, "room_name");
    TupleTableSlot* slot = table_slot_create(pending, nullptr);
    bool waits = false;
    for_each_equal(pending, by_event_id, event_id, snapshot, slot,
                   [&] { waits = waits || column_equals(slot, room_column, room_name); });
    ExecDropSingleTupleTableSlot(slot);
    index_close(by_event_id, NoLock);
    table_close(pending, NoLock);
    return waits;
}

}  // namespace callout::pg
