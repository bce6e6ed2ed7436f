// One delivery (delivery.hpp). The hot path of every phone call, so a processed delivery of an
// unbound key runs no statement: it writes the event and the call row directly (direct_write.hpp,
// call_row.hpp); a tenant's own key's counts its bytes by one. The key comes from the key cache
// (key_cache.hpp; a statement reads it when the cache does not hold it), the call from matching
// (matching.hpp) and the call's events from read_events, which read their indexes directly. The
// body is parsed (and redacted) once and hashed once, and the token read once, in the core. A
// tenant's event no call claims is written the same way; an event with no tenant yet (the pending
// store) is stored by a statement of its own. A delivery that stores nothing new is counted (and a
// rejection sampled) by two statements of its own, one refused only for its key is parked by
// another (park), and a duplicate's answer is read by one. On a Citus coordinator the tenant's
// part (tenant_part) is one statement, run on the node of the tenant's shards.
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "core/ascii.hpp"
#include "core/call_row.hpp"
#include "core/crypto.hpp"
#include "core/events.hpp"
#include "core/json_text.hpp"
#include "core/limits.hpp"
#include "core/livekit_event.hpp"
#include "core/livekit_token.hpp"
#include "core/plain_hmac.hpp"
#include "core/reason.hpp"
#include "pg/args.hpp"
#include "pg/boundary.hpp"
#include "pg/call_row.hpp"
#include "pg/delivery.hpp"
#include "pg/event_facts.hpp"
#include "pg/json_body.hpp"
#include "pg/json_fields.hpp"
#include "pg/key_cache.hpp"
#include "pg/matching.hpp"
#include "pg/direct_read.hpp"
#include "pg/direct_write.hpp"
#include "pg/livekit_event_json.hpp"
#include "pg/pg_compat.hpp"
#include "pg/room_lock.hpp"
#include "pg/settings.hpp"
#include "pg/statement.hpp"
#include "pg/unix_time.hpp"

extern "C" {
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "utils/fmgroids.h"
#include "utils/snapmgr.h"
#include "catalog/pg_type_d.h"
#include "executor/spi.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
}

namespace core = callout::core;
using callout::core::Reason;
using callout::core::Status;

namespace callout::pg {
namespace {

#define KEY_COLUMNS(X)     \
    X(api_key, TEXTOID)    \
    X(api_secret, TEXTOID) \
    X(user_id, TEXTOID)
CALLOUT_FIELDS(KeyColumn, KEY_COLUMNS);
#define ISSUER_PARAMETER(X) X(issuer, TEXTOID)
CALLOUT_FIELDS(IssuerParameter, ISSUER_PARAMETER);

Statement<IssuerParameter, KeyColumn> key_by_issuer = {
    "SELECT k.api_key, k.api_secret, k.user_id FROM callout.signing_key AS k "
    "WHERE k.api_key = $issuer AND k.revoked_at IS NULL",
    nullptr};

Statement<NoFields, KeyColumn> plain_hmac_keys = {
    "SELECT k.api_key, k.api_secret, k.user_id FROM callout.signing_key AS k "
    "WHERE k.allow_plain_hmac AND k.revoked_at IS NULL ORDER BY k.api_key",
    nullptr};

#define PEND_EVENT_PARAMETERS(X) \
    CALLOUT_EVENT_FACT_FIELDS(X) \
    X(api_key, TEXTOID)          \
    X(body_sha256, BYTEAOID)     \
    X(payload, JSONBOID)
CALLOUT_FIELDS(PendEventParameter, PEND_EVENT_PARAMETERS);
// An event row of a tenant (livekit_call_event): its call (none: no call claims it yet), its
// tenant, when it arrived (the delivery's instant: on a Citus node the coordinator's, as the
// pending store's rows and the waiting window have it) and what every stored event holds;
// written directly (direct_write.hpp), once per tenant.
#define EVENT_ROW_COLUMNS(X)       \
    X(call_log_id, INT8OID)        \
    X(user_id, TEXTOID)            \
    X(received_at, TIMESTAMPTZOID) \
    PEND_EVENT_PARAMETERS(X)
CALLOUT_FIELDS(EventRowColumn, EVENT_ROW_COLUMNS);
#define INSERTED_COLUMN(X) X(event_id, TEXTOID)
CALLOUT_FIELDS(InsertedColumn, INSERTED_COLUMN);

// The event's facts as the columns of pending_event, and their parameters.
#define EVENT_FACT_COLUMNS_SQL                                                           \
    "event_type, event_id, event_created_at, room_name, room_sid, room_creation_time,"   \
    " participant_identity, participant_kind, is_sip, joined_at, disconnect_reason,"     \
    " sip_call_status, sip_phone_number, sip_trunk_phone_number, call_duration_seconds," \
    " recording_url, egress_status, api_key, body_sha256, payload, sip_call_id, sip_call_id_full"
#define EVENT_FACT_PARAMETERS_SQL                                                            \
    "$event_type, $event_id, $event_created_at, $room_name, $room_sid, $room_creation_time," \
    " $participant_identity, $participant_kind, $is_sip, $joined_at, $disconnect_reason,"    \
    " $sip_call_status, $sip_phone_number, $sip_trunk_phone_number, $call_duration_seconds," \
    " $recording_url, $egress_status, $api_key, $body_sha256, $payload, $sip_call_id,"       \
    " $sip_call_id_full"

// An event with no tenant yet (EventTarget), in the pending store, once: its id when stored now,
// nothing when it waits there already.
Statement<PendEventParameter, InsertedColumn> pend_event = {
    "INSERT INTO callout.pending_event (" EVENT_FACT_COLUMNS_SQL
    ") VALUES (" EVENT_FACT_PARAMETERS_SQL ") ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
    nullptr};

#define STORED_EVENT_PARAMETERS(X) \
    X(event_id, TEXTOID)           \
    X(user_id, TEXTOID)
CALLOUT_FIELDS(StoredEventParameter, STORED_EVENT_PARAMETERS);
#define STORED_EVENT_COLUMNS(X) \
    X(body_sha256, BYTEAOID)    \
    X(call_id, INT8OID)
CALLOUT_FIELDS(StoredEventColumn, STORED_EVENT_COLUMNS);

// What a duplicate is answered from: the stored event where the delivery would have stored it,
// its tenant's (another tenant's event of the same id is never read), its body hash and its call
// (whose outcome is read directly: call_outcome_of). One table read by its tenant: on a Citus
// node, where a tenant's part of a delivery runs, Citus runs no other statement in a function it
// delegated there.
Statement<StoredEventParameter, StoredEventColumn> stored_event = {
    "SELECT e.body_sha256, e.call_log_id AS call_id FROM callout.livekit_call_event AS e"
    " WHERE e.user_id = $user_id AND e.event_id = $event_id",
    nullptr};

#define PENDING_EVENT_PARAMETER(X) X(event_id, TEXTOID)
CALLOUT_FIELDS(PendingEventParameter, PENDING_EVENT_PARAMETER);
#define PENDING_EVENT_COLUMN(X) X(body_sha256, BYTEAOID)
CALLOUT_FIELDS(PendingEventColumn, PENDING_EVENT_COLUMN);

// ... or the pending store's, for an event with no tenant.
Statement<PendingEventParameter, PendingEventColumn> stored_pending_event = {
    "SELECT p.body_sha256 FROM callout.pending_event AS p WHERE p.event_id = $event_id", nullptr};

#define INBOUND_CALL_PARAMETERS(X) \
    X(room_sid, TEXTOID)           \
    X(room_name, TEXTOID)          \
    X(trunk_phone_number, TEXTOID) \
    X(key_user_id, TEXTOID)
CALLOUT_FIELDS(InboundCallParameter, INBOUND_CALL_PARAMETERS);
#define INBOUND_CALL_COLUMNS(X) \
    X(call_id, INT8OID)         \
    X(outcome, InvalidOid)
CALLOUT_FIELDS(InboundCallColumn, INBOUND_CALL_COLUMNS);

Statement<InboundCallParameter, InboundCallColumn> create_inbound_call = {
    "SELECT c.call_id, c.outcome FROM callout._create_inbound_call($room_sid, $room_name,"
    " $trunk_phone_number, $key_user_id) AS c",
    nullptr};

#define COUNT_PARAMETERS(X) \
    X(status, TEXTOID)      \
    X(reason, TEXTOID)
CALLOUT_FIELDS(CountParameter, COUNT_PARAMETERS);

// One row per minute, answer and backend: sessions never wait on (or deadlock over) each
// other's counters, whatever else their transactions hold.
Statement<CountParameter, NoFields> count_delivery = {
    "INSERT INTO callout.delivery_count AS d (minute, status, reason, backend, deliveries) "
    "VALUES (pg_catalog.date_trunc('minute', pg_catalog.now()), $status, coalesce($reason, ''),"
    " pg_catalog.pg_backend_pid(), 1) "
    "ON CONFLICT (minute, status, reason, backend) DO UPDATE SET deliveries = d.deliveries + 1",
    nullptr};

#define SAMPLE_PARAMETERS(X) \
    X(reason, TEXTOID)       \
    X(api_key, TEXTOID)      \
    X(body_bytes, INT4OID)   \
    X(body_sha256, BYTEAOID)
CALLOUT_FIELDS(SampleParameter, SAMPLE_PARAMETERS);

// The latest 1000 rejections, a ring a flood of junk cannot grow: never the body.
Statement<SampleParameter, NoFields> sample_rejection = {
    "INSERT INTO callout.rejected_delivery AS r"
    " (slot, rejected_at, reason, api_key, body_bytes, body_sha256) "
    "VALUES (pg_catalog.nextval('callout.rejected_delivery_slot'), pg_catalog.now(), $reason,"
    " $api_key, $body_bytes, $body_sha256) "
    "ON CONFLICT (slot) DO UPDATE SET rejected_at = excluded.rejected_at,"
    " reason = excluded.reason, api_key = excluded.api_key, body_bytes = excluded.body_bytes,"
    " body_sha256 = excluded.body_sha256",
    nullptr};

#define PARK_PARAMETERS(X)       \
    X(parked_at, TIMESTAMPTZOID) \
    X(api_key, TEXTOID)          \
    X(body, TEXTOID)             \
    X(signature, TEXTOID)        \
    X(body_sha256, BYTEAOID)     \
    X(max_deliveries, INT4OID)   \
    X(max_bytes, INT4OID)
CALLOUT_FIELDS(ParkParameter, PARK_PARAMETERS);

// A delivery refused only for its key, kept until the key is added (callout._park_delivery).
Statement<ParkParameter, NoFields> park_delivery = {
    "SELECT FROM callout._park_delivery($parked_at, $api_key, $body, $signature,"
    " $body_sha256, $max_deliveries, $max_bytes) AS p",
    nullptr};

#define EXTENSION_VERSION_COLUMN(X) X(extversion, TEXTOID)
CALLOUT_FIELDS(ExtensionVersionColumn, EXTENSION_VERSION_COLUMN);

Statement<NoFields, ExtensionVersionColumn> installed_version = {
    "SELECT e.extversion FROM pg_catalog.pg_extension AS e WHERE e.extname = 'callout'", nullptr};

#define KEY_BYTES_PARAMETERS(X) \
    X(api_key, TEXTOID)         \
    X(body_bytes, INT8OID)
CALLOUT_FIELDS(KeyBytesParameter, KEY_BYTES_PARAMETERS);
#define KEY_BYTES_COLUMN(X) X(bytes_this_minute, INT8OID)
CALLOUT_FIELDS(KeyBytesColumn, KEY_BYTES_COLUMN);

// What a key bound to a tenant has delivered this minute, this delivery counted (the row stays
// locked: its key's deliveries are counted one at a time).
Statement<KeyBytesParameter, KeyBytesColumn> count_key_bytes = {
    "INSERT INTO callout.key_usage AS u (api_key, minute, body_bytes)"
    " VALUES ($api_key, pg_catalog.date_trunc('minute', pg_catalog.now()), $body_bytes)"
    " ON CONFLICT (api_key, minute) DO UPDATE SET body_bytes = u.body_bytes + excluded.body_bytes"
    " RETURNING u.body_bytes AS bytes_this_minute",
    nullptr};

// The delivery's bytes taken back: a retry of an event its tenant holds is not counted again.
Statement<KeyBytesParameter, NoFields> uncount_key_bytes = {
    "UPDATE callout.key_usage AS u SET body_bytes = u.body_bytes - $body_bytes"
    " WHERE u.api_key = $api_key AND u.minute = pg_catalog.date_trunc('minute', pg_catalog.now())",
    nullptr};

#define HELD_EVENT_PARAMETERS(X) \
    X(event_id, TEXTOID)         \
    X(key_user_id, TEXTOID)
CALLOUT_FIELDS(HeldEventParameter, HELD_EVENT_PARAMETERS);
#define HELD_EVENT_COLUMN(X) X(stored_already, BOOLOID)
CALLOUT_FIELDS(HeldEventColumn, HELD_EVENT_COLUMN);

// For a key bound to a tenant over a bound: whether the tenant holds the event already (a retry:
// answered as a duplicate whatever the bounds). Each statement of a tenant's part of a delivery
// reads one table by its tenant (stored_event).
Statement<HeldEventParameter, HeldEventColumn> tenant_holds_event = {
    "SELECT pg_catalog.count(*) > 0 AS stored_already FROM callout.livekit_call_event AS e"
    " WHERE e.user_id = $key_user_id AND e.event_id = $event_id",
    nullptr};

#define ROOM_EVENTS_PARAMETERS(X) \
    X(key_user_id, TEXTOID)       \
    X(room_name, TEXTOID)
CALLOUT_FIELDS(RoomEventsParameter, ROOM_EVENTS_PARAMETERS);
#define EVENT_COUNT_COLUMN(X) X(events, INT8OID)
CALLOUT_FIELDS(EventCountColumn, EVENT_COUNT_COLUMN);

// ... and, for an event no call claims, how many of the tenant's events wait in the room, which
// a call made or registered for it would attach (a call's own events are counted as its row is
// made: store).
Statement<RoomEventsParameter, EventCountColumn> room_waiting_events = {
    "SELECT pg_catalog.count(*) AS events FROM callout.livekit_call_event AS e"
    " WHERE e.user_id = $key_user_id AND e.call_log_id IS NULL AND e.room_name = $room_name",
    nullptr};

#define WEBHOOK_RESULT_COLUMNS(X) \
    X(status, TEXTOID)            \
    X(reason, TEXTOID)            \
    X(event_id, TEXTOID)          \
    X(call_id, INT8OID)           \
    X(outcome, InvalidOid)
CALLOUT_FIELDS(WebhookResultColumn, WEBHOOK_RESULT_COLUMNS);

CALLOUT_PLAIN_DATA(SigningKey);

// One delivery as it goes: what was received, and what was worked out once and is used again
// (the body's hash, the issuer the token claims).
struct Delivery {
    text* body;  // nullptr: none
    Jsonb* payload;
    std::string_view body_text;
    std::string_view signed_body;  // the bytes the sender signed (signed_bytes)
    std::string_view signature;
    bool has_signature;
    bytea* body_hash;      // nullptr until hashed
    bool token_read;       // a refused token was read: claimed_issuer is what it claims
    text* claimed_issuer;  // nullptr: none
    // a delivery parked before and replayed now: verified at the instant it was parked, and
    // never parked again
    std::optional<TimestampTz> parked_at;
    // refused only for its key, its claims sound for this body: the key its iss names, as
    // claimed (park); nullptr: not parked
    text* parked_key;
};
CALLOUT_PLAIN_DATA(Delivery);

// What a delivery is answered (callout.webhook_result).
struct Answer {
    Status status;
    Reason reason;
    std::string_view event_id;
    std::optional<std::int64_t> call_id;
    std::optional<Datum> outcome;  // a callout.call_outcome
};
CALLOUT_PLAIN_DATA(Answer);
CALLOUT_PLAIN_DATA(core::LivekitEvent);
CALLOUT_PLAIN_DATA(core::TokenCheck);
CALLOUT_PLAIN_DATA(Values<EventRowColumn>);
CALLOUT_PLAIN_DATA(Values<PendEventParameter>);

// Whether this database's callout is the version the library was built as: checked until it is,
// and again after a transaction that aborted (it may have rolled an update back).
bool schema_is_current = false;

// Forgets the schema version when a transaction aborts.
void forget_schema_version_on_abort(XactEvent event, void*) {
    if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) schema_is_current = false;
}

// An ERROR (55000) while the database's callout is not the library's version (an older one,
// until ALTER EXTENSION callout UPDATE runs): the delivery path uses objects of its own version.
void check_schema_version() {
    if (schema_is_current) return;
    Rows<ExtensionVersionColumn> installed = run(installed_version);
    std::string_view version =
        installed.count > 0 ? installed.text(0, ExtensionVersionColumn::extversion) : "";
    if (version != library_version)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("callout %.*s in this database is not its library's version (%s)",
                               int(version.size()), version.data(), library_version),
                        errhint("Run ALTER EXTENSION callout UPDATE.")));
    schema_is_current = true;
}

Answer rejected(Reason reason, std::string_view event_id = {}) {
    return {Status::rejected, reason, event_id, std::nullopt, std::nullopt};
}

// A view as text in PostgreSQL memory.
text* as_text(std::string_view value) {
    return cstring_to_text_with_len(value.data(), int(value.size()));
}

// The key of a row of a key query.
SigningKey key_from(const Rows<KeyColumn>& rows, std::uint64_t row) {
    return {rows.text(row, KeyColumn::api_key), rows.text(row, KeyColumn::api_secret),
            rows.text(row, KeyColumn::user_id)};
}

// The unrevoked key that allows plain HMAC signatures and verifies this one, in api_key order.
std::optional<SigningKey> plain_hmac_key(const Delivery& delivery) {
    Rows<KeyColumn> keys = run(plain_hmac_keys);
    for (std::uint64_t row = 0; row < keys.count; ++row) {
        SigningKey key = key_from(keys, row);
        if (core::verify_plain_hmac(delivery.signed_body, delivery.signature, key.api_secret))
            return key;
    }
    return std::nullopt;
}

// The unrevoked key a token's issuer names (api_key empty: none): from the key cache, else read
// by key_by_issuer and kept there.
SigningKey key_of_issuer(std::string_view issuer) {
    if (std::optional<SigningKey> cached = cached_key(issuer)) return *cached;
    Values<IssuerParameter> parameters;
    parameters.put_text(IssuerParameter::issuer, issuer);
    Rows<KeyColumn> found = run(key_by_issuer, parameters);
    if (found.count == 0) return {};
    SigningKey key = key_from(found, 0);
    remember_key(key);
    return key;
}

// The verdict on a LiveKit token, with the key named by its issuer (no key: unknown_api_key).
// The token is read once: its issuer chooses the key, the same reading is verified with it, and
// for a token refused, the issuer it claims is kept for the rejection log. The reading owns C++
// strings, so every call into PostgreSQL while it lives runs under pg_guard (DESIGN.md §2).
Reason verify_token(Delivery& delivery, SigningKey& key) {
    core::TokenCheck check;
    check.body = delivery.signed_body;
    check.body_sha256 = std::string_view(VARDATA(delivery.body_hash), 32);
    check.now_unix = unix_seconds(delivery.parked_at.value_or(verification_instant()));
    check.leeway_seconds = clock_leeway_seconds;
    const core::ReadToken token = core::read_livekit_token(delivery.signature);
    if (std::optional<std::string_view> issuer = token.issuer())
        pg_guard([&] { key = key_of_issuer(*issuer); });
    check.api_key = key.api_key;
    check.api_secret = key.api_secret;
    const Reason verdict = core::verify_livekit_token(token, check);
    if (verdict == Reason::unknown_api_key && !delivery.parked_at) {
        // parked under the key as it would be added: its iss exactly (not escaped, as the
        // rejection log's), which no key can be when empty or holding U+0000 (text cannot)
        std::optional<std::string_view> issuer = token.issuer();
        if (issuer && !issuer->empty() && issuer->find('\0') == std::string_view::npos &&
            core::verify_livekit_token_claims(token, check) == Reason::ok)
            pg_guard([&] { delivery.parked_key = as_text(*issuer); });
    }
    if (verdict != Reason::ok) {
        delivery.token_read = true;
        if (std::optional<std::string_view> claimed = token.claimed_issuer()) {
            const std::string escaped = core::escape_control_characters(*claimed);
            pg_guard([&] { delivery.claimed_issuer = as_text(escaped); });
        }
    }
    return verdict;
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

// Whether two hashes are the same bytes.
bool same_hash(bytea* a, bytea* b) {
    return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
           std::memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

// Where a delivery's event goes, decided once under the room lock: its call (matching_call, for
// the key's tenant) and its tenant, the call's, else the key's; none (an unbound key's event no
// call claims) is the pending store.
struct EventTarget {
    std::optional<MatchedCall> call;
    text* user_id;  // nullptr: the pending store
};
CALLOUT_PLAIN_DATA(EventTarget);

// The outcome of a tenant's call (none: none yet, or no such call), read through call_log_pkey
// with a snapshot of its own, as a statement reads it.
std::optional<Datum> call_outcome_of(std::int64_t call_id, text* user_id) {
    Snapshot snapshot = statement_snapshot();
    const TableRead calls = open_table_read("call_log");
    const AttrNumber user_column = column_of(calls.heap, "user_id");
    const AttrNumber outcome_column = column_of(calls.heap, "outcome");
    std::optional<Datum> outcome;  // an enum's, by value
    for_each_row_by(calls, "call_log_pkey", F_INT8EQ, Int64GetDatum(call_id), snapshot, [&] {
        if (text_column_equals(calls.slot, user_column, user_id))
            outcome = value_column(calls.slot, outcome_column);
    });
    close_table_read(calls);
    UnregisterSnapshot(snapshot);
    return outcome;
}

// The answer to a delivery whose event id is stored where it goes (target): already processed
// for the same body, conflicting_duplicate for another, with the event's call and outcome (a
// tenant's key only ever finds its own tenant's events).
Answer duplicate_answer(const core::LivekitEvent& event, bytea* hash, const EventTarget& target) {
    bytea* stored_hash = nullptr;
    std::optional<std::int64_t> call_id;
    std::optional<Datum> outcome;
    if (target.user_id == nullptr) {
        Values<PendingEventParameter> parameters;
        parameters.put_text(PendingEventParameter::event_id, event.event_id);
        Rows<PendingEventColumn> stored = run(stored_pending_event, parameters);
        if (stored.count > 0)
            stored_hash = DatumGetByteaPP(*stored.optional(0, PendingEventColumn::body_sha256));
    } else {
        using C = StoredEventColumn;
        using P = StoredEventParameter;
        Values<P> parameters;
        parameters.put_text(P::event_id, event.event_id);
        parameters.put(P::user_id, PointerGetDatum(target.user_id));
        Rows<C> stored = run(stored_event, parameters);
        if (stored.count > 0) {
            stored_hash = DatumGetByteaPCopy(*stored.optional(0, C::body_sha256));
            call_id = stored.int8(0, C::call_id);
        }
        if (call_id) outcome = call_outcome_of(*call_id, target.user_id);
    }
    if (stored_hash == nullptr)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                        errmsg("event %s was neither stored nor found",
                               text_to_cstring(as_text(event.event_id)))));
    return {
        Status::duplicate,
        same_hash(stored_hash, hash) ? Reason::already_processed : Reason::conflicting_duplicate,
        event.event_id, call_id, outcome};
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
// key's tenant), which attached the leg's event, and its outcome.
struct InboundCall {
    std::int64_t call_id;
    std::optional<Datum> outcome;
};
CALLOUT_PLAIN_DATA(InboundCall);

// The inbound call made for the leg; none when no call may be made.
std::optional<InboundCall> created_inbound_call(const core::LivekitEvent& event,
                                                std::string_view key_user) {
    using P = InboundCallParameter;
    Values<P> parameters;
    parameters.put_text(P::room_sid, event.room_sid);
    parameters.put_text(P::room_name, event.room_name);
    parameters.put_text(P::trunk_phone_number, event.sip_trunk_phone_number);
    parameters.put_text(P::key_user_id, key_user);
    Rows<InboundCallColumn> created = run(create_inbound_call, parameters);
    std::optional<std::int64_t> call_id = created.int8(0, InboundCallColumn::call_id);
    if (!call_id) return std::nullopt;
    return InboundCall{*call_id, created.optional(0, InboundCallColumn::outcome)};
}

// Puts what every row of a stored event holds (PEND_EVENT_PARAMETERS): its facts, the key it was
// verified with, the body's hash and the payload as stored (redacted).
template <typename Field>
void put_stored_event(Values<Field>& row, const core::LivekitEvent& event, const SigningKey& key,
                      bytea* hash, Jsonb* payload) {
    put_event_facts(row, event);
    row.put_text(Field::api_key, key.api_key);
    row.put(Field::body_sha256, PointerGetDatum(hash));
    row.put(Field::payload, JsonbPGetDatum(payload));
}

// What storing an event did: stored (its answer), found the tenant holding its id already, or
// found its call holding as many events as a bounded key may store.
enum class Storing { stored, duplicate, call_full };
struct Stored {
    Storing what;
    Answer answer;
};
CALLOUT_PLAIN_DATA(Stored);

// Stores the event exactly once under its target's tenant, with its payload as stored
// (redacted), and writes its call's row (if it has one) made from the call's events as snapshot
// sees them and this one; unless the call holds max_events events already (0: no bound). The
// delivery's instant, received_at, is the event's and its call row's updated_at.
Stored store(const core::LivekitEvent& event, const SigningKey& key, bytea* hash, Jsonb* payload,
             TimestampTz received_at, const EventTarget& target, Snapshot snapshot,
             std::int64_t max_events) {
    const Answer unmatched = {Status::unmatched, Reason::ok, event.event_id, std::nullopt,
                              std::nullopt};
    // the call's events as the room lock keeps them (every path that adds one holds it): first,
    // when they bound the event; else once it is stored (a duplicate reads none)
    CallEvents events = {};
    const bool bounded = target.call && max_events > 0;
    if (bounded) {
        events = read_events(target.call->id, snapshot);
        if (std::int64_t(events.count) >= max_events) return {Storing::call_full, unmatched};
    }
    using C = EventRowColumn;
    Values<C> row;
    put_stored_event(row, event, key, hash, payload);
    row.put(C::user_id, PointerGetDatum(target.user_id));
    row.put(C::received_at, TimestampTzGetDatum(received_at));
    row.put_int8(C::call_log_id,
                 target.call ? std::optional<std::int64_t>(target.call->id) : std::nullopt);
    row.check_complete();
    TableWriter writer = open_table_writer("livekit_call_event", fields_of(C{}), field_count(C{}),
                                           snapshot, false, "livekit_call_event_pkey");
    bool stored = insert_once(writer, row.datums, row.nulls);
    if (!stored || !target.call) {
        close_table_writer(writer);
        return {stored ? Storing::stored : Storing::duplicate, unmatched};
    }

    const MatchedCall& call = *target.call;
    if (!bounded) events = read_events(call.id, snapshot);
    // and this one as it is stored (its BEFORE triggers' changes included), as a recompute would
    // read it
    events.events[events.count++] = stored_event_of(writer.target->ri_RelationDesc, writer.slot);
    events.room_name = event.room_name;  // the call's: matching found it by this name
    if (call.registered_phone_number != nullptr)
        events.registered_phone_number = text_view(call.registered_phone_number);
    // not waiting for a row another transaction holds (a tenant's own, left open): the room's
    // lock, whose bucket other tenants' rooms share, is held until this transaction ends
    std::optional<Datum> outcome =
        write_call_row(call.id, events, snapshot, LockWaitError, received_at);
    // the event's AFTER row triggers fire once its call's row is written, as they did when one
    // statement wrote both: one that writes the call sees the row written, not the one before
    close_table_writer(writer);
    return {Storing::stored, {Status::processed, Reason::ok, event.event_id, call.id, outcome}};
}

// Stores an event with no tenant yet in the pending store (pend_event): false when it waits
// there already.
bool pend(const core::LivekitEvent& event, const SigningKey& key, bytea* hash, Jsonb* payload) {
    Values<PendEventParameter> row;
    put_stored_event(row, event, key, hash, payload);
    return run(pend_event, row).count > 0;
}

// An ERROR (22023) naming the field when an indexed value is longer than callout stores.
void check_indexed_length(std::string_view value, std::size_t limit, const char* field_name) {
    if (value.size() > limit)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                 errmsg("LiveKit event field \"%s\" is too long to store", field_name),
                 errdetail("It has %zu bytes; callout stores at most %zu.", value.size(), limit)));
}

// What the node of a tenant's shards does with a delivery's event (tenant_part; on one node,
// this node): the event, its key (its secret unused) and what the delivery worked out before.
struct TenantPart {
    const core::LivekitEvent* event;
    SigningKey key;
    bytea* hash;
    Jsonb* payload;  // as stored (redacted)
    text* room_name;
    TimestampTz received_at;  // the delivery's instant (its transaction's; a coordinator's)
    std::int64_t body_bytes;
    std::optional<std::int64_t> bytes_this_minute;  // a bound key's, this delivery counted
    bool match;                                     // find the call here; else call
    std::optional<MatchedCall> call;
};
CALLOUT_PLAIN_DATA(TenantPart);

// What it did: its answer, or none (unclaimed) for an unbound key's event no call claims, which
// goes to the pending store; stored_already: a bound key's event its tenant holds (a retry,
// whose bytes are not counted).
struct TenantResult {
    Answer answer;
    bool unclaimed;
    bool stored_already;
};
CALLOUT_PLAIN_DATA(TenantResult);

// Whether the key's tenant holds the event already (tenant_holds_event): a retry, answered as a
// duplicate whatever the key's bounds.
bool tenant_holds(const TenantPart& part) {
    Values<HeldEventParameter> held;
    held.put_text(HeldEventParameter::event_id, part.event->event_id);
    held.put_text(HeldEventParameter::key_user_id, part.key.user_id);
    return run(tenant_holds_event, held).boolean(0, HeldEventColumn::stored_already);
}

// How many of the tenant's events wait in the room with no call (room_waiting_events), which a
// call made or registered for it would attach.
std::int64_t room_waiting(const TenantPart& part) {
    Values<RoomEventsParameter> counted;
    counted.put_text(RoomEventsParameter::key_user_id, part.key.user_id);
    counted.put(RoomEventsParameter::room_name, PointerGetDatum(part.room_name));
    return run(room_waiting_events, counted).int8(0, EventCountColumn::events).value_or(0);
}

// A tenant's part of a delivery, in its tables (or its shards chosen on this node): the event's
// call (matching_call, or the one given), the event stored with its call's row, or its
// duplicate's answer. A tenant's own key is bounded (the platform's unbound keys are trusted):
// over its bytes this minute, or where its event's call (with none yet, the room's waiting events
// of the tenant) holds as many events as it may store, it is refused, unless the tenant holds the
// event already (a retry is a duplicate, whatever the bounds).
TenantResult tenant_part(const TenantPart& part, Snapshot snapshot) {
    const core::LivekitEvent& event = *part.event;
    text* key_user = part.key.user_id.empty() ? nullptr : as_text(part.key.user_id);
    EventTarget target = {part.call, key_user};
    if (part.match)
        target.call = matching_call(event.room_sid.empty() ? nullptr : as_text(event.room_sid),
                                    part.room_name, key_user, snapshot);
    if (target.call) target.user_id = target.call->user_id;
    TenantResult result = {
        {Status::unmatched, Reason::ok, event.event_id, std::nullopt, std::nullopt},
        target.user_id == nullptr,
        false};
    if (result.unclaimed) return result;
    const bool bounded = key_user != nullptr;
    // a bound refuses the event, unless it is a retry
    auto refused = [&](Reason over) {
        result.stored_already = tenant_holds(part);
        result.answer = result.stored_already ? duplicate_answer(event, part.hash, target)
                                              : rejected(over, event.event_id);
        return result;
    };
    if (bounded && max_key_bytes_per_minute > 0 &&
        part.bytes_this_minute.value_or(0) > max_key_bytes_per_minute)
        return refused(Reason::key_rate_limit);
    if (bounded && max_events_per_call > 0 && !target.call &&
        room_waiting(part) >= max_events_per_call)
        return refused(Reason::too_many_events);
    const Stored stored = store(event, part.key, part.hash, part.payload, part.received_at, target,
                                snapshot, bounded ? max_events_per_call : 0);
    if (stored.what == Storing::call_full) return refused(Reason::too_many_events);
    if (stored.what == Storing::duplicate) {
        result.stored_already = bounded;
        result.answer = duplicate_answer(event, part.hash, target);
        return result;
    }
    result.answer = stored.answer;
    return result;
}

#define TENANT_DELIVERY_PARAMETERS(X)    \
    X(user_id, TEXTOID)                  \
    X(payload, JSONBOID)                 \
    X(api_key, TEXTOID)                  \
    X(key_user_id, TEXTOID)              \
    X(body_sha256, BYTEAOID)             \
    X(body_bytes, INT8OID)               \
    X(bytes_this_minute, INT8OID)        \
    X(match, BOOLOID)                    \
    X(call_id, INT8OID)                  \
    X(registered_phone_number, TEXTOID)  \
    X(min_connected_seconds, FLOAT8OID)  \
    X(min_completed_seconds, FLOAT8OID)  \
    X(max_events_per_call, INT4OID)      \
    X(max_key_bytes_per_minute, INT4OID) \
    X(received_at, TIMESTAMPTZOID)
CALLOUT_FIELDS(TenantDeliveryParameter, TENANT_DELIVERY_PARAMETERS);
#define TENANT_DELIVERY_COLUMNS(X) \
    X(status, TEXTOID)             \
    X(reason, TEXTOID)             \
    X(call_id, INT8OID)            \
    X(outcome, InvalidOid)         \
    X(unclaimed, BOOLOID)          \
    X(stored_already, BOOLOID)     \
    X(notify_call_id, INT8OID)
CALLOUT_FIELDS(TenantDeliveryColumn, TENANT_DELIVERY_COLUMNS);

// A tenant's part of a delivery, run by Citus on the node of its shards (callout.distribute:
// _deliver_to_tenant is distributed by user_id, delegated), with this session's settings.
Statement<TenantDeliveryParameter, TenantDeliveryColumn> deliver_on_tenant_node = {
    "SELECT d.status, d.reason, d.call_id, d.outcome, d.unclaimed, d.stored_already,"
    " d.notify_call_id FROM callout._deliver_to_tenant($user_id, $payload, $api_key,"
    " $key_user_id, $body_sha256, $body_bytes, $bytes_this_minute, $match, $call_id,"
    " $registered_phone_number, $min_connected_seconds, $min_completed_seconds,"
    " $max_events_per_call, $max_key_bytes_per_minute, $received_at) AS d",
    nullptr};

// On a Citus coordinator: the tenant's part of a delivery, on the node of the tenant's shards.
// The tenant is the bound key's, else the call's: where the room's name was used by the calls
// of that tenant alone (or none), its node finds the call among what it holds; else the call is
// found here, from every such tenant's candidates. An unbound key's event of a room no tenant's
// call used is unclaimed without asking any node.
TenantResult tenant_part_on_its_node(TenantPart part, Snapshot snapshot) {
    const core::LivekitEvent& event = *part.event;
    text* key_user = part.key.user_id.empty() ? nullptr : as_text(part.key.user_id);
    const RoomTenants room = tenants_of_room(part.room_name);
    bool others = false;
    for (std::size_t i = 0; i < room.count; ++i)
        others =
            others || key_user == nullptr || text_view(room.user_ids[i]) != text_view(key_user);
    text* tenant = key_user;
    if (key_user == nullptr && room.count == 1) {
        tenant = room.user_ids[0];
    } else if (others) {
        part.match = false;
        part.call = matching_call(event.room_sid.empty() ? nullptr : as_text(event.room_sid),
                                  part.room_name, key_user, snapshot, &room);
        if (part.call) tenant = part.call->user_id;
    }
    if (tenant == nullptr)
        return {{Status::unmatched, Reason::ok, event.event_id, std::nullopt, std::nullopt},
                true,
                false};

    using P = TenantDeliveryParameter;
    using C = TenantDeliveryColumn;
    Values<P> asked;
    asked.put(P::user_id, PointerGetDatum(tenant));
    asked.put(P::payload, JsonbPGetDatum(part.payload));
    asked.put_text(P::api_key, part.key.api_key);
    asked.put_text(P::key_user_id, part.key.user_id);
    asked.put(P::body_sha256, PointerGetDatum(part.hash));
    asked.put_int8(P::body_bytes, part.body_bytes);
    asked.put_int8(P::bytes_this_minute, part.bytes_this_minute);
    asked.put_bool(P::match, part.match);
    asked.put_int8(P::call_id,
                   part.call ? std::optional<std::int64_t>(part.call->id) : std::nullopt);
    if (part.call && part.call->registered_phone_number != nullptr)
        asked.put(P::registered_phone_number, PointerGetDatum(part.call->registered_phone_number));
    else
        asked.put_null(P::registered_phone_number);
    asked.put(P::min_connected_seconds, Float8GetDatum(min_connected_seconds));
    asked.put(P::min_completed_seconds, Float8GetDatum(min_completed_seconds));
    asked.put_int4(P::max_events_per_call, max_events_per_call);
    asked.put_int4(P::max_key_bytes_per_minute, max_key_bytes_per_minute);
    asked.put(P::received_at, TimestampTzGetDatum(part.received_at));
    Rows<C> done = run(deliver_on_tenant_node, asked);
    if (std::optional<std::int64_t> notified = done.int8(0, C::notify_call_id))
        notify_outcome(*notified);
    const std::optional<Status> status = core::status_named(done.text(0, C::status));
    const std::optional<Reason> reason =
        core::reason_named(done.optional_text(0, C::reason).value_or("ok"));
    if (!status || !reason)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                        errmsg("a Citus node answered a delivery with no answer callout knows")));
    return {
        {*status, *reason, event.event_id, done.int8(0, C::call_id), done.optional(0, C::outcome)},
        done.boolean(0, C::unclaimed),
        done.boolean(0, C::stored_already)};
}

// A bound key's bytes this minute, this delivery's counted (count_key_bytes); or taken back
// (uncount: a retry of an event its tenant holds).
std::int64_t count_bytes(const SigningKey& key, std::int64_t body_bytes, bool uncount = false) {
    Values<KeyBytesParameter> counted;
    counted.put_text(KeyBytesParameter::api_key, key.api_key);
    counted.put_int8(KeyBytesParameter::body_bytes, body_bytes);
    if (uncount) {
        run(uncount_key_bytes, counted);
        return 0;
    }
    return run(count_key_bytes, counted).int8(0, KeyBytesColumn::bytes_this_minute).value_or(0);
}

// A delivery once its room is locked: an unbound key's event that waits in the pending store
// already, for the same room, goes there again (a duplicate of it), even once a call claims the
// room (past callout.unmatched_window it was never attached): it is never stored a second time.
// Else the tenant's part (tenant_part, on a Citus coordinator on the tenant's node), a bound
// key's bytes counted first; an event it leaves unclaimed goes to the pending store; an inbound
// call is made for an event no call claims.
Answer deliver_locked(const Delivery& delivery, const core::LivekitEvent& event,
                      const SigningKey& key, Jsonb* stored_payload, text* room_name,
                      Snapshot snapshot) {
    const bool bound = !key.user_id.empty();
    const auto body_bytes = std::int64_t(delivery.body_text.size());
    TenantResult result = {
        {Status::unmatched, Reason::ok, event.event_id, std::nullopt, std::nullopt}, true, false};
    if (bound || !waits_in_pending(as_text(event.event_id), room_name, snapshot)) {
        TenantPart part = {&event,         key,       delivery.body_hash,
                           stored_payload, room_name, GetCurrentTransactionStartTimestamp(),
                           body_bytes,     {},        true,
                           std::nullopt};
        if (bound) part.bytes_this_minute = count_bytes(key, body_bytes);
        result = call_tables_beyond_reach() ? tenant_part_on_its_node(part, snapshot)
                                            : tenant_part(part, snapshot);
        if (result.stored_already) count_bytes(key, body_bytes, true);
    }
    if (result.unclaimed) {
        // no tenant yet: the pending store
        if (!pend(event, key, delivery.body_hash, stored_payload))
            return duplicate_answer(event, delivery.body_hash, EventTarget{std::nullopt, nullptr});
    } else if (result.answer.status != Status::unmatched) {
        return result.answer;
    }
    if (may_create_inbound_call(event)) {
        if (std::optional<InboundCall> created = created_inbound_call(event, key.user_id))
            return {Status::processed, Reason::ok, event.event_id, created->call_id,
                    created->outcome};
    }
    return {Status::unmatched, Reason::ok, event.event_id, std::nullopt, std::nullopt};
}

// The delivery itself (SPI is connected).
Answer apply_delivery(Delivery& delivery) {
    if (delivery.body == nullptr) return rejected(Reason::body_not_json);
    if (delivery.body_text.size() > std::size_t(max_body_bytes))
        return rejected(Reason::body_too_large);
    // converted once the size is known to be bounded, for every answer that hashes the body
    delivery.signed_body = signed_bytes(delivery.body_text);
    if (core::trim_ascii_space(delivery.signature).empty())
        return rejected(Reason::empty_authorization);
    if (delivery.signature.size() > core::max_authorization_bytes)
        return rejected(Reason::malformed_signature);

    // hashed once: the token's sha256 claim is checked against it, and it is stored
    delivery.body_hash = body_sha256(delivery.signed_body);
    SigningKey key = {};
    if (core::looks_like_plain_hmac(delivery.signature)) {
        std::optional<SigningKey> verified = plain_hmac_key(delivery);
        if (!verified) return rejected(Reason::bad_signature);
        key = *verified;
    } else if (delivery.payload != nullptr) {
        return rejected(Reason::jwt_needs_raw_body);
    } else {
        Reason verdict = verify_token(delivery, key);
        if (verdict != Reason::ok) return rejected(verdict);
    }

    // a raw body is parsed without its credential values, as it is stored (no field the event
    // is read from is one); a jsonb payload is redacted below
    Jsonb* payload = delivery.payload != nullptr
                         ? delivery.payload
                         : parse_json_body(delivery.body, Credentials::dropped);
    // not JSON, or JSON that is not an event object
    if (payload == nullptr || !JB_ROOT_IS_OBJECT(payload)) return rejected(Reason::body_not_json);
    core::LivekitEvent event;
    EventReading reading = read_livekit_event(&payload->root, event);
    if (reading == EventReading::ignored)
        return {Status::ignored, Reason::ok, json_field_text(&payload->root, "id").value_or(""),
                std::nullopt, std::nullopt};
    if (reading == EventReading::missing_event_id) return rejected(Reason::missing_event_id);
    if (reading == EventReading::missing_room_name)
        return rejected(Reason::missing_room_name, event.event_id);

    check_indexed_length(event.event_id, core::max_key_bytes, "id");
    check_indexed_length(event.room_name, core::max_room_name_bytes, "room.name");
    check_indexed_length(event.room_sid, core::max_key_bytes, "room.sid");
    check_indexed_length(event.sip_phone_number, core::max_key_bytes,
                         "participant.attributes.sip.phoneNumber");
    // redacted before the room lock: the lock is held for as little work as possible
    Jsonb* stored_payload = delivery.payload != nullptr ? redact_payload(payload) : payload;
    text* room_name = as_text(event.room_name);
    lock_room(room_name);
    // one snapshot after the lock, as a statement takes one: it sees what the lock's previous
    // holder committed; where the event goes and its call's events are read with it
    Snapshot snapshot = statement_snapshot();
    Answer answer = deliver_locked(delivery, event, key, stored_payload, room_name, snapshot);
    UnregisterSnapshot(snapshot);
    return answer;
}

// The issuer a rejected delivery's token claims, its control characters escaped (read now if the
// delivery did not read the token).
text* claimed_issuer(Delivery& delivery) {
    if (delivery.token_read || !delivery.has_signature ||
        delivery.signature.size() > core::max_authorization_bytes)
        return delivery.claimed_issuer;
    text* issuer = nullptr;
    {
        // the reading owns C++ strings: the copy into PostgreSQL memory runs under pg_guard
        const core::ReadToken token = core::read_livekit_token(delivery.signature);
        if (std::optional<std::string_view> claimed = token.claimed_issuer()) {
            const std::string escaped = core::escape_control_characters(*claimed);
            pg_guard([&] { issuer = as_text(escaped); });
        }
    }
    return issuer;
}

// Counts a delivery that stored nothing new, and samples a rejection: the issuer its token
// claims, the body's size and hash (not for a body over callout.max_body_bytes, which is never
// hashed).
void record_answer(const Answer& answer, Delivery& delivery) {
    Values<CountParameter> counted;
    counted.put_text(CountParameter::status, core::status_name(answer.status));
    counted.put_text(CountParameter::reason,
                     answer.reason == Reason::ok ? "" : core::reason_name(answer.reason));
    run(count_delivery, counted);
    if (answer.status != Status::rejected) return;
    using P = SampleParameter;
    Values<P> sample;
    sample.put_text(P::reason, core::reason_name(answer.reason));
    if (text* issuer = claimed_issuer(delivery))
        sample.put(P::api_key, PointerGetDatum(issuer));
    else
        sample.put_null(P::api_key);
    if (delivery.body == nullptr) {
        sample.put_null(P::body_bytes);
        sample.put_null(P::body_sha256);
    } else {
        sample.put_int4(P::body_bytes, std::int64_t(delivery.body_text.size()));
        if (answer.reason != Reason::body_too_large && delivery.body_hash == nullptr)
            delivery.body_hash = body_sha256(delivery.signed_body);
        if (answer.reason == Reason::body_too_large)
            sample.put_null(P::body_sha256);
        else
            sample.put(P::body_sha256, PointerGetDatum(delivery.body_hash));
    }
    run(sample_rejection, sample);
}

// Keeps a delivery refused only because its key is unknown or revoked, whose token would pass
// every other check now and whose body is an event the delivery path would store
// (callout._park_delivery reads it: a body the parser or the event's reading raises an ERROR for
// is not parked, and the answer stays), so a key added late loses no call
// (callout.replay_parked_deliveries). The body is kept as received: the token signs those bytes.
// Bounded by callout.max_parked_deliveries and max_parked_bytes, the oldest dropped first. Only
// under READ COMMITTED, as storing an event: a parker's statements must see what the parker before
// it committed (the same delivery, the deliveries its bounds count), which an older snapshot does
// not, so the bounds would not hold and the same delivery would be a serialization failure rather
// than its answer.
void park(Delivery& delivery) {
    if (max_parked_deliveries == 0 || IsolationUsesXactSnapshot()) return;
    using P = ParkParameter;
    Values<P> row;
    // the instant its token was verified at: a replay verifies it there again
    row.put(P::parked_at, TimestampTzGetDatum(verification_instant()));
    row.put(P::api_key, PointerGetDatum(delivery.parked_key));
    row.put(P::body, PointerGetDatum(delivery.body));
    row.put_text(P::signature, delivery.signature);
    row.put(P::body_sha256, PointerGetDatum(delivery.body_hash));
    row.put_int4(P::max_deliveries, std::int64_t(max_parked_deliveries));
    row.put_int4(P::max_bytes, std::int64_t(max_parked_bytes));
    run(park_delivery, row);
}

// Sets a setting of callout's for the rest of the transaction, to the value a coordinator's
// session holds (SET LOCAL).
void use_setting(const char* name, const char* value) {
    (void)set_config_option(name, value, PGC_SUSET, PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0,
                            false);
}

}  // namespace

Datum deliver_to_tenant(FunctionCallInfo fcinfo) {
    for (int argument : {0, 1, 2, 4, 5, 7, 10, 11, 12, 13, 14})
        if (PG_ARGISNULL(argument))
            ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                            errmsg("callout._deliver_to_tenant needs its tenant, event, key, body, "
                                   "settings and instant")));
    MemoryContext caller_context = CurrentMemoryContext;
    if (SPI_connect() != SPI_OK_CONNECT)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("SPI_connect failed")));
    check_schema_version();
    char value[32];
    snprintf(value, sizeof value, "%.17g", PG_GETARG_FLOAT8(10));
    use_setting("callout.min_connected_seconds", value);
    snprintf(value, sizeof value, "%.17g", PG_GETARG_FLOAT8(11));
    use_setting("callout.min_completed_seconds", value);
    snprintf(value, sizeof value, "%d", PG_GETARG_INT32(12));
    use_setting("callout.max_events_per_call", value);
    snprintf(value, sizeof value, "%d", PG_GETARG_INT32(13));
    use_setting("callout.max_key_bytes_per_minute", value);

    text* user_id = PG_GETARG_TEXT_PP(0);
    Jsonb* payload = PG_GETARG_JSONB_P(1);
    core::LivekitEvent event;
    if (!JB_ROOT_IS_OBJECT(payload) ||
        read_livekit_event(&payload->root, event) != EventReading::processable)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("callout._deliver_to_tenant was given no event to store")));
    text* key_user = optional_text_arg(fcinfo, 3);
    TenantPart part = {
        &event,
        {text_view(PG_GETARG_TEXT_PP(2)), {}, text_view(key_user)},
        PG_GETARG_BYTEA_PP(4),
        payload,
        as_text(event.room_name),
        PG_GETARG_TIMESTAMPTZ(14),
        PG_GETARG_INT64(5),
        PG_ARGISNULL(6) ? std::nullopt : std::optional<std::int64_t>(PG_GETARG_INT64(6)),
        PG_GETARG_BOOL(7),
        std::nullopt};
    if (!part.match && !PG_ARGISNULL(8))
        part.call = MatchedCall{PG_GETARG_INT64(8), user_id, optional_text_arg(fcinfo, 9)};

    const TenantShards before = use_tenant_shards(user_id);
    const OutcomeNotices notices_before = hold_outcome_notices();
    Snapshot snapshot = statement_snapshot();
    const TenantResult result = tenant_part(part, snapshot);
    UnregisterSnapshot(snapshot);
    const std::optional<std::int64_t> notify_call = release_outcome_notices(notices_before);
    restore_tenant_shards(before);

    MemoryContext spi_context = MemoryContextSwitchTo(caller_context);
    using C = TenantDeliveryColumn;
    Values<C> row;
    row.put_text(C::status, core::status_name(result.answer.status));
    row.put_text(C::reason,
                 result.answer.reason == Reason::ok ? "" : core::reason_name(result.answer.reason));
    row.put_int8(C::call_id, result.answer.call_id);
    if (result.answer.outcome)
        row.put(C::outcome, *result.answer.outcome);
    else
        row.put_null(C::outcome);
    row.put_bool(C::unclaimed, result.unclaimed);
    row.put_bool(C::stored_already, result.stored_already);
    row.put_int8(C::notify_call_id, notify_call);
    Datum answer = result_row(fcinfo, row);
    MemoryContextSwitchTo(spi_context);
    SPI_finish();
    return answer;
}

void define_delivery_callbacks() {
    RegisterXactCallback(forget_schema_version_on_abort, nullptr);
}

Datum ingest(FunctionCallInfo fcinfo, text* body, Jsonb* payload, text* signature, int* http_status,
             std::optional<TimestampTz> parked_at) {
    // a delivery is the coordinator's, whatever its token: on a worker an ERROR LiveKit retries,
    // not an answer (a key unknown here would park it where no replay reads it)
    if (on_distributed_worker())
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("callout takes deliveries on the Citus coordinator"),
                        errdetail("The signing keys, parked deliveries, rejection counts and "
                                  "pending events are the coordinator's."),
                        errhint("Send LiveKit's webhooks to the coordinator.")));
    Delivery delivery = {body,    payload, {},      {},        {},     signature != nullptr,
                         nullptr, false,   nullptr, parked_at, nullptr};
    if (body != nullptr) delivery.body_text = {VARDATA_ANY(body), VARSIZE_ANY_EXHDR(body)};
    if (signature != nullptr)
        delivery.signature = {VARDATA_ANY(signature), VARSIZE_ANY_EXHDR(signature)};
    MemoryContext caller_context = CurrentMemoryContext;
    if (SPI_connect() != SPI_OK_CONNECT)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("SPI_connect failed")));
    check_schema_version();
    Answer answer = apply_delivery(delivery);
    if (answer.status != Status::processed && answer.status != Status::unmatched)
        record_answer(answer, delivery);
    if (delivery.parked_key != nullptr) park(delivery);
    if (http_status != nullptr) {
        *http_status = core::http_status(answer.status, answer.reason);
        // the sender learns that its signature failed, not why: which keys exist, or how near
        // a forged token came, is for the rejection log
        if (*http_status == 401) answer.reason = Reason::ok;
    }
    // the answer's values live in SPI's memory: the result is built in the caller's
    MemoryContext spi_context = MemoryContextSwitchTo(caller_context);
    using C = WebhookResultColumn;
    Values<C> row;
    row.put_text(C::status, core::status_name(answer.status));
    row.put_text(C::reason, answer.reason == Reason::ok ? "" : core::reason_name(answer.reason));
    row.put_text(C::event_id, answer.event_id);
    row.put_int8(C::call_id, answer.call_id);
    if (answer.outcome)
        row.put(C::outcome, *answer.outcome);
    else
        row.put_null(C::outcome);
    Datum result = result_row(fcinfo, row);
    MemoryContextSwitchTo(spi_context);
    SPI_finish();
    return result;
}

}  // namespace callout::pg
