// The call row recomputed from the set of its events (DESIGN.md §4): the events are read in one
// statement, the row is made in the core (call_row.hpp), and written in one UPDATE; a new or
// changed outcome is notified. Used by each delivery, registration and reclassify_calls.
#include <cstdint>
#include <cstdio>
#include <optional>

#include "core/call_row.hpp"
#include "core/classify.hpp"
#include "core/events.hpp"
#include "core/livekit_event.hpp"
#include "pg/boundary.hpp"
#include "pg/ingest.hpp"
#include "pg/settings.hpp"
#include "pg/spi_statement.hpp"

extern "C" {
#include "catalog/pg_type_d.h"
#include "commands/async.h"
#include "utils/builtins.h"
}

namespace core = callout::core;

namespace callout::pg {
namespace {

// The call's outcome and its events (none: one row of NULLs after the call's).
Statement call_events = {
    "SELECT c.outcome, e.event_type, e.event_id, e.event_created_at, e.room_sid,"
    " e.room_creation_time, e.is_sip, e.participant_identity, e.joined_at, e.disconnect_reason,"
    " e.sip_call_status, e.sip_phone_number, e.call_duration_seconds, e.recording_url "
    "FROM callout.call_log AS c LEFT JOIN callout.livekit_call_event AS e ON e.call_log_id = c.id "
    "WHERE c.id = $1",
    1,
    {INT8OID},
    nullptr};

// The webhook-owned columns; an expired call stays expired until its end arrives, and the
// number registered wins over the leg's, which wins over the room name's.
Statement update_call = {
    "UPDATE callout.call_log AS c SET"
    " room_sid = coalesce(c.room_sid, $2),"
    " status = CASE WHEN $3 THEN 'ended' WHEN c.status = 'expired' THEN 'expired'"
    "               WHEN $4 THEN 'in_progress' ELSE 'registered' END::callout.call_status,"
    " started_at = $5, ended_at = $6, duration_seconds = $7, disconnect_reason = $8,"
    " sip_call_status = $9,"
    " phone_number = coalesce(c.registered_phone_number, $10,"
    "                         callout.extract_phone_number(c.room_name)),"
    " recording_url = $11, outcome = $12::callout.call_outcome, answered_at = $13,"
    " updated_at = pg_catalog.now() "
    "WHERE c.id = $1 RETURNING c.outcome",
    13,
    {INT8OID, TEXTOID, BOOLOID, BOOLOID, TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID, TEXTOID, TEXTOID,
     TEXTOID, TEXTOID, TEXTOID, TIMESTAMPTZOID},
    nullptr};

CALLOUT_PLAIN_DATA(core::StoredEvent);
CALLOUT_PLAIN_DATA(core::CallRowFacts);

// An optional int64 column of the last result (instants in microseconds, durations in seconds).
std::optional<std::int64_t> result_int(std::uint64_t row, int column, bool int4) {
    bool is_null;
    Datum value = result_value(row, column, is_null);
    if (is_null) return std::nullopt;
    return int4 ? std::int64_t(DatumGetInt32(value)) : std::int64_t(DatumGetInt64(value));
}

}  // namespace

CallEvents read_call_events(std::uint64_t rows) {
    CallEvents read = {nullptr, 0, std::nullopt};
    if (rows == 0) return read;
    bool is_null;
    // rows that are not the call's own row carry NULL here, in whatever order they come
    for (std::uint64_t row = 0; row < rows && !read.previous_outcome; ++row) {
        Datum previous = result_value(row, 15, is_null);
        if (!is_null) read.previous_outcome = previous;
    }
    auto* events = static_cast<core::StoredEvent*>(palloc0(sizeof(core::StoredEvent) * rows));
    for (std::uint64_t row = 0; row < rows; ++row) {
        core::StoredEvent& event = events[read.count];
        event.event_id = result_text(row, 3);
        if (event.event_id.empty()) continue;  // the call has no events
        event.type = core::event_type_from_name(result_text(row, 2));
        event.created_at = result_int(row, 4, false);
        event.room_sid = result_text(row, 5);
        event.room_creation_time = result_int(row, 6, false);
        event.is_sip = DatumGetBool(result_value(row, 7, is_null)) && !is_null;
        event.participant_identity = result_text(row, 8);
        event.joined_at = result_int(row, 9, false);
        event.disconnect_reason = result_text(row, 10);
        event.sip_call_status = result_text(row, 11);
        event.sip_phone_number = result_text(row, 12);
        event.call_duration_seconds = result_int(row, 13, true);
        event.recording_url = result_text(row, 14);
        ++read.count;
    }
    read.events = events;
    return read;
}

std::optional<Datum> write_call_row(std::int64_t call_id, const CallEvents& events) {
    core::CallRowFacts facts = core::call_row_from_events(
        events.events, events.count, min_connected_seconds, min_completed_seconds);
    // instants are PostgreSQL's microseconds already: a timestamptz's Datum
    auto instant = [](std::optional<std::int64_t> at) { return Int64GetDatum(at.value_or(0)); };
    RowBuilder<13> row;
    row.add(Int64GetDatum(call_id), false);
    row.add_text(facts.room_sid);
    row.add(BoolGetDatum(facts.ended), false);
    row.add(BoolGetDatum(facts.sip_seen), false);
    row.add(instant(facts.started_at), !facts.started_at);
    row.add(instant(facts.ended_at), !facts.ended_at);
    row.add_int4(facts.duration_seconds);
    row.add_text(facts.disconnect_reason);
    row.add_text(facts.sip_call_status);
    row.add_text(facts.sip_phone_number);
    row.add_text(facts.recording_url);
    row.add_text(facts.outcome ? core::outcome_name(*facts.outcome) : "");
    row.add(instant(facts.answered_at), !facts.answered_at);
    if (run(update_call, row) == 0) return std::nullopt;
    bool is_null;
    Datum outcome = result_value(0, 1, is_null);
    if (is_null) return std::nullopt;
    bool changed = !events.previous_outcome ||
                   DatumGetObjectId(*events.previous_outcome) != DatumGetObjectId(outcome);
    if (notify_outcomes && changed) {
        char payload[24];
        snprintf(payload, sizeof payload, "%lld", static_cast<long long>(call_id));
        Async_Notify("callout_outcome", payload);
    }
    return outcome;
}

std::optional<Datum> recompute_call(std::int64_t call_id) {
    Datum id = Int64GetDatum(call_id);
    std::uint64_t rows = run(call_events, &id, nullptr);
    if (rows == 0) return std::nullopt;  // no such call
    return write_call_row(call_id, read_call_events(rows));
}

}  // namespace callout::pg

// _recompute_call(call_id bigint) RETURNS callout.call_outcome: the call's webhook-owned columns
// recomputed from the set of its events; its outcome (NULL while it has not ended, or for no
// such call). A new or changed outcome sends NOTIFY callout_outcome (callout.notify).
CALLOUT_SQL_FUNCTION(callout_recompute_call) {
    if (SPI_connect() != SPI_OK_CONNECT)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("SPI_connect failed")));
    std::optional<Datum> outcome = callout::pg::recompute_call(PG_GETARG_INT64(0));
    SPI_finish();
    if (!outcome) PG_RETURN_NULL();
    PG_RETURN_DATUM(*outcome);
}
