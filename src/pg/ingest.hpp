// The pieces of ingestion shared by its SQL helpers and the delivery path (DESIGN.md §3): the
// token's issuer, the body parsed once, the stored payload, an event's facts as columns, and
// the room lock. All of it is plain data over PostgreSQL memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/call_row.hpp"
#include "core/livekit_event.hpp"
#include "pg/boundary.hpp"
#include "pg/spi_statement.hpp"
#include "pg/unix_time.hpp"

extern "C" {
#include "postgres.h"
#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
}

namespace callout::pg {

// The columns of a composite result, filled left to right; absent values become SQL NULL.
template <int ColumnCount>
struct RowBuilder {
    Datum values[ColumnCount];
    bool nulls[ColumnCount];
    int filled = 0;

    void add(Datum value, bool is_null) {
        if (filled >= ColumnCount)
            ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("too many result columns")));
        values[filled] = is_null ? Datum(0) : value;
        nulls[filled++] = is_null;
    }
    void add_text(std::string_view value) {
        add(value.empty()
                ? Datum(0)
                : PointerGetDatum(cstring_to_text_with_len(value.data(), int(value.size()))),
            value.empty());
    }
    void add_time(std::optional<std::int64_t> unix_seconds) {
        std::optional<TimestampTz> at;
        if (unix_seconds) at = timestamptz_from_unix(*unix_seconds);
        add(at ? TimestampTzGetDatum(*at) : Datum(0), !at);
    }
    void add_int4(std::optional<std::int64_t> number) {
        bool fits = number && *number >= PG_INT32_MIN && *number <= PG_INT32_MAX;
        add(fits ? Int32GetDatum(int32(*number)) : Datum(0), !fits);
    }
    // The nulls as SPI_execute_plan takes them ('n' for NULL).
    void spi_nulls(char (&out)[ColumnCount]) const {
        for (int i = 0; i < ColumnCount; ++i) out[i] = nulls[i] ? 'n' : ' ';
    }
    // The tuple, once every column of descriptor is filled.
    Datum tuple(TupleDesc descriptor) {
        if (descriptor->natts != ColumnCount || filled != ColumnCount)
            ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                            errmsg("result type has %d columns, the function fills %d",
                                   descriptor->natts, filled)));
        return HeapTupleGetDatum(heap_form_tuple(descriptor, values, nulls));
    }
};

CALLOUT_PLAIN_DATA(RowBuilder<1>);

// Runs a statement with a filled row as its parameters (spi_statement.hpp's run).
template <int ColumnCount>
std::uint64_t run(Statement& statement, RowBuilder<ColumnCount>& parameters) {
    char nulls[ColumnCount];
    parameters.spi_nulls(nulls);
    return run(statement, parameters.values, nulls);
}

// The columns of an event's facts: event_type ... egress_status, in the order of callout 0.2.0's
// callout.event_facts after `reading`.
inline constexpr int event_fact_columns = 18;

// Adds the event's facts to row, in the order of callout.event_facts after `reading`: the one
// list of what ingestion reads from an event, for _event_facts and for the stored row.
template <int ColumnCount>
void add_event_facts(RowBuilder<ColumnCount>& row, const core::LivekitEvent& event) {
    row.add_text(event.event_name);
    row.add_text(event.event_id);
    row.add_time(event.created_at);
    row.add_text(event.room_name);
    row.add_text(event.room_sid);
    row.add_time(event.room_creation_time);
    row.add_text(event.participant_identity);
    row.add_text(event.participant_kind);
    row.add(BoolGetDatum(core::is_sip_participant(event)), false);
    row.add_time(event.joined_at);
    row.add_text(event.disconnect_reason);
    row.add_text(event.sip_call_status);
    row.add_text(event.sip_phone_number);
    row.add_text(event.sip_trunk_phone_number);
    row.add_text(event.sip_rule_id);
    row.add_int4(core::event_call_duration(event));
    row.add_text(event.recording_location);
    row.add_text(event.egress_status);
}

// The composite result type this call must return, blessed for heap_form_tuple (looked up once
// per calling query).
TupleDesc result_descriptor(FunctionCallInfo fcinfo);

// The body as jsonb, or nullptr when it is not JSON (`\u0000` becomes U+FFFD: jsonb cannot hold
// U+0000). PostgreSQL's own parser checks it first, so a bad body is an answer, not an error.
Jsonb* parse_json_body(text* body);

// The payload without the values of credential keys (core::is_secret_field) at any depth.
Jsonb* redact_payload(Jsonb* payload);

// Takes the transaction-scoped lock that registration and delivery share on a room name; an
// ERROR (0A000) outside READ COMMITTED (DESIGN.md §6).
void lock_room(text* room_name);

// The instant tokens are verified at: callout.verify_at when it pins the clock, else the
// transaction's start.
TimestampTz verification_instant();

// The columns of a stored event the call row is made from, in the order read_call_events reads
// them after the call id: statements that return events return (call id, these, previous
// outcome).
#define CALLOUT_CALL_ROW_COLUMNS                                                              \
    "event_type, event_id, event_created_at, room_sid, room_creation_time, is_sip,"           \
    " participant_identity, joined_at, disconnect_reason, sip_call_status, sip_phone_number," \
    " call_duration_seconds, recording_url"

// The call's events and its outcome before they are applied, read from the last result's rows
// (call id, CALLOUT_CALL_ROW_COLUMNS, previous outcome: set on at least one row when the call
// has one); a row without an event id is skipped.
struct CallEvents {
    const core::StoredEvent* events;
    std::size_t count;
    std::optional<Datum> previous_outcome;  // a callout.call_outcome
};
CALLOUT_PLAIN_DATA(CallEvents);
CallEvents read_call_events(std::uint64_t rows);

// Writes a call's webhook-owned columns, made from the set of its events (SPI is connected),
// and notifies a new or changed outcome; the outcome, none while the call has not ended.
std::optional<Datum> write_call_row(std::int64_t call_id, const CallEvents& events);

// Reads a call's events and writes its row (write_call_row); none for no such call.
std::optional<Datum> recompute_call(std::int64_t call_id);

}  // namespace callout::pg
