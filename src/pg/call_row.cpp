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
#include "pg/settings.hpp"
#include "pg/statement.hpp"

extern "C" {
#include "commands/async.h"
}

namespace core = callout::core;

namespace callout::pg {
namespace {

#define CALL_ID_PARAMETER(X) X(call_id, INT8OID)
CALLOUT_FIELDS(CallIdParameter, CALL_ID_PARAMETER);

// The call's own columns and its events (none: one row of NULLs after the call's).
Statement<CallIdParameter, CallEventColumn> call_events = {
    "SELECT c.id AS call_log_id, c.outcome AS previous_outcome, c.room_name AS call_room_name,"
    " c.registered_phone_number, e.event_type, e.event_id, e.event_created_at, e.room_sid,"
    " e.room_creation_time, e.is_sip, e.participant_identity, e.joined_at, e.disconnect_reason,"
    " e.sip_call_status, e.sip_phone_number, e.call_duration_seconds, e.recording_url "
    "FROM callout.call_log AS c LEFT JOIN callout.livekit_call_event AS e ON e.call_log_id = c.id "
    "WHERE c.id = $call_id",
    nullptr};

#define UPDATE_CALL_PARAMETERS(X) \
    X(call_id, INT8OID)           \
    X(room_sid, TEXTOID)          \
    X(ended, BOOLOID)             \
    X(sip_seen, BOOLOID)          \
    X(started_at, TIMESTAMPTZOID) \
    X(ended_at, TIMESTAMPTZOID)   \
    X(duration_seconds, INT4OID)  \
    X(disconnect_reason, TEXTOID) \
    X(sip_call_status, TEXTOID)   \
    X(phone_number, TEXTOID)      \
    X(recording_url, TEXTOID)     \
    X(outcome, TEXTOID)           \
    X(answered_at, TIMESTAMPTZOID)
CALLOUT_FIELDS(UpdateCallParameter, UPDATE_CALL_PARAMETERS);
#define OUTCOME_COLUMN(X) X(outcome, InvalidOid)
CALLOUT_FIELDS(OutcomeColumn, OUTCOME_COLUMN);

// The webhook-owned columns; an expired call stays expired until its end arrives.
Statement<UpdateCallParameter, OutcomeColumn> update_call = {
    "UPDATE callout.call_log AS c SET"
    " room_sid = coalesce(c.room_sid, $room_sid),"
    " status = CASE WHEN $ended THEN 'ended' WHEN c.status = 'expired' THEN 'expired'"
    "               WHEN $sip_seen THEN 'in_progress' ELSE 'registered' END::callout.call_status,"
    " started_at = $started_at, ended_at = $ended_at, duration_seconds = $duration_seconds,"
    " disconnect_reason = $disconnect_reason, sip_call_status = $sip_call_status,"
    " phone_number = $phone_number, recording_url = $recording_url,"
    " outcome = $outcome::callout.call_outcome, answered_at = $answered_at,"
    " updated_at = pg_catalog.now() "
    "WHERE c.id = $call_id RETURNING c.outcome",
    nullptr};

CALLOUT_PLAIN_DATA(core::StoredEvent);
CALLOUT_PLAIN_DATA(core::CallRowFacts);
CALLOUT_PLAIN_DATA(Values<UpdateCallParameter>);

}  // namespace

CallEvents read_call_events(const Rows<CallEventColumn>& rows) {
    using C = CallEventColumn;
    CallEvents read = {nullptr, 0, std::nullopt, {}, std::nullopt};
    if (rows.count == 0) return read;
    // the call's own columns are on the rows whose call_room_name is set (a call has a name)
    for (std::uint64_t row = 0; row < rows.count; ++row) {
        if (rows.is_null(row, C::call_room_name)) continue;
        read.previous_outcome = rows.optional(row, C::previous_outcome);
        read.room_name = rows.text(row, C::call_room_name);
        read.registered_phone_number = rows.optional_text(row, C::registered_phone_number);
        break;
    }
    auto* events = static_cast<core::StoredEvent*>(palloc0(sizeof(core::StoredEvent) * rows.count));
    for (std::uint64_t row = 0; row < rows.count; ++row) {
        core::StoredEvent& event = events[read.count];
        event.event_id = rows.text(row, C::event_id);
        if (event.event_id.empty()) continue;  // the call has no events
        event.type = core::event_type_from_name(rows.text(row, C::event_type));
        event.created_at = rows.int8(row, C::event_created_at);
        event.room_sid = rows.text(row, C::room_sid);
        event.room_creation_time = rows.int8(row, C::room_creation_time);
        event.is_sip = rows.boolean(row, C::is_sip);
        event.participant_identity = rows.text(row, C::participant_identity);
        event.joined_at = rows.int8(row, C::joined_at);
        event.disconnect_reason = rows.text(row, C::disconnect_reason);
        event.sip_call_status = rows.text(row, C::sip_call_status);
        event.sip_phone_number = rows.text(row, C::sip_phone_number);
        event.call_duration_seconds = rows.int4(row, C::call_duration_seconds);
        event.recording_url = rows.text(row, C::recording_url);
        ++read.count;
    }
    read.events = events;
    return read;
}

std::optional<Datum> write_call_row(std::int64_t call_id, const CallEvents& events) {
    using P = UpdateCallParameter;
    core::CallRowFacts facts = core::call_row_from_events(
        events.events, events.count, min_connected_seconds, min_completed_seconds);
    // instants are PostgreSQL's microseconds already
    Values<P> row;
    row.put_int8(P::call_id, call_id);
    row.put_text(P::room_sid, facts.room_sid);
    row.put_bool(P::ended, facts.ended);
    row.put_bool(P::sip_seen, facts.sip_seen);
    row.put_timestamptz(P::started_at, facts.started_at);
    row.put_timestamptz(P::ended_at, facts.ended_at);
    row.put_int4(P::duration_seconds, facts.duration_seconds);
    row.put_text(P::disconnect_reason, facts.disconnect_reason);
    row.put_text(P::sip_call_status, facts.sip_call_status);
    row.put_text(P::phone_number,
                 core::call_phone_number(events.registered_phone_number, facts.sip_phone_number,
                                         events.room_name));
    row.put_text(P::recording_url, facts.recording_url);
    row.put_text(P::outcome, facts.outcome ? core::outcome_name(*facts.outcome) : "");
    row.put_timestamptz(P::answered_at, facts.answered_at);
    Rows<OutcomeColumn> written = run(update_call, row);
    // the call was deleted since it was read (only a call that holds no committed event can be):
    // the event being stored for it must not be kept
    if (written.count == 0)
        ereport(ERROR, (errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
                        errmsg("the call was deleted while its events were being applied"),
                        errdetail("Call %lld.", static_cast<long long>(call_id)),
                        errhint("Retry: the event then finds no call.")));
    std::optional<Datum> outcome = written.optional(0, OutcomeColumn::outcome);
    if (!outcome) return std::nullopt;
    bool changed = !events.previous_outcome ||
                   DatumGetObjectId(*events.previous_outcome) != DatumGetObjectId(*outcome);
    if (notify_outcomes && changed) {
        char payload[24];
        snprintf(payload, sizeof payload, "%lld", static_cast<long long>(call_id));
        Async_Notify("callout_outcome", payload);
    }
    return outcome;
}

std::optional<Datum> recompute_call(std::int64_t call_id) {
    Values<CallIdParameter> parameters;
    parameters.put_int8(CallIdParameter::call_id, call_id);
    Rows<CallEventColumn> rows = run(call_events, parameters);
    if (rows.count == 0) return std::nullopt;  // no such call
    return write_call_row(call_id, read_call_events(rows));
}

}  // namespace callout::pg
