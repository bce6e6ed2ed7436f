// The call row made from the set of its events (DESIGN.md §4): the events are read by one
// statement (store_event in delivery.cpp, or call_events here), the row is made in the core
// (core/call_row.hpp) and written by one UPDATE; a new or changed outcome is notified.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/call_row.hpp"
#include "pg/boundary.hpp"
#include "pg/statement.hpp"

extern "C" {
#include "postgres.h"
#include "catalog/pg_type_d.h"
}

namespace callout::pg {

// The columns of every statement that returns a call's events: the call's own columns (set on
// the rows that carry them, NULL elsewhere; store_event carries none: its delivery has them from
// matching), then one event per row (NULL when the call has none).
#define CALLOUT_CALL_EVENT_COLUMNS(X)     \
    X(call_log_id, INT8OID)               \
    X(previous_outcome, InvalidOid)       \
    X(call_room_name, TEXTOID)            \
    X(registered_phone_number, TEXTOID)   \
    X(event_type, TEXTOID)                \
    X(event_id, TEXTOID)                  \
    X(event_created_at, TIMESTAMPTZOID)   \
    X(room_sid, TEXTOID)                  \
    X(room_creation_time, TIMESTAMPTZOID) \
    X(is_sip, BOOLOID)                    \
    X(participant_identity, TEXTOID)      \
    X(joined_at, TIMESTAMPTZOID)          \
    X(disconnect_reason, TEXTOID)         \
    X(sip_call_status, TEXTOID)           \
    X(sip_phone_number, TEXTOID)          \
    X(call_duration_seconds, INT4OID)     \
    X(recording_url, TEXTOID)
CALLOUT_FIELDS(CallEventColumn, CALLOUT_CALL_EVENT_COLUMNS);

// A call and its events as read, before the events are applied.
struct CallEvents {
    const core::StoredEvent* events;
    std::size_t count;
    std::optional<Datum> previous_outcome;  // a callout.call_outcome; none while it has none
    std::string_view room_name;
    std::optional<std::string_view> registered_phone_number;
};
CALLOUT_PLAIN_DATA(CallEvents);

// The call and its events from rows of CallEventColumn (the call's own columns from the first
// row that carries them, if any); a row without an event id is skipped.
CallEvents read_call_events(const Rows<CallEventColumn>& rows);

// Writes a call's webhook-owned columns, made from the set of its events (SPI is connected),
// and notifies a new or changed outcome; the outcome, none while the call has not ended. An
// ERROR (40001) when the call no longer exists.
std::optional<Datum> write_call_row(std::int64_t call_id, const CallEvents& events);

// Reads a call's events and writes its row (write_call_row); none for no such call.
std::optional<Datum> recompute_call(std::int64_t call_id);

}  // namespace callout::pg
