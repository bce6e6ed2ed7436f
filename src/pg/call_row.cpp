// The call row recomputed from the set of its events (call_row.hpp). Used by each delivery,
// registration, the inbound calls a delivery creates and reclassify_calls.
#include <cstdint>
#include <cstdio>
#include <optional>

#include "core/call_row.hpp"
#include "core/classify.hpp"
#include "core/events.hpp"
#include "pg/boundary.hpp"
#include "pg/call_row.hpp"
#include "pg/direct_read.hpp"
#include "pg/settings.hpp"
#include "pg/statement.hpp"

extern "C" {
#include "access/table.h"
#include "access/tableam.h"
#include "commands/async.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
}

namespace core = callout::core;

namespace callout::pg {
namespace {

#define UPDATE_CALL_PARAMETERS(X) \
    X(call_id, INT8OID)           \
    CALLOUT_CALL_ROW_FIELDS(X)
CALLOUT_FIELDS(UpdateCallParameter, UPDATE_CALL_PARAMETERS);
#define OUTCOME_COLUMN(X) X(outcome, InvalidOid)
CALLOUT_FIELDS(OutcomeColumn, OUTCOME_COLUMN);

// The webhook-owned columns.
Statement<UpdateCallParameter, OutcomeColumn> update_call = {
    "UPDATE callout.call_log AS c SET" CALLOUT_CALL_ROW_SET_SQL
    " WHERE c.id = $call_id RETURNING c.outcome",
    nullptr};

CALLOUT_PLAIN_DATA(Values<UpdateCallParameter>);

// What the call row is made from, of an event row.
struct EventColumns {
    AttrNumber event_type, event_id, event_created_at, room_sid, room_creation_time, is_sip,
        participant_identity, joined_at, disconnect_reason, sip_call_status, sip_phone_number,
        sip_call_id, sip_call_id_full, call_duration_seconds, recording_url;
};
CALLOUT_PLAIN_DATA(EventColumns);

EventColumns event_columns(Relation events) {
    return {column_of(events, "event_type"),           column_of(events, "event_id"),
            column_of(events, "event_created_at"),     column_of(events, "room_sid"),
            column_of(events, "room_creation_time"),   column_of(events, "is_sip"),
            column_of(events, "participant_identity"), column_of(events, "joined_at"),
            column_of(events, "disconnect_reason"),    column_of(events, "sip_call_status"),
            column_of(events, "sip_phone_number"),     column_of(events, "sip_call_id"),
            column_of(events, "sip_call_id_full"),     column_of(events, "call_duration_seconds"),
            column_of(events, "recording_url")};
}

// An instant column (timestamptz: PostgreSQL's microseconds); none for NULL.
std::optional<std::int64_t> instant_column(TupleTableSlot* slot, AttrNumber column) {
    std::optional<Datum> value = value_column(slot, column);
    if (!value) return std::nullopt;
    return DatumGetTimestampTz(*value);
}

// The event the slot holds, its text copied into the current memory context.
core::StoredEvent stored_event(TupleTableSlot* slot, const EventColumns& columns) {
    core::StoredEvent event;
    event.type = core::event_type_from_name(text_view(text_column(slot, columns.event_type)));
    event.event_id = text_view(text_column(slot, columns.event_id));
    event.created_at = instant_column(slot, columns.event_created_at);
    event.room_sid = text_view(text_column(slot, columns.room_sid));
    event.room_creation_time = instant_column(slot, columns.room_creation_time);
    std::optional<Datum> is_sip = value_column(slot, columns.is_sip);
    event.is_sip = is_sip && DatumGetBool(*is_sip);
    event.participant_identity = text_view(text_column(slot, columns.participant_identity));
    event.joined_at = instant_column(slot, columns.joined_at);
    event.disconnect_reason = text_view(text_column(slot, columns.disconnect_reason));
    event.sip_call_status = text_view(text_column(slot, columns.sip_call_status));
    event.sip_phone_number = text_view(text_column(slot, columns.sip_phone_number));
    event.sip_call_id = text_view(text_column(slot, columns.sip_call_id));
    event.sip_call_id_full = text_view(text_column(slot, columns.sip_call_id_full));
    std::optional<Datum> duration = value_column(slot, columns.call_duration_seconds);
    if (duration) event.call_duration_seconds = DatumGetInt32(*duration);
    event.recording_url = text_view(text_column(slot, columns.recording_url));
    return event;
}

}  // namespace

CallEvents read_events(std::int64_t call_id, Snapshot snapshot) {
    CallEvents call = {nullptr, 0, std::nullopt, {}, std::nullopt};
    std::size_t capacity = 8;
    call.events = static_cast<core::StoredEvent*>(palloc(sizeof(core::StoredEvent) * capacity));
    Relation events = table_open(callout_relation("livekit_call_event"), AccessShareLock);
    Relation by_call = open_callout_index("livekit_call_event_call");
    const EventColumns columns = event_columns(events);
    TupleTableSlot* slot = table_slot_create(events, nullptr);
    for_each_equal(events, by_call, F_INT8EQ, Int64GetDatum(call_id), snapshot, slot, [&] {
        if (call.count + 1 == capacity) {  // one slot stays free
            capacity *= 2;
            call.events = static_cast<core::StoredEvent*>(
                repalloc(call.events, sizeof(core::StoredEvent) * capacity));
        }
        call.events[call.count++] = stored_event(slot, columns);
    });
    ExecDropSingleTupleTableSlot(slot);
    index_close(by_call, NoLock);
    table_close(events, NoLock);
    return call;
}

void call_row_written(std::int64_t call_id, bool found, std::optional<Datum> previous_outcome,
                      std::optional<Datum> outcome) {
    if (!found)
        ereport(ERROR, (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
                        errmsg("the call was deleted while its events were being applied"),
                        errdetail("Call %lld.", static_cast<long long>(call_id)),
                        errhint("Retry: the event then finds no call.")));
    if (!outcome) return;
    bool changed =
        !previous_outcome || DatumGetObjectId(*previous_outcome) != DatumGetObjectId(*outcome);
    if (notify_outcomes && changed) {
        char payload[24];
        snprintf(payload, sizeof payload, "%lld", static_cast<long long>(call_id));
        Async_Notify("callout_outcome", payload);
    }
}

std::optional<Datum> recompute_call(std::int64_t call_id) {
    Snapshot snapshot = statement_snapshot();
    // the call's own columns, through its primary key
    Relation calls = table_open(callout_relation("call_log"), AccessShareLock);
    Relation by_id = open_callout_index("call_log_pkey");
    const AttrNumber outcome_column = column_of(calls, "outcome");
    const AttrNumber room_column = column_of(calls, "room_name");
    const AttrNumber registered_column = column_of(calls, "registered_phone_number");
    TupleTableSlot* slot = table_slot_create(calls, nullptr);
    bool found = false;
    std::optional<Datum> previous_outcome;
    text* room_name = nullptr;
    text* registered_phone_number = nullptr;
    for_each_equal(calls, by_id, F_INT8EQ, Int64GetDatum(call_id), snapshot, slot, [&] {
        found = true;
        previous_outcome = value_column(slot, outcome_column);
        room_name = text_column(slot, room_column);
        registered_phone_number = text_column(slot, registered_column);
    });
    ExecDropSingleTupleTableSlot(slot);
    index_close(by_id, NoLock);
    table_close(calls, NoLock);
    if (!found) {
        UnregisterSnapshot(snapshot);
        return std::nullopt;  // no such call
    }
    CallEvents call = read_events(call_id, snapshot);
    UnregisterSnapshot(snapshot);
    call.previous_outcome = previous_outcome;
    call.room_name = text_view(room_name);
    if (registered_phone_number != nullptr)
        call.registered_phone_number = text_view(registered_phone_number);

    Values<UpdateCallParameter> row;
    row.put_int8(UpdateCallParameter::call_id, call_id);
    put_call_row(row, call);
    Rows<OutcomeColumn> written = run(update_call, row);
    std::optional<Datum> outcome =
        written.count == 0 ? std::nullopt : written.optional(0, OutcomeColumn::outcome);
    call_row_written(call_id, written.count > 0, call.previous_outcome, outcome);
    return outcome;
}

}  // namespace callout::pg
