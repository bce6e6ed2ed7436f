// The call an event belongs to (matching.hpp): the candidates read through call_log's room
// indexes (direct_read.hpp), the choice made by the core.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/matching.hpp"
#include "pg/direct_read.hpp"
#include "pg/matching.hpp"

extern "C" {
#include "access/table.h"
#include "access/tableam.h"
#include "utils/fmgroids.h"
}

namespace core = callout::core;

namespace callout::pg {
namespace {

// What matching reads of a call.
struct CallColumns {
    AttrNumber id, user_id, origin, room_name, room_sid, registered_phone_number;
};
CALLOUT_PLAIN_DATA(CallColumns);

CallColumns call_columns(Relation calls) {
    return {column_of(calls, "id"),       column_of(calls, "user_id"),
            column_of(calls, "origin"),   column_of(calls, "room_name"),
            column_of(calls, "room_sid"), column_of(calls, "registered_phone_number")};
}

// Candidate calls as read, in arrays that grow in the current memory context.
struct Candidates {
    MatchedCall* calls;
    core::CallCandidate* rule;  // what the core's rule reads of each
    std::size_t count;
    std::size_t capacity;
};
CALLOUT_PLAIN_DATA(Candidates);
CALLOUT_PLAIN_DATA(core::CallCandidate);
CALLOUT_PLAIN_DATA(core::MatchedCandidate);

// Adds the call the slot holds.
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
    MatchedCall& call = candidates.calls[candidates.count];
    call.id = DatumGetInt64(*value_column(slot, columns.id));  // the primary key
    call.user_id = text_column(slot, columns.user_id);
    call.registered_phone_number = text_column(slot, columns.registered_phone_number);
    candidates.rule[candidates.count] = {text_view(call.user_id),
                                         text_view(text_column(slot, columns.origin))};
    ++candidates.count;
}

}  // namespace

std::optional<MatchedCall> matching_call(text* room_sid, text* room_name, text* key_user_id,
                                         Snapshot snapshot) {
    Relation calls = table_open(callout_relation("call_log"), AccessShareLock);
    const CallColumns columns = call_columns(calls);
    TupleTableSlot* slot = table_slot_create(calls, nullptr);
    // every call bound to the sid: those under the event's room name are the bound candidates;
    // the tenants of all of them hold the sid
    Candidates bound = {};
    std::string_view* sid_tenants = nullptr;
    std::size_t sid_tenant_count = 0;
    if (room_sid != nullptr) {
        Relation by_sid = open_callout_index("call_log_room_sid");
        std::size_t capacity = 4;
        sid_tenants = static_cast<std::string_view*>(palloc(sizeof(std::string_view) * capacity));
        for_each_equal(calls, by_sid, F_TEXTEQ, PointerGetDatum(room_sid), snapshot, slot, [&] {
            if (sid_tenant_count == capacity) {
                capacity *= 2;
                sid_tenants = static_cast<std::string_view*>(
                    repalloc(sid_tenants, sizeof(std::string_view) * capacity));
            }
            sid_tenants[sid_tenant_count++] = text_view(text_column(slot, columns.user_id));
            if (text_column_equals(slot, columns.room_name, room_name))
                add_candidate(bound, slot, columns);
        });
        index_close(by_sid, NoLock);
    }
    // else the open calls of the room name whose sid is not bound: the index holds open calls
    // only (a row reached through it satisfies its predicate, whose column, the status, no HOT
    // update changes)
    Candidates named = {};
    if (bound.count == 0) {
        Relation open_rooms = open_callout_index("call_log_open_room");
        for_each_equal(calls, open_rooms, F_TEXTEQ, PointerGetDatum(room_name), snapshot, slot,
                       [&] {
                           if (column_is_null(slot, columns.room_sid))
                               add_candidate(named, slot, columns);
                       });
        index_close(open_rooms, NoLock);
    }
    ExecDropSingleTupleTableSlot(slot);
    table_close(calls, NoLock);

    std::optional<core::MatchedCandidate> chosen = core::matching_call(
        bound.rule, bound.count, named.rule, named.count, sid_tenants, sid_tenant_count,
        key_user_id == nullptr ? core::KeyTenant() : core::KeyTenant(text_view(key_user_id)));
    if (!chosen) return std::nullopt;
    return chosen->bound ? bound.calls[chosen->index] : named.calls[chosen->index];
}

bool waits_in_pending(text* event_id, text* room_name, Snapshot snapshot) {
    Relation pending = table_open(callout_relation("pending_event"), AccessShareLock);
    Relation by_event_id = open_callout_index("pending_event_event_id");
    const AttrNumber room_column = column_of(pending, "room_name");
    TupleTableSlot* slot = table_slot_create(pending, nullptr);
    bool waits = false;
    for_each_equal(pending, by_event_id, F_TEXTEQ, PointerGetDatum(event_id), snapshot, slot,
                   [&] { waits = waits || text_column_equals(slot, room_column, room_name); });
    ExecDropSingleTupleTableSlot(slot);
    index_close(by_event_id, NoLock);
    table_close(pending, NoLock);
    return waits;
}

}  // namespace callout::pg
