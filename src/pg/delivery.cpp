// One delivery, from its limits and signature to the stored event and the call row (DESIGN.md
// §3, §4, §6): process_livekit_webhook and _ingest. The hot path of every phone call, so it runs
// three statements, each a plan kept per backend (spi_statement.hpp): the key; one that finds
// the call, stores the event and reads the call's events; and the call row's UPDATE
// (call_row_functions.cpp). The body is parsed once and the token checked in the core. Rarer
// answers (duplicates, calls created for an inbound leg, the metrics) run their SQL functions.
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "core/call_row.hpp"
#include "core/crypto.hpp"
#include "core/events.hpp"
#include "core/livekit_event.hpp"
#include "core/livekit_token.hpp"
#include "core/plain_hmac.hpp"
#include "pg/boundary.hpp"
#include "pg/ingest.hpp"
#include "pg/json_fields.hpp"
#include "pg/livekit_event_json.hpp"
#include "pg/pg_compat.hpp"
#include "pg/settings.hpp"
#include "pg/spi_statement.hpp"
#include "pg/unix_time.hpp"

extern "C" {
#include "catalog/pg_type_d.h"
#include "executor/spi.h"
#include "utils/fmgrprotos.h"
}

namespace core = callout::core;

namespace callout::pg {
namespace {

Statement key_by_issuer = {
    "SELECT k.api_key, k.api_secret, k.user_id FROM callout.signing_key AS k "
    "WHERE k.api_key = $1 AND k.revoked_at IS NULL",
    1,
    {TEXTOID},
    nullptr};

Statement plain_hmac_keys = {
    "SELECT k.api_key, k.api_secret, k.user_id FROM callout.signing_key AS k "
    "WHERE k.allow_plain_hmac AND k.revoked_at IS NULL ORDER BY k.api_key",
    0,
    {},
    nullptr};

// The event stored exactly once, with the call it belongs to (DESIGN.md §6): the one its room
// sid is bound to, if a key of tenant $19 may touch it (a sid bound elsewhere matches nothing),
// else the one open call of its room name whose sid is not bound. A NULL $19 is an unbound key,
// which may not touch a call a tenant's key created. $1..$18 are the event's facts in
// add_event_facts order ($15, the dispatch rule, is not stored). Answers nothing when the event
// id is stored already; else the new event, then the call's other events, as read_call_events
// reads them. Must run after lock_room, so its snapshot sees what the lock's previous holder
// committed.
Statement store_event = {
    "WITH bound AS ("
    " SELECT c.id, c.user_id, c.origin, c.outcome FROM callout.call_log AS c"
    " WHERE c.room_sid = $5"
    "), named AS ("
    " SELECT c.id, c.user_id, c.outcome FROM callout.call_log AS c"
    " WHERE c.room_name = $4 AND c.status IN ('registered', 'in_progress') AND c.room_sid IS NULL"
    "   AND (c.user_id = $19 OR $19 IS NULL AND c.origin <> 'tenant_key')"
    " LIMIT 2"
    "), matched AS ("
    " SELECT b.id, b.user_id, b.outcome FROM bound AS b"
    " WHERE b.user_id = $19 OR $19 IS NULL AND b.origin <> 'tenant_key'"
    " UNION ALL"
    " SELECT n.id, n.user_id, n.outcome FROM named AS n"
    " WHERE NOT EXISTS (SELECT FROM bound) AND (SELECT count(*) FROM named) = 1"
    "), stored AS ("
    " INSERT INTO callout.livekit_call_event ("
    "  event_type, event_id, event_created_at, room_name, room_sid, room_creation_time,"
    "  participant_identity, participant_kind, is_sip, joined_at, disconnect_reason,"
    "  sip_call_status, sip_phone_number, sip_trunk_phone_number, call_duration_seconds,"
    "  recording_url, egress_status, call_log_id, user_id, api_key, body_sha256, payload)"
    " SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16, $17, $18,"
    "  m.id, coalesce(m.user_id, $19), $20, $21, $22"
    " FROM (SELECT) AS one LEFT JOIN matched AS m ON true"
    " ON CONFLICT (event_id) DO NOTHING"
    " RETURNING call_log_id, " CALLOUT_CALL_ROW_COLUMNS
    ") "
    "SELECT s.*, (SELECT m.outcome FROM matched AS m) FROM stored AS s "
    "UNION ALL "
    "SELECT call_log_id, " CALLOUT_CALL_ROW_COLUMNS
    ", NULL FROM callout.livekit_call_event"
    " WHERE call_log_id = (SELECT s.call_log_id FROM stored AS s)",
    22,
    {TEXTOID, TEXTOID,        TIMESTAMPTZOID, TEXTOID, TEXTOID,  TIMESTAMPTZOID, TEXTOID, TEXTOID,
     BOOLOID, TIMESTAMPTZOID, TEXTOID,        TEXTOID, TEXTOID,  TEXTOID,        TEXTOID, INT4OID,
     TEXTOID, TEXTOID,        TEXTOID,        TEXTOID, BYTEAOID, JSONBOID},
    nullptr};

Statement duplicate_answer = {
    "SELECT a.status, a.reason, a.event_id, a.call_id, a.outcome "
    "FROM callout._duplicate_answer($1, $2, $3) AS a",
    3,
    {TEXTOID, BYTEAOID, TEXTOID},
    nullptr};

Statement record_delivery = {"SELECT callout._record_answer($1, $2, $3, $4)",
                             4,
                             {TEXTOID, TEXTOID, TEXTOID, TEXTOID},
                             nullptr};

Statement create_inbound_call = {
    "SELECT c.call_id FROM callout._create_inbound_call($1, $2, $3, $4) AS c",
    4,
    {TEXTOID, TEXTOID, TEXTOID, TEXTOID},
    nullptr};

// The key a delivery verified with: views into SPI memory; api_key empty when none did.
struct SigningKey {
    std::string_view api_key;
    std::string_view api_secret;
    std::string_view user_id;  // empty for an unbound key
};
CALLOUT_PLAIN_DATA(SigningKey);

// What process_livekit_webhook answers (callout.webhook_result); reason empty for none.
struct Answer {
    const char* status;
    std::string_view reason;
    std::string_view event_id;
    std::optional<std::int64_t> call_id;
    std::optional<Datum> outcome;  // a callout.call_outcome
};
CALLOUT_PLAIN_DATA(Answer);
CALLOUT_PLAIN_DATA(core::LivekitEvent);
CALLOUT_PLAIN_DATA(core::TokenCheck);

Answer rejected(std::string_view reason, std::string_view event_id = {}) {
    return {"rejected", reason, event_id, std::nullopt, std::nullopt};
}

// The key of the first row of the last key query (the caller checked there is one).
SigningKey key_from_result(std::uint64_t row) {
    return {result_text(row, 1), result_text(row, 2), result_text(row, 3)};
}

// The unrevoked key that allows plain HMAC signatures and verifies this one, in api_key order.
std::optional<SigningKey> plain_hmac_key(std::string_view body, std::string_view signature) {
    std::uint64_t keys = run(plain_hmac_keys, nullptr, nullptr);
    for (std::uint64_t row = 0; row < keys; ++row) {
        SigningKey key = key_from_result(row);
        if (core::verify_plain_hmac(body, signature, key.api_secret)) return key;
    }
    return std::nullopt;
}

// The verdict on a LiveKit token, with the key named by its issuer (no key: unknown_api_key).
// The token is read once: its issuer chooses the key, and the same reading is verified with it.
// It owns C++ strings, so the key query runs under pg_guard (DESIGN.md §2).
core::TokenVerdict verify_token(std::string_view body, bytea* hash, std::string_view authorization,
                                SigningKey& key) {
    core::TokenCheck check;
    check.body = body;
    check.body_sha256 = std::string_view(VARDATA(hash), VARSIZE(hash) - VARHDRSZ);
    check.now_unix = unix_seconds(verification_instant());
    check.leeway_seconds = clock_leeway_seconds;
    const core::ReadToken token = core::read_livekit_token(authorization);
    if (std::optional<std::string_view> issuer = token.issuer()) {
        pg_guard([&] {
            RowBuilder<1> parameters;
            parameters.add_text(*issuer);
            if (run(key_by_issuer, parameters) > 0) key = key_from_result(0);
        });
    }
    check.api_key = key.api_key;
    check.api_secret = key.api_secret;
    return core::verify_livekit_token(token, check);
}

// The body's SHA-256 as bytea: the stored fingerprint duplicates are told apart by.
bytea* body_sha256(std::string_view body) {
    bytea* hash = static_cast<bytea*>(palloc(VARHDRSZ + 32));
    SET_VARSIZE(hash, VARHDRSZ + 32);
    {
        std::string digest = core::sha256(body);  // no PostgreSQL call while it lives
        std::memcpy(VARDATA(hash), digest.data(), 32);
    }
    return hash;
}

// The answer to a delivery whose event id is stored, from _duplicate_answer; nullopt when the
// id is not stored.
std::optional<Answer> stored_duplicate(text* event_id, bytea* hash, std::string_view key_user) {
    RowBuilder<3> parameters;
    parameters.add(PointerGetDatum(event_id), false);
    parameters.add(PointerGetDatum(hash), false);
    parameters.add_text(key_user);
    run(duplicate_answer, parameters);
    bool is_null;
    result_value(0, 1, is_null);
    if (is_null) return std::nullopt;
    Answer answer = {"duplicate", result_text(0, 2), result_text(0, 3), std::nullopt, std::nullopt};
    Datum call_id = result_value(0, 4, is_null);
    if (!is_null) answer.call_id = DatumGetInt64(call_id);
    Datum outcome = result_value(0, 5, is_null);
    if (!is_null) answer.outcome = outcome;
    return answer;
}

// Whether a leg may create its call: an inbound SIP leg that a dispatch rule routed (outbound
// legs carry no sip.ruleID) joining or leaving.
bool may_create_inbound_call(const core::LivekitEvent& event) {
    bool leg_event = event.type == core::EventType::participant_joined ||
                     event.type == core::EventType::participant_left ||
                     event.type == core::EventType::participant_connection_aborted;
    return leg_event && core::is_sip_participant(event) && !event.sip_rule_id.empty();
}

// The call _create_inbound_call made for an inbound leg (for its number's route, else the
// key's tenant), which attached the leg's event; none when no call may be made.
std::optional<std::int64_t> created_inbound_call(const core::LivekitEvent& event,
                                                 std::string_view key_user) {
    RowBuilder<4> parameters;
    parameters.add_text(event.room_sid);
    parameters.add_text(event.room_name);
    parameters.add_text(event.sip_trunk_phone_number);
    parameters.add_text(key_user);
    run(create_inbound_call, parameters);
    bool is_null;
    Datum id = result_value(0, 1, is_null);
    if (is_null) return std::nullopt;
    return DatumGetInt64(id);
}

// Stores the event exactly once with the call it belongs to (store_event); how many rows the
// statement answered: none when the event id was stored already.
std::uint64_t store(const core::LivekitEvent& event, const SigningKey& key, bytea* hash,
                    Jsonb* payload) {
    RowBuilder<event_fact_columns + 4> row;
    add_event_facts(row, event);
    row.add_text(key.user_id);
    row.add_text(key.api_key);
    row.add(PointerGetDatum(hash), false);
    row.add(JsonbPGetDatum(redact_payload(payload)), false);
    return run(store_event, row);
}

// The payload's `id` as text, whatever its JSON type (as `->>` reads it); empty when absent.
std::string_view id_as_text(Jsonb* payload) {
    JsonField id = json_field(&payload->root, "id");
    if (!id.present) return {};
    if (id.is_string()) return id.text();
    Jsonb* value = JsonbValueToJsonb(&id.value);
    char* printed = JsonbToCString(nullptr, &value->root, int(VARSIZE(value)));
    return printed;
}

// Longest event id, room sid and phone number, and room name, that ingestion stores: they are
// indexed, and a btree entry has a size limit (about 2.7 kB); LiveKit's own are far shorter.
constexpr std::size_t max_key_bytes = 256;
constexpr std::size_t max_room_name_bytes = 1024;

// An ERROR (22023) naming the field when an indexed value is longer than ingestion stores.
void check_indexed_length(std::string_view value, std::size_t limit, const char* field_name) {
    if (value.size() > limit)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                 errmsg("LiveKit event field \"%s\" is too long to store", field_name),
                 errdetail("It has %zu bytes; callout stores at most %zu.", value.size(), limit)));
}

// Whether a signature is blank: absent, or only spaces, tabs and line breaks.
bool blank(std::string_view signature) {
    return signature.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The delivery itself (SPI is connected); payload is given when the caller holds jsonb.
Answer apply_delivery(text* body_text, Jsonb* payload, text* signature_text) {
    if (body_text == nullptr) return rejected("body_not_json");
    std::string_view body(VARDATA_ANY(body_text), VARSIZE_ANY_EXHDR(body_text));
    if (body.size() > std::size_t(max_body_bytes)) return rejected("body_too_large");
    std::string_view signature;
    if (signature_text != nullptr)
        signature = {VARDATA_ANY(signature_text), VARSIZE_ANY_EXHDR(signature_text)};
    if (blank(signature)) return rejected("empty_authorization");
    if (signature.size() > core::max_authorization_bytes) return rejected("malformed_signature");

    // hashed once: the token's sha256 claim is checked against it, and it is stored
    bytea* hash = body_sha256(body);
    SigningKey key = {};
    if (core::looks_like_plain_hmac(signature)) {
        std::optional<SigningKey> verified = plain_hmac_key(body, signature);
        if (!verified) return rejected("bad_signature");
        key = *verified;
    } else if (payload != nullptr) {
        return rejected("jwt_needs_raw_body");
    } else {
        core::TokenVerdict verdict = verify_token(body, hash, signature, key);
        if (verdict != core::TokenVerdict::ok) return rejected(core::verdict_name(verdict));
    }

    if (payload == nullptr) payload = parse_json_body(body_text);
    // not JSON, or JSON that is not an event object
    if (payload == nullptr || !JB_ROOT_IS_OBJECT(payload)) return rejected("body_not_json");
    core::LivekitEvent event;
    EventReading reading = read_livekit_event(&payload->root, event);
    if (reading == EventReading::ignored) return {"ignored", {}, id_as_text(payload), {}, {}};
    if (reading == EventReading::missing_event_id) return rejected("missing_event_id");
    if (reading == EventReading::missing_room_name)
        return rejected("missing_room_name", event.event_id);

    check_indexed_length(event.event_id, max_key_bytes, "id");
    check_indexed_length(event.room_name, max_room_name_bytes, "room.name");
    check_indexed_length(event.room_sid, max_key_bytes, "room.sid");
    check_indexed_length(event.sip_phone_number, max_key_bytes,
                         "participant.attributes.sip.phoneNumber");
    text* room_name = cstring_to_text_with_len(event.room_name.data(), int(event.room_name.size()));
    lock_room(room_name);

    std::uint64_t rows = store(event, key, hash, payload);
    if (rows == 0) {
        // the event id is stored: the delivery changes nothing
        text* event_id =
            cstring_to_text_with_len(event.event_id.data(), int(event.event_id.size()));
        if (std::optional<Answer> duplicate = stored_duplicate(event_id, hash, key.user_id))
            return *duplicate;
        ereport(ERROR,
                (errcode(ERRCODE_INTERNAL_ERROR),
                 errmsg("event %s was neither stored nor found", text_to_cstring(event_id))));
    }
    bool no_call;
    Datum call_id = result_value(0, 1, no_call);
    if (!no_call) {
        std::int64_t id = DatumGetInt64(call_id);
        return {"processed", {}, event.event_id, id, write_call_row(id, read_call_events(rows))};
    }
    if (may_create_inbound_call(event)) {
        std::optional<std::int64_t> created = created_inbound_call(event, key.user_id);
        if (created) return {"processed", {}, event.event_id, created, recompute_call(*created)};
    }
    return {"unmatched", {}, event.event_id, std::nullopt, std::nullopt};
}

// Counts a delivery that stored nothing new (and samples a rejection) with _record_answer.
void record_answer(const Answer& answer, text* body, text* signature) {
    RowBuilder<4> parameters;
    parameters.add_text(answer.status);
    parameters.add_text(answer.reason);
    parameters.add(PointerGetDatum(body), body == nullptr);
    parameters.add(PointerGetDatum(signature), signature == nullptr);
    run(record_delivery, parameters);
}

// The delivery and its record, as the webhook_result this call returns.
Datum ingest(FunctionCallInfo fcinfo, text* body, Jsonb* payload, text* signature) {
    TupleDesc descriptor = result_descriptor(fcinfo);
    MemoryContext caller_context = CurrentMemoryContext;
    if (SPI_connect() != SPI_OK_CONNECT)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("SPI_connect failed")));
    Answer answer = apply_delivery(body, payload, signature);
    std::string_view status = answer.status;
    if (status != "processed" && status != "unmatched") record_answer(answer, body, signature);
    // the answer's values live in SPI's memory: the result is built in the caller's
    MemoryContext spi_context = MemoryContextSwitchTo(caller_context);
    RowBuilder<5> row;
    row.add_text(answer.status);
    row.add_text(answer.reason);
    row.add_text(answer.event_id);
    row.add(answer.call_id ? Int64GetDatum(*answer.call_id) : Datum(0), !answer.call_id);
    row.add(answer.outcome.value_or(Datum(0)), !answer.outcome);
    Datum result = row.tuple(descriptor);
    MemoryContextSwitchTo(spi_context);
    SPI_finish();
    return result;
}

}  // namespace
}  // namespace callout::pg

// _ingest(body text, payload jsonb, signature text) RETURNS callout.webhook_result: one delivery
// and its record in the metrics. `payload` is given when the caller holds jsonb.
CALLOUT_SQL_FUNCTION(callout_ingest) {
    return callout::pg::ingest(fcinfo, PG_ARGISNULL(0) ? nullptr : PG_GETARG_TEXT_PP(0),
                               PG_ARGISNULL(1) ? nullptr : PG_GETARG_JSONB_P(1),
                               PG_ARGISNULL(2) ? nullptr : PG_GETARG_TEXT_PP(2));
}

// process_livekit_webhook(body text, signature text) RETURNS callout.webhook_result: verify one
// LiveKit delivery (raw body and Authorization header), store its event exactly once and update
// its call.
CALLOUT_SQL_FUNCTION(callout_process_livekit_webhook) {
    return callout::pg::ingest(fcinfo, PG_ARGISNULL(0) ? nullptr : PG_GETARG_TEXT_PP(0), nullptr,
                               PG_ARGISNULL(1) ? nullptr : PG_GETARG_TEXT_PP(1));
}
