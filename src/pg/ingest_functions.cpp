// The C++ pieces of ingestion shared by the delivery path and SQL (DESIGN.md §3): the token's
// issuer, the body parsed once into jsonb, the stored payload, the room lock, the settings
// ingestion runs with, and the role a session really acts as; plus the helpers callout 0.2.0's
// PL/pgSQL ingestion declares.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/call_row.hpp"
#include "core/json_text.hpp"
#include "core/livekit_event.hpp"
#include "core/livekit_token.hpp"
#include "core/plain_hmac.hpp"
#include "pg/args.hpp"
#include "pg/boundary.hpp"
#include "pg/ingest.hpp"
#include "pg/livekit_event_json.hpp"
#include "pg/pg_compat.hpp"
#include "pg/settings.hpp"
#include "pg/unix_time.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_collation_d.h"
#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
}

namespace core = callout::core;
using callout::pg::EventReading;
using callout::pg::RowBuilder;

namespace {

// The `reading` column of callout 0.2.0's event_facts.
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

// _token_issuer(authorization text) RETURNS text: the unverified `iss` of a token, the key a
// rejected delivery is recorded under; NULL when there is none.
CALLOUT_SQL_FUNCTION(callout_token_issuer) {
    text* issuer_text = nullptr;
    {
        // the decoded claims are C++ objects: the copy into PostgreSQL memory runs under pg_guard
        std::optional<std::string> issuer =
            callout::core::token_issuer(*callout::pg::text_arg(fcinfo, 0));
        if (!issuer) PG_RETURN_NULL();
        callout::pg::pg_guard(
            [&] { issuer_text = cstring_to_text_with_len(issuer->data(), int(issuer->size())); });
    }
    PG_RETURN_TEXT_P(issuer_text);
}

// The entry points of callout 0.2.0's PL/pgSQL ingestion (_looks_like_plain_hmac, _redact_payload,
// _event_facts): the library serves every version that can be installed, and that version's
// script declares them.

// _looks_like_plain_hmac(signature text) RETURNS boolean: which scheme a signature is read with.
CALLOUT_SQL_FUNCTION(callout_looks_like_plain_hmac) {
    PG_RETURN_BOOL(core::looks_like_plain_hmac(*callout::pg::text_arg(fcinfo, 0)));
}

// _parse_json_body(body text) RETURNS jsonb: the body as jsonb, or NULL when it is not JSON.
CALLOUT_SQL_FUNCTION(callout_parse_json_body) {
    Jsonb* payload = callout::pg::parse_json_body(PG_GETARG_TEXT_PP(0));
    if (payload == nullptr) PG_RETURN_NULL();
    PG_RETURN_JSONB_P(payload);
}

// _redact_payload(payload jsonb) RETURNS jsonb: the payload as it is stored.
CALLOUT_SQL_FUNCTION(callout_redact_payload) {
    PG_RETURN_JSONB_P(callout::pg::redact_payload(PG_GETARG_JSONB_P(0)));
}

// _event_facts(payload jsonb) RETURNS callout.event_facts: what ingestion stores and matches
// on, read once from the jsonb. `reading` says whether the event is processable, ignored, or
// lacks its id or room name; a known field of the wrong JSON type is an ERROR (22023).
CALLOUT_SQL_FUNCTION(callout_event_facts) {
    TupleDesc descriptor = callout::pg::result_descriptor(fcinfo);
    core::LivekitEvent event;
    EventReading reading = callout::pg::read_livekit_event(&PG_GETARG_JSONB_P(0)->root, event);

    RowBuilder<1 + callout::pg::event_fact_columns> row;
    row.add(CStringGetTextDatum(reading_name(reading)), false);
    callout::pg::add_event_facts(row, event);
    PG_RETURN_DATUM(row.tuple(descriptor));
}

// _ingest_settings() RETURNS callout.ingest_settings: the settings ingestion runs with, read
// in one call (which also loads the module, so the settings exist). verify_at pins the clock.
CALLOUT_SQL_FUNCTION(callout_ingest_settings) {
    TupleDesc descriptor = callout::pg::result_descriptor(fcinfo);
    using namespace callout::pg;
    RowBuilder<7> row;
    row.add(TimestampTzGetDatum(verification_instant()), false);
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

// _lock_room(room_name text) RETURNS void: the room lock registration takes (lock_room).
CALLOUT_SQL_FUNCTION(callout_lock_room) {
    callout::pg::lock_room(PG_GETARG_TEXT_PP(0));
    PG_RETURN_VOID();
}

namespace callout::pg {

TupleDesc result_descriptor(FunctionCallInfo fcinfo) {
    // Looked up (a catalog lookup and a copy) once per calling query and kept in fn_extra: a
    // replay calls the function once per row of the same query.
    if (fcinfo->flinfo->fn_extra == nullptr) {
        MemoryContext caller_context = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
        TupleDesc descriptor;
        if (get_call_result_type(fcinfo, nullptr, &descriptor) != TYPEFUNC_COMPOSITE)
            ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                            errmsg("function returning a record called in a context that cannot "
                                   "accept one")));
        fcinfo->flinfo->fn_extra = BlessTupleDesc(descriptor);
        MemoryContextSwitchTo(caller_context);
    }
    return static_cast<TupleDesc>(fcinfo->flinfo->fn_extra);
}

namespace {

// The jsonb being built while PostgreSQL's JSON parser walks the body once (the semantic
// actions jsonb_in uses, so the value is the one jsonb_in would build).
struct JsonbBuilder {
    JsonbParseState* state;
    JsonbValue* result;
};
CALLOUT_PLAIN_DATA(JsonbBuilder);

void push_token(void* builder, JsonbIteratorToken token, JsonbValue* value = nullptr) {
    auto* b = static_cast<JsonbBuilder*>(builder);
    b->result = pushJsonbValue(&b->state, token, value);
}

// A JSON string as a jsonb string; an ERROR (54000) beyond what jsonb can hold, as jsonb_in.
JsonbValue jsonb_string(char* text) {
    std::size_t length = strlen(text);
    if (length > JENTRY_OFFLENMASK)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("string too long to represent as jsonb string"),
                        errdetail("Due to an implementation restriction, jsonb strings cannot "
                                  "exceed %d bytes.",
                                  JENTRY_OFFLENMASK)));
    JsonbValue value;
    value.type = jbvString;
    value.val.string.len = int(length);
    value.val.string.val = text;
    return value;
}

void object_start(void* builder) {
    push_token(builder, WJB_BEGIN_OBJECT);
}
void object_end(void* builder) {
    push_token(builder, WJB_END_OBJECT);
}
void array_start(void* builder) {
    push_token(builder, WJB_BEGIN_ARRAY);
}
void array_end(void* builder) {
    push_token(builder, WJB_END_ARRAY);
}
void object_field_start(void* builder, char* name, bool) {
    JsonbValue key = jsonb_string(name);
    push_token(builder, WJB_KEY, &key);
}

// A scalar: an array element, an object's value, or the whole document (a raw scalar, which
// jsonb keeps as a one-element array).
void scalar(void* builder, char* token, JsonTokenType type) {
    JsonbValue value;
    switch (type) {
        case JSON_TOKEN_STRING:
            value = jsonb_string(token);
            break;
        case JSON_TOKEN_NUMBER:
            value.type = jbvNumeric;
            value.val.numeric = DatumGetNumeric(
                DirectFunctionCall3(numeric_in, CStringGetDatum(token),
                                    ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
            break;
        case JSON_TOKEN_TRUE:
        case JSON_TOKEN_FALSE:
            value.type = jbvBool;
            value.val.boolean = type == JSON_TOKEN_TRUE;
            break;
        default:
            value.type = jbvNull;
            break;
    }
    auto* b = static_cast<JsonbBuilder*>(builder);
    if (b->state == nullptr) {
        JsonbValue raw_scalar;
        raw_scalar.type = jbvArray;
        raw_scalar.val.array.rawScalar = true;
        raw_scalar.val.array.nElems = 1;
        push_token(builder, WJB_BEGIN_ARRAY, &raw_scalar);
        push_token(builder, WJB_ELEM, &value);
        push_token(builder, WJB_END_ARRAY);
    } else {
        push_token(builder, b->state->contVal.type == jbvArray ? WJB_ELEM : WJB_VALUE, &value);
    }
}

}  // namespace

Jsonb* parse_json_body(text* body_text) {
    char* body = text_to_cstring(body_text);
    std::size_t length = strlen(body);
    // same length, same validity: `\u0000` becomes `\uFFFD` before the parser sees it
    core::replace_nul_escapes(body, length);
    JsonbBuilder builder = {nullptr, nullptr};
    JsonSemAction actions = {&builder,
                             compat::JsonAction<object_start>::call,
                             compat::JsonAction<object_end>::call,
                             compat::JsonAction<array_start>::call,
                             compat::JsonAction<array_end>::call,
                             compat::JsonAction<object_field_start>::call,
                             nullptr,
                             nullptr,
                             nullptr,
                             compat::JsonAction<scalar>::call};
    JsonLexContext* lexer = compat::json_lexer(body, length, GetDatabaseEncoding(), true);
    if (pg_parse_json(lexer, &actions) != JSON_SUCCESS) return nullptr;
    return JsonbValueToJsonb(builder.result);
}

Jsonb* redact_payload(Jsonb* payload) {
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
    return JsonbValueToJsonb(result);
}

void lock_room(text* room_name) {
    // Only under READ COMMITTED does the statement after the lock see what the lock's previous
    // holder committed; a snapshot taken earlier could not, so an event and its call could miss
    // each other.
    if (XactIsoLevel != XACT_READ_COMMITTED)
        ereport(ERROR,
                (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                 errmsg("callout needs READ COMMITTED transactions"),
                 errdetail("This transaction is %s.",
                           GetConfigOption("transaction_isolation", false, false)),
                 errhint("Deliver webhooks and register calls in READ COMMITTED transactions "
                         "(the default).")));
    // 1024 buckets: a batch of many rooms in one transaction holds at most 1024 locks
    constexpr int32 room_lock_class = 1668047988;
    int32 hash = DatumGetInt32(
        DirectFunctionCall1Coll(hashtext, DEFAULT_COLLATION_OID, PointerGetDatum(room_name)));
    DirectFunctionCall2(pg_advisory_xact_lock_int4, Int32GetDatum(room_lock_class),
                        Int32GetDatum(hash & 1023));
}

TimestampTz verification_instant() {
    if (!verify_at_pinned) return GetCurrentTransactionStartTimestamp();
    std::optional<TimestampTz> pinned = timestamptz_from_unix(verify_at_unix_ms / 1000);
    if (!pinned)
        ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                        errmsg("callout.verify_at is out of range for timestamptz")));
    return *pinned;
}

}  // namespace callout::pg
