// The call an event belongs to (matching.hpp): the candidates read through call_log's room
// indexes (direct_read.hpp), here or on each tenant's node, the choice made by the core.
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/matching.hpp"
#include "pg/direct_read.hpp"
#include "pg/matching.hpp"
#include "pg/statement.hpp"

extern "C" {
#include "access/table.h"
#include "access/tableam.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
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

// Room for one more candidate.
void grow(Candidates& candidates) {
    // the two arrays side by side, of one capacity
    std::size_t capacity = candidates.capacity;
    candidates.calls = with_room_for_one_more(candidates.calls, candidates.count, capacity);
    candidates.rule =
        with_room_for_one_more(candidates.rule, candidates.count, candidates.capacity);
}

// Adds the call the slot holds.
void add_candidate(Candidates& candidates, TupleTableSlot* slot, const CallColumns& columns) {
    grow(candidates);
    MatchedCall& call = candidates.calls[candidates.count];
    call.id = DatumGetInt64(*value_column(slot, columns.id));  // the primary key
    call.user_id = text_column(slot, columns.user_id);
    call.registered_phone_number = text_column(slot, columns.registered_phone_number);
    candidates.rule[candidates.count] = {text_view(call.user_id),
                                         text_view(text_column(slot, columns.origin))};
    ++candidates.count;
}

// What matching reads: the calls bound to the event's sid under its room name, else the open
// calls of the room name whose sid is not bound, and the tenants of every call bound to the sid.
struct CallCandidates {
    Candidates bound;
    Candidates named;
    std::string_view* sid_tenants;
    std::size_t sid_tenant_count;
    std::size_t sid_tenant_capacity;
};
CALLOUT_PLAIN_DATA(CallCandidates);

// Adds a tenant that holds the event's sid.
void add_sid_tenant(CallCandidates& found, std::string_view user_id) {
    found.sid_tenants = with_room_for_one_more(found.sid_tenants, found.sid_tenant_count,
                                               found.sid_tenant_capacity);
    found.sid_tenants[found.sid_tenant_count++] = user_id;
}

// The candidates as call_log (or the tenant's shard of it chosen on this node) holds them, as
// snapshot sees it.
CallCandidates read_candidates(text* room_sid, text* room_name, Snapshot snapshot) {
    const TableRead calls = open_table_read("call_log");
    const CallColumns columns = call_columns(calls.heap);
    CallCandidates found = {};
    // every call bound to the sid: those under the event's room name are the bound candidates;
    // the tenants of all of them hold the sid
    if (room_sid != nullptr) {
        for_each_row_by(
            calls, "call_log_room_sid", F_TEXTEQ, PointerGetDatum(room_sid), snapshot, [&] {
                add_sid_tenant(found, text_view(text_column(calls.slot, columns.user_id)));
                if (text_column_equals(calls.slot, columns.room_name, room_name))
                    add_candidate(found.bound, calls.slot, columns);
            });
    }
    // else the open calls of the room name whose sid is not bound: the index holds open calls
    // only (a row reached through it satisfies its predicate, whose column, the status, no HOT
    // update changes)
    if (found.bound.count == 0) {
        for_each_row_by(calls, "call_log_open_room", F_TEXTEQ, PointerGetDatum(room_name), snapshot,
                        [&] {
                            if (column_is_null(calls.slot, columns.room_sid))
                                add_candidate(found.named, calls.slot, columns);
                        });
    }
    close_table_read(calls);
    return found;
}

#define ROOM_PARAMETER(X) X(room_name, TEXTOID)
CALLOUT_FIELDS(RoomParameter, ROOM_PARAMETER);
#define TENANT_COLUMN(X) X(user_id, TEXTOID)
CALLOUT_FIELDS(TenantColumn, TENANT_COLUMN);

// The tenants whose calls used a room name, on a distributed callout (callout._room_tenants).
Statement<RoomParameter, TenantColumn> room_tenants = {
    "SELECT t.user_id FROM pg_catalog.unnest(callout._room_tenants($room_name)) AS t (user_id)",
    nullptr};

#define CANDIDATE_PARAMETERS(X) \
    X(user_id, TEXTOID)         \
    X(room_sid, TEXTOID)        \
    X(room_name, TEXTOID)
CALLOUT_FIELDS(CandidateParameter, CANDIDATE_PARAMETERS);
#define CANDIDATE_COLUMNS(X) \
    X(kind, TEXTOID)         \
    X(call_id, INT8OID)      \
    X(origin, TEXTOID)       \
    X(registered_phone_number, TEXTOID)
CALLOUT_FIELDS(CandidateColumn, CANDIDATE_COLUMNS);

// A tenant's candidates, read on the node of its shards (_call_candidates: Citus runs it there).
Statement<CandidateParameter, CandidateColumn> candidates_of_tenant = {
    "SELECT c.kind, c.call_id, c.origin, c.registered_phone_number"
    " FROM callout._call_candidates($user_id, $room_sid, $room_name) AS c",
    nullptr};

}  // namespace

RoomTenants tenants_of_room(text* room_name) {
    Values<RoomParameter> room;
    room.put(RoomParameter::room_name, PointerGetDatum(room_name));
    Rows<TenantColumn> listed = run(room_tenants, room);
    RoomTenants tenants = {static_cast<text**>(palloc(sizeof(text*) * (listed.count + 1))),
                           std::size_t(listed.count)};
    for (std::uint64_t i = 0; i < listed.count; ++i)
        tenants.user_ids[i] = DatumGetTextPCopy(*listed.optional(i, TenantColumn::user_id));
    return tenants;
}

namespace {

// The candidates of every tenant whose calls used the room name, each read on the node of its
// shards (SPI is connected): no other tenant has a call of that name, bound or open.
CallCandidates gather_candidates(text* room_sid, text* room_name, const RoomTenants& listed) {
    text* const* tenants = listed.user_ids;
    CallCandidates found = {};
    for (std::size_t t = 0; t < listed.count; ++t) {
        using P = CandidateParameter;
        using C = CandidateColumn;
        Values<P> asked;
        asked.put(P::user_id, PointerGetDatum(tenants[t]));
        if (room_sid == nullptr)
            asked.put_null(P::room_sid);
        else
            asked.put(P::room_sid, PointerGetDatum(room_sid));
        asked.put(P::room_name, PointerGetDatum(room_name));
        Rows<C> rows = run(candidates_of_tenant, asked);
        for (std::uint64_t row = 0; row < rows.count; ++row) {
            const std::string_view kind = rows.text(row, C::kind);
            if (kind == "sid") {
                add_sid_tenant(found, text_view(tenants[t]));
                continue;
            }
            Candidates& into = kind == "bound" ? found.bound : found.named;
            grow(into);
            MatchedCall& call = into.calls[into.count];
            call.id = *rows.int8(row, C::call_id);
            call.user_id = tenants[t];
            std::optional<Datum> phone = rows.optional(row, C::registered_phone_number);
            call.registered_phone_number = phone ? DatumGetTextPCopy(*phone) : nullptr;
            text* origin = DatumGetTextPCopy(*rows.optional(row, C::origin));
            into.rule[into.count] = {text_view(tenants[t]), text_view(origin)};
            ++into.count;
        }
    }
    return found;
}

}  // namespace

std::optional<MatchedCall> matching_call(text* room_sid, text* room_name, text* key_user_id,
                                         Snapshot snapshot, const RoomTenants* room) {
    CallCandidates found = {};
    if (!call_tables_beyond_reach())
        found = read_candidates(room_sid, room_name, snapshot);
    else if (room != nullptr)
        found = gather_candidates(room_sid, room_name, *room);
    else
        found = gather_candidates(room_sid, room_name, tenants_of_room(room_name));
    std::optional<core::MatchedCandidate> chosen = core::matching_call(
        found.bound.rule, found.bound.count, found.named.rule, found.named.count, found.sid_tenants,
        found.sid_tenant_count,
        key_user_id == nullptr ? core::KeyTenant() : core::KeyTenant(text_view(key_user_id)));
    if (!chosen) return std::nullopt;
    return chosen->bound ? found.bound.calls[chosen->index] : found.named.calls[chosen->index];
}

Datum tenant_call_candidates(FunctionCallInfo fcinfo, text* user_id, text* room_sid,
                             text* room_name) {
    InitMaterializedSRF(fcinfo, 0);
    auto* result = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    if (user_id == nullptr || room_name == nullptr) return Datum(0);
    const TenantShards before = use_tenant_shards(user_id);
    const CallCandidates found = read_candidates(room_sid, room_name, GetActiveSnapshot());
    restore_tenant_shards(before);
    const std::string_view tenant = text_view(user_id);
    auto emit = [&](const char* kind, const Candidates& candidates) {
        for (std::size_t i = 0; i < candidates.count; ++i) {
            if (candidates.rule[i].user_id != tenant) continue;
            const MatchedCall& call = candidates.calls[i];
            Datum values[4] = {
                CStringGetTextDatum(kind), Int64GetDatum(call.id),
                PointerGetDatum(cstring_to_text_with_len(candidates.rule[i].origin.data(),
                                                         int(candidates.rule[i].origin.size()))),
                PointerGetDatum(call.registered_phone_number)};
            bool nulls[4] = {false, false, false, call.registered_phone_number == nullptr};
            tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
        }
    };
    emit("bound", found.bound);
    emit("named", found.named);
    for (std::size_t i = 0; i < found.sid_tenant_count; ++i) {
        if (found.sid_tenants[i] != tenant) continue;
        Datum values[4] = {CStringGetTextDatum("sid"), Datum(0), Datum(0), Datum(0)};
        bool nulls[4] = {false, true, true, true};
        tuplestore_putvalues(result->setResult, result->setDesc, values, nulls);
        break;
    }
    return Datum(0);
}

bool waits_in_pending(text* event_id, text* room_name, Snapshot snapshot) {
    const TableRead pending = open_table_read("pending_event");
    const AttrNumber room_column = column_of(pending.heap, "room_name");
    bool waits = false;
    for_each_row_by(
        pending, "pending_event_event_id", F_TEXTEQ, PointerGetDatum(event_id), snapshot,
        [&] { waits = waits || text_column_equals(pending.slot, room_column, room_name); });
    close_table_read(pending);
    return waits;
}

}  // namespace callout::pg
