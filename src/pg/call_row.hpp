// The call row made from the set of its events (DESIGN.md §4): the events are read through the
// events' call index directly (direct_read.hpp), the row is made in the core
// (core/call_row.hpp) and written by one UPDATE (update_call here, or a delivery's statement
// that stores its event and updates the call at once); a new or changed outcome is notified.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/call_row.hpp"
#include "core/classify.hpp"
#include "pg/boundary.hpp"
#include "pg/settings.hpp"
#include "pg/statement.hpp"

extern "C" {
#include "postgres.h"
#include "catalog/pg_type_d.h"
#include "utils/snapshot.h"
}

namespace callout::pg {

// A call and its events as read, before the events are applied.
struct CallEvents {
    core::StoredEvent* events;  // room for one more (a delivery's new event)
    std::size_t count;
    std::optional<Datum> previous_outcome;  // a callout.call_outcome; none while it has none
    std::string_view room_name;
    std::optional<std::string_view> registered_phone_number;
};
CALLOUT_PLAIN_DATA(CallEvents);
CALLOUT_PLAIN_DATA(core::StoredEvent);
CALLOUT_PLAIN_DATA(core::CallRowFacts);

// The events of call call_id as snapshot sees them (the call's own columns left for the caller),
// with room for one more.
CallEvents read_events(std::int64_t call_id, Snapshot snapshot);

// X(name, type) for each webhook-owned value of a call row's UPDATE (row_: apart from the
// event facts a statement may also take).
#define CALLOUT_CALL_ROW_FIELDS(X)    \
    X(row_room_sid, TEXTOID)          \
    X(row_ended, BOOLOID)             \
    X(row_sip_seen, BOOLOID)          \
    X(row_started_at, TIMESTAMPTZOID) \
    X(row_ended_at, TIMESTAMPTZOID)   \
    X(row_duration_seconds, INT4OID)  \
    X(row_disconnect_reason, TEXTOID) \
    X(row_sip_call_status, TEXTOID)   \
    X(row_phone_number, TEXTOID)      \
    X(row_recording_url, TEXTOID)     \
    X(row_outcome, TEXTOID)           \
    X(row_sip_call_id, TEXTOID)       \
    X(row_sip_call_id_full, TEXTOID)  \
    X(row_answered_on_join, BOOLOID)  \
    X(row_answered_at, TIMESTAMPTZOID)

// The SET list of a call row's UPDATE (table alias c) from those fields; an expired call stays
// expired until its end arrives. An outcome recorded or changed (c.outcome: the row before; as
// call_row_written decides for the notification) moves the call to the end of the outcome feed,
// to this transaction's id (src/sql/75-feed.sql).
#define CALLOUT_CALL_ROW_SET_SQL                                                           \
    " room_sid = coalesce(c.room_sid, $row_room_sid),"                                     \
    " status = CASE WHEN $row_ended THEN 'ended' WHEN c.status = 'expired' THEN 'expired'" \
    "               WHEN $row_sip_seen THEN 'in_progress' ELSE 'registered' "              \
    "END::callout.call_status,"                                                            \
    " started_at = $row_started_at, ended_at = $row_ended_at, duration_seconds = "         \
    "$row_duration_seconds,"                                                               \
    " disconnect_reason = $row_disconnect_reason, sip_call_status = $row_sip_call_status," \
    " phone_number = $row_phone_number, recording_url = $row_recording_url,"               \
    " outcome = $row_outcome::callout.call_outcome, answered_at = $row_answered_at,"       \
    " answered_on_join = $row_answered_on_join, sip_call_id = $row_sip_call_id,"           \
    " sip_call_id_full = $row_sip_call_id_full,"                                           \
    " updated_at = pg_catalog.now(),"                                                      \
    " feed_xact = CASE WHEN $row_outcome::callout.call_outcome IS NOT NULL"                \
    " AND c.outcome IS DISTINCT FROM $row_outcome::callout.call_outcome"                   \
    " THEN pg_catalog.pg_current_xact_id() ELSE c.feed_xact END"

// Puts the row the core makes from a call's events in the fields of a list that includes
// CALLOUT_CALL_ROW_FIELDS.
template <typename Field>
void put_call_row(Values<Field>& row, const CallEvents& call) {
    core::CallRowFacts facts = core::call_row_from_events(
        call.events, call.count, min_connected_seconds, min_completed_seconds);
    // instants are PostgreSQL's microseconds already
    row.put_text(Field::row_room_sid, facts.room_sid);
    row.put_bool(Field::row_ended, facts.ended);
    row.put_bool(Field::row_sip_seen, facts.sip_seen);
    row.put_timestamptz(Field::row_started_at, facts.started_at);
    row.put_timestamptz(Field::row_ended_at, facts.ended_at);
    row.put_int4(Field::row_duration_seconds, facts.duration_seconds);
    row.put_text(Field::row_disconnect_reason, facts.disconnect_reason);
    row.put_text(Field::row_sip_call_status, facts.sip_call_status);
    row.put_text(Field::row_phone_number,
                 core::call_phone_number(call.registered_phone_number, facts.sip_phone_number,
                                         call.room_name));
    row.put_text(Field::row_recording_url, facts.recording_url);
    row.put_text(Field::row_outcome, facts.outcome ? core::outcome_name(*facts.outcome) : "");
    row.put_timestamptz(Field::row_answered_at, facts.answered_at);
    row.put_bool(Field::row_answered_on_join, facts.answered_on_join);
    row.put_text(Field::row_sip_call_id, facts.sip_call_id);
    row.put_text(Field::row_sip_call_id_full, facts.sip_call_id_full);
}

// After a call row's UPDATE wrote outcome (none: the call has not ended): NOTIFY
// callout_outcome with the call id when it is new or changed (callout.notify). An ERROR (40001)
// when the UPDATE found no row: the call was deleted since it was read (only a call that holds
// no committed event can be), and the event being stored for it must not be kept.
void call_row_written(std::int64_t call_id, bool found, std::optional<Datum> previous_outcome,
                      std::optional<Datum> outcome);

// Reads a call's events and writes its row (SPI is connected); its outcome, none while it has
// not ended or for no such call.
std::optional<Datum> recompute_call(std::int64_t call_id);

}  // namespace callout::pg
