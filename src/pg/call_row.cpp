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
#include "pg/direct_write.hpp"
#include "pg/settings.hpp"
#include "pg/statement.hpp"

extern "C" {
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "commands/async.h"
#include "utils/xid8.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
}

namespace core = callout::core;

namespace callout::pg {
namespace {

// The webhook-owned columns of a call row (DESIGN.md §4), written by write_call_row.
#define CALL_ROW_COLUMNS(X)        \
    X(room_sid, TEXTOID)           \
    X(status, InvalidOid)          \
    X(started_at, TIMESTAMPTZOID)  \
    X(ended_at, TIMESTAMPTZOID)    \
    X(duration_seconds, INT4OID)   \
    X(disconnect_reason, TEXTOID)  \
    X(sip_call_status, TEXTOID)    \
    X(phone_number, TEXTOID)       \
    X(recording_url, TEXTOID)      \
    X(outcome, InvalidOid)         \
    X(answered_at, TIMESTAMPTZOID) \
    X(answered_on_join, BOOLOID)   \
    X(sip_call_id, TEXTOID)        \
    X(sip_call_id_full, TEXTOID)   \
    X(updated_at, TIMESTAMPTZOID)  \
    X(feed_xact, XID8OID)
CALLOUT_FIELDS(CallRowColumn, CALL_ROW_COLUMNS);
CALLOUT_PLAIN_DATA(Values<CallRowColumn>);

// Whether an outcome written (none: the call has not ended) is new or differs from the one
// before: the call then moves to the end of the outcome feed, and is notified.
bool outcome_changed(std::optional<Datum> previous, std::optional<Datum> outcome) {
    return outcome && (!previous || DatumGetObjectId(*previous) != DatumGetObjectId(*outcome));
}

// The call's place in the outcome feed for the outcome written over the row in the writer's
// old_slot: this transaction when the outcome is recorded or changed, else the place it held.
std::optional<Datum> feed_position(const TableWriter& writer, std::optional<Datum> outcome) {
    using C = CallRowColumn;
    if (outcome_changed(old_value(writer, int(C::outcome)), outcome))
        return FullTransactionIdGetDatum(GetTopFullTransactionId());
    return old_value(writer, int(C::feed_xact));
}

// The call row's values made from facts (its events') and the row as it is (in the writer's
// old_slot): the room sid once bound stays; an expired call stays expired until its end
// arrives; an outcome recorded or changed moves the call to this transaction in the feed
// (src/sql/75-feed.sql); updated_at is instant.
void put_call_row(Values<CallRowColumn>& row, const core::CallRowFacts& facts,
                  const CallEvents& call, const TableWriter& writer, TimestampTz instant) {
    using C = CallRowColumn;
    auto old = [&](C column) { return old_value(writer, static_cast<int>(column)); };
    auto put_enum = [&](C column, const char* label) {
        row.put(column, enum_value(writer, static_cast<int>(column), label));
    };
    // instants are PostgreSQL's microseconds already
    if (std::optional<Datum> bound = old(C::room_sid))
        row.put(C::room_sid, *bound);
    else
        row.put_text(C::room_sid, facts.room_sid);
    std::optional<Datum> status = old(C::status);
    if (facts.ended)
        put_enum(C::status, "ended");
    else if (status && DatumGetObjectId(*status) ==
                           DatumGetObjectId(enum_value(writer, int(C::status), "expired")))
        row.put(C::status, *status);
    else
        put_enum(C::status, facts.sip_seen ? "in_progress" : "registered");
    row.put_timestamptz(C::started_at, facts.started_at);
    row.put_timestamptz(C::ended_at, facts.ended_at);
    row.put_int4(C::duration_seconds, facts.duration_seconds);
    row.put_text(C::disconnect_reason, facts.disconnect_reason);
    row.put_text(C::sip_call_status, facts.sip_call_status);
    row.put_text(C::phone_number, core::call_phone_number(call.registered_phone_number,
                                                          facts.sip_phone_number, call.room_name));
    row.put_text(C::recording_url, facts.recording_url);
    std::optional<Datum> outcome;
    if (facts.outcome)
        outcome = enum_value(writer, int(C::outcome), core::outcome_name(*facts.outcome));
    if (outcome)
        row.put(C::outcome, *outcome);
    else
        row.put_null(C::outcome);
    row.put_timestamptz(C::answered_at, facts.answered_at);
    row.put_bool(C::answered_on_join, facts.answered_on_join);
    row.put_text(C::sip_call_id, facts.sip_call_id);
    row.put_text(C::sip_call_id_full, facts.sip_call_id_full);
    row.put(C::updated_at, TimestampTzGetDatum(instant));
    std::optional<Datum> feed_xact = feed_position(writer, outcome);
    if (feed_xact)
        row.put(C::feed_xact, *feed_xact);
    else
        row.put_null(C::feed_xact);
    row.check_complete();
}

// The call's place in the feed decided again from the outcome a BEFORE UPDATE row trigger left in
// the row (update_row's after_triggers), as the notification follows it.
void feed_as_written(TableWriter& writer) {
    using C = CallRowColumn;
    rewrite_value(writer, int(C::feed_xact),
                  feed_position(writer, written_value(writer, int(C::outcome))));
}

// The outcome notices held (hold_outcome_notices).
OutcomeNotices notices = {};

}  // namespace

OutcomeNotices hold_outcome_notices() {
    const OutcomeNotices before = notices;
    notices = {true, false, 0};
    return before;
}

std::optional<std::int64_t> release_outcome_notices(const OutcomeNotices& before) {
    const std::optional<std::int64_t> held =
        notices.has_held ? std::optional<std::int64_t>(notices.held) : std::nullopt;
    notices = before;
    return held;
}

OutcomeNotices outcome_notices() {
    return notices;
}

void restore_outcome_notices(const OutcomeNotices& state) {
    notices = state;
}

void notify_outcome(std::int64_t call_id) {
    if (notices.holding) {
        notices.has_held = true;
        notices.held = call_id;
        return;
    }
    if (!notify_outcomes) return;
    char payload[24];
    snprintf(payload, sizeof payload, "%lld", static_cast<long long>(call_id));
    Async_Notify("callout_outcome", payload);
}

namespace {

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
    CallEvents call = {nullptr, 0, {}, std::nullopt};
    std::size_t capacity = 8;
    call.events = static_cast<core::StoredEvent*>(palloc(sizeof(core::StoredEvent) * capacity));
    const TableRead events = open_table_read("livekit_call_event");
    const EventColumns columns = event_columns(events.heap);
    for_each_row_by(events, "livekit_call_event_call", F_INT8EQ, Int64GetDatum(call_id), snapshot,
                    [&] {
                        // one slot stays free
                        call.events = with_room_for_one_more(call.events, call.count + 1, capacity);
                        call.events[call.count++] = stored_event(events.slot, columns);
                    });
    close_table_read(events);
    return call;
}

core::StoredEvent stored_event_of(Relation events, TupleTableSlot* slot) {
    return stored_event(slot, event_columns(events));
}

std::optional<Datum> write_call_row(std::int64_t call_id, const CallEvents& call, Snapshot snapshot,
                                    LockWaitPolicy row_wait, TimestampTz instant) {
    using C = CallRowColumn;
    core::CallRowFacts facts = core::call_row_from_events(
        call.events, call.count, min_connected_seconds, min_completed_seconds);
    TableWriter writer =
        open_table_writer("call_log", fields_of(C{}), field_count(C{}), snapshot, true, nullptr);
    writer.row_wait = row_wait;
    RowUpdate update = RowUpdate::gone;
    std::optional<Datum> previous;
    if (read_row_to_update(writer, "call_log_pkey", F_INT8EQ, Int64GetDatum(call_id))) {
        do {
            previous = old_value(writer, int(C::outcome));
            Values<C> row;
            put_call_row(row, facts, call, writer, instant);
            // a row that holds these values already is not written again (skipped, as by a
            // BEFORE UPDATE row trigger): no new version, and updated_at stays when it last changed
            const bool holds = old_row_holds(writer, row.datums, row.nulls, int(C::updated_at));
            // a writer that must not wait locks the row first: to keep it for the event when it
            // stays as it is (share, which a tenant's FOR SHARE allows; a key share would be
            // granted beside an update in flight, on the version before it, and leave the one a
            // delete may then remove unheld), else to write it
            const RowLock lock =
                row_wait == LockWaitBlock
                    ? RowLock::same
                    : lock_row(writer, holds ? LockTupleShare : LockTupleNoKeyExclusive);
            if (lock == RowLock::same)
                update = holds ? RowUpdate::skipped
                               : update_row(writer, row.datums, row.nulls, feed_as_written);
            else
                update = lock == RowLock::newer ? RowUpdate::newer : RowUpdate::gone;
        } while (update == RowUpdate::newer);
    }
    // the outcome as written; else as the row holds it (not written)
    std::optional<Datum> outcome = previous;
    if (update == RowUpdate::updated) outcome = written_value(writer, int(C::outcome));
    close_table_writer(writer);
    if (update == RowUpdate::gone)
        ereport(ERROR, (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
                        errmsg("the call was deleted while its events were being applied"),
                        errdetail("Call %lld.", static_cast<long long>(call_id)),
                        errhint("Retry: the event then finds no call.")));
    if (update == RowUpdate::updated && outcome_changed(previous, outcome)) notify_outcome(call_id);
    return outcome;
}

std::optional<Datum> recompute_call(std::int64_t call_id, TimestampTz instant) {
    Snapshot snapshot = statement_snapshot();
    // the call's own columns, through its primary key
    const TableRead calls = open_table_read("call_log");
    const AttrNumber room_column = column_of(calls.heap, "room_name");
    const AttrNumber registered_column = column_of(calls.heap, "registered_phone_number");
    bool found = false;
    text* room_name = nullptr;
    text* registered_phone_number = nullptr;
    for_each_row_by(calls, "call_log_pkey", F_INT8EQ, Int64GetDatum(call_id), snapshot, [&] {
        found = true;
        room_name = text_column(calls.slot, room_column);
        registered_phone_number = text_column(calls.slot, registered_column);
    });
    close_table_read(calls);
    if (!found) {
        UnregisterSnapshot(snapshot);
        return std::nullopt;  // no such call
    }
    CallEvents call = read_events(call_id, snapshot);
    call.room_name = text_view(room_name);
    if (registered_phone_number != nullptr)
        call.registered_phone_number = text_view(registered_phone_number);
    std::optional<Datum> outcome = write_call_row(call_id, call, snapshot, LockWaitBlock, instant);
    UnregisterSnapshot(snapshot);
    return outcome;
}

}  // namespace callout::pg
