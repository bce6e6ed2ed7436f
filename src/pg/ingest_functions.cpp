// The C++ pieces of ingestion (DESIGN.md §3): reading the token's issuer to choose a key, telling
// the two signature schemes apart, parsing the raw body once, reading an event's facts as a row,
// the settings ingestion runs with, and the role a session really acts as.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json_text.hpp"
#include "core/livekit_event.hpp"
#include "core/livekit_token.hpp"
#include "core/plain_hmac.hpp"
#include "pg/args.hpp"
#include "pg/boundary.hpp"
#include "pg/livekit_event_json.hpp"
#include "pg/settings.hpp"
#include "pg/unix_time.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "common/jsonapi.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
}

namespace core = callout::core;
using callout::pg::EventReading;

namespace {

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
        if (unix_seconds) at = callout::pg::timestamptz_from_unix(*unix_seconds);
        add(at ? TimestampTzGetDatum(*at) : Datum(0), !at);
    }
    void add_int4(std::optional<std::int64_t> number) {
        bool fits = number && *number >= PG_INT32_MIN && *number <= PG_INT32_MAX;
        add(fits ? Int32GetDatum(int32(*number)) : Datum(0), !fits);
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

// The composite result type this call must return, blessed for heap_form_tuple.
TupleDesc result_descriptor(FunctionCallInfo fcinfo) {
    TupleDesc descriptor;
    if (get_call_result_type(fcinfo, nullptr, &descriptor) != TYPEFUNC_COMPOSITE)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("function returning a record called in a context that cannot "
                               "accept one")));
    return BlessTupleDesc(descriptor);
}

const char* reading_name(EventReading reading) {
    switch (reading) {
        case EventReading::processable:
            return "processable";
        case EventReading::ignored:
            return "ignored";
        case EventReading::missing_event_id:
            return "missing_event_id";
        case EventReading::missing_room_name:
            return "missing_room_name";
    }
    return "ignored";
}

}  // namespace

// _token_issuer(authorization text) RETURNS text: the unverified `iss` of a token, to choose the
// key it must verify with; NULL when there is none. The issuer is copied into PostgreSQL memory
// under pg_guard, as the decoded claims are C++ objects.
CALLOUT_SQL_FUNCTION(callout_token_issuer) {
    text* issuer_text = nullptr;
    {
        std::optional<std::string> issuer = core::token_issuer(*callout::pg::text_arg(fcinfo, 0));
        if (issuer)
            callout::pg::pg_guard([&] {
                issuer_text = cstring_to_text_with_len(issuer->data(), int(issuer->size()));
            });
    }
    if (issuer_text == nullptr) PG_RETURN_NULL();
    PG_RETURN_TEXT_P(issuer_text);
}

// _looks_like_plain_hmac(signature text) RETURNS boolean: which scheme a signature is read with.
CALLOUT_SQL_FUNCTION(callout_looks_like_plain_hmac) {
    PG_RETURN_BOOL(core::looks_like_plain_hmac(*callout::pg::text_arg(fcinfo, 0)));
}

// _parse_json_body(body text) RETURNS jsonb: the body as jsonb, or NULL when it is not JSON.
// PostgreSQL's own JSON parser checks it first without raising (so a bad body is an answer,
// not an error), then jsonb_in builds the value that is stored. jsonb cannot hold U+0000, so a
// `\u0000` escape is stored as U+FFFD (the signature was checked on the body as received).
CALLOUT_SQL_FUNCTION(callout_parse_json_body) {
    char* body = text_to_cstring(PG_GETARG_TEXT_PP(0));
    std::size_t length = strlen(body);
    JsonLexContext* lexer =
        makeJsonLexContextCstringLen(body, int(length), GetDatabaseEncoding(), false);
    if (pg_parse_json(lexer, &nullSemAction) != JSON_SUCCESS) PG_RETURN_NULL();
    core::replace_nul_escapes(body, length);
    return DirectFunctionCall1(jsonb_in, CStringGetDatum(body));
}

// _redact_payload(payload jsonb) RETURNS jsonb: the payload without the values of credential
// keys (is_secret_field) at any depth, as it is stored.
CALLOUT_SQL_FUNCTION(callout_redact_payload) {
    Jsonb* payload = PG_GETARG_JSONB_P(0);
    JsonbIterator* iterator = JsonbIteratorInit(&payload->root);
    JsonbParseState* state = nullptr;
    JsonbValue* result = nullptr;
    JsonbValue value;
    JsonbIteratorToken token;
    int skipping_depth = 0;        // > 0 while inside a dropped container value
    bool skip_next_value = false;  // after a secret key
    while ((token = JsonbIteratorNext(&iterator, &value, false)) != WJB_DONE) {
        bool opens = token == WJB_BEGIN_ARRAY || token == WJB_BEGIN_OBJECT;
        bool closes = token == WJB_END_ARRAY || token == WJB_END_OBJECT;
        if (skipping_depth > 0) {
            skipping_depth += opens ? 1 : closes ? -1 : 0;
            continue;
        }
        if (skip_next_value) {
            skip_next_value = false;
            if (opens) skipping_depth = 1;
            continue;
        }
        if (token == WJB_KEY &&
            core::is_secret_field({value.val.string.val, std::size_t(value.val.string.len)})) {
            skip_next_value = true;
            continue;
        }
        bool scalar_token = token == WJB_KEY || token == WJB_VALUE || token == WJB_ELEM;
        bool raw_scalar = token == WJB_BEGIN_ARRAY && value.val.array.rawScalar;
        result = pushJsonbValue(&state, token, scalar_token || raw_scalar ? &value : nullptr);
    }
    PG_RETURN_JSONB_P(JsonbValueToJsonb(result));
}

// _event_facts(payload jsonb) RETURNS callout.event_facts: what ingestion stores and matches
// on, read once from the jsonb. `reading` says whether the event is processable, ignored, or
// lacks its id or room name; a known field of the wrong JSON type is an ERROR (22023).
CALLOUT_SQL_FUNCTION(callout_event_facts) {
    TupleDesc descriptor = result_descriptor(fcinfo);
    core::LivekitEvent event;
    EventReading reading = callout::pg::read_livekit_event(&PG_GETARG_JSONB_P(0)->root, event);

    RowBuilder<19> row;
    row.add(CStringGetTextDatum(reading_name(reading)), false);
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
    PG_RETURN_DATUM(row.tuple(descriptor));
}

// _ingest_settings() RETURNS callout.ingest_settings: the settings ingestion runs with, read
// in one call (which also loads the module, so the settings exist). verify_at pins the clock.
CALLOUT_SQL_FUNCTION(callout_ingest_settings) {
    TupleDesc descriptor = result_descriptor(fcinfo);
    using namespace callout::pg;
    TimestampTz at = GetCurrentTransactionStartTimestamp();
    if (verify_at_pinned) {
        std::optional<TimestampTz> pinned = timestamptz_from_unix(verify_at_unix_ms / 1000);
        if (!pinned)
            ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                            errmsg("callout.verify_at is out of range for timestamptz")));
        at = *pinned;
    }
    RowBuilder<7> row;
    row.add(TimestampTzGetDatum(at), false);
    row.add(Int32GetDatum(max_body_bytes), false);
    row.add(Int32GetDatum(clock_leeway_seconds), false);
    row.add(Float8GetDatum(min_connected_seconds), false);
    row.add(Float8GetDatum(min_completed_seconds), false);
    row.add(Int32GetDatum(unmatched_window_seconds), false);
    row.add(BoolGetDatum(notify_outcomes), false);
    PG_RETURN_DATUM(row.tuple(descriptor));
}

// _invoking_role() RETURNS oid: the role the session acts as outside any SECURITY DEFINER
// function (after SET ROLE), which SQL's current_user cannot tell from inside one.
CALLOUT_SQL_FUNCTION(callout_invoking_role) {
    (void)fcinfo;
    PG_RETURN_OID(GetOuterUserId());
}
