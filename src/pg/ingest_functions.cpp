// The SQL-callable entry points of ingestion (DESIGN.md §3, §6, §7): a delivery in its three
// forms, and the C helpers the schema's SQL calls.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "core/call_row.hpp"
#include "core/limits.hpp"
#include "core/livekit_token.hpp"
#include "pg/args.hpp"
#include "pg/boundary.hpp"
#include "pg/call_row.hpp"
#include "pg/delivery.hpp"
#include "pg/direct_read.hpp"
#include "pg/json_body.hpp"
#include "pg/json_fields.hpp"
#include "pg/key_cache.hpp"
#include "pg/matching.hpp"
#include "pg/room_lock.hpp"
#include "pg/settings.hpp"
#include "pg/statement.hpp"

extern "C" {
#include "catalog/pg_type_d.h"
#include "commands/trigger.h"
#include "utils/snapmgr.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/guc.h"
#include "utils/timestamp.h"
}

namespace {

// The Authorization header of a PostgREST request (request.headers, which PostgREST sets as a
// JSON object with lower-case names); nullptr when there is none.
text* request_authorization() {
    const char* headers = GetConfigOption("request.headers", true, false);
    if (headers == nullptr) return nullptr;
    Jsonb* parsed = callout::pg::parse_json_body(cstring_to_text(headers));
    if (parsed == nullptr) return nullptr;
    std::optional<std::string_view> authorization =
        callout::pg::json_field_text(&parsed->root, "authorization");
    if (!authorization) return nullptr;
    return cstring_to_text_with_len(authorization->data(), int(authorization->size()));
}

#define INGEST_SETTINGS_COLUMNS(X)       \
    X(verify_at, TIMESTAMPTZOID)         \
    X(max_body_bytes, INT4OID)           \
    X(clock_leeway, INT4OID)             \
    X(min_connected_seconds, FLOAT8OID)  \
    X(min_completed_seconds, FLOAT8OID)  \
    X(unmatched_window_seconds, INT4OID) \
    X(notify, BOOLOID)                   \
    X(max_key_bytes, INT4OID)            \
    X(max_room_name_bytes, INT4OID)
CALLOUT_FIELDS(IngestSettingsColumn, INGEST_SETTINGS_COLUMNS);

}  // namespace

// process_livekit_webhook(body text, signature text) RETURNS callout.webhook_result: verify one
// LiveKit delivery (raw body and Authorization header), store its event exactly once and update
// its call.
CALLOUT_SQL_FUNCTION(callout_process_livekit_webhook) {
    return callout::pg::ingest(fcinfo, PG_ARGISNULL(0) ? nullptr : PG_GETARG_TEXT_PP(0), nullptr,
                               PG_ARGISNULL(1) ? nullptr : PG_GETARG_TEXT_PP(1));
}

// _ingest(body text, payload jsonb, signature text) RETURNS callout.webhook_result: one delivery
// whose caller holds jsonb (payload, with body its text).
CALLOUT_SQL_FUNCTION(callout_ingest) {
    return callout::pg::ingest(fcinfo, PG_ARGISNULL(0) ? nullptr : PG_GETARG_TEXT_PP(0),
                               PG_ARGISNULL(1) ? nullptr : PG_GETARG_JSONB_P(1),
                               PG_ARGISNULL(2) ? nullptr : PG_GETARG_TEXT_PP(2));
}

// livekit_webhook(text) RETURNS callout.webhook_result: LiveKit's delivery as PostgREST presents
// it (the raw body; the Authorization header from request.headers), answered with
// response.status set for the request (core::http_status).
CALLOUT_SQL_FUNCTION(callout_livekit_webhook) {
    int http_status = 0;
    Datum answer = callout::pg::ingest(fcinfo, PG_ARGISNULL(0) ? nullptr : PG_GETARG_TEXT_PP(0),
                                       nullptr, request_authorization(), &http_status);
    char status[8];
    snprintf(status, sizeof status, "%d", http_status);
    (void)set_config_option("response.status", status, PGC_USERSET, PGC_S_SESSION, GUC_ACTION_LOCAL,
                            true, 0, false);
    return answer;
}

// _replay_delivery(body text, signature text, parked_at timestamptz) RETURNS
// callout.webhook_result: a delivery parked for its key, run again through the delivery path with
// its token verified at the instant it was parked (STRICT).
CALLOUT_SQL_FUNCTION(callout_replay_delivery) {
    return callout::pg::ingest(fcinfo, PG_GETARG_TEXT_PP(0), nullptr, PG_GETARG_TEXT_PP(1), nullptr,
                               PG_GETARG_TIMESTAMPTZ(2));
}

// _token_issuer(authorization text) RETURNS text: the unverified `iss` a token claims; NULL when
// there is none.
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

// _parse_json_body(body text) RETURNS jsonb: the body as jsonb, or NULL when it is not JSON.
CALLOUT_SQL_FUNCTION(callout_parse_json_body) {
    Jsonb* payload = callout::pg::parse_json_body(PG_GETARG_TEXT_PP(0));
    if (payload == nullptr) PG_RETURN_NULL();
    PG_RETURN_JSONB_P(payload);
}

// _ingest_settings() RETURNS callout.ingest_settings: the settings ingestion runs with and the
// lengths it stores, read in one call (which also loads the module, so the settings exist).
CALLOUT_SQL_FUNCTION(callout_ingest_settings) {
    using namespace callout::pg;
    using C = IngestSettingsColumn;
    Values<C> row;
    row.put(C::verify_at, TimestampTzGetDatum(verification_instant()));
    row.put(C::max_body_bytes, Int32GetDatum(max_body_bytes));
    row.put(C::clock_leeway, Int32GetDatum(clock_leeway_seconds));
    row.put(C::min_connected_seconds, Float8GetDatum(min_connected_seconds));
    row.put(C::min_completed_seconds, Float8GetDatum(min_completed_seconds));
    row.put(C::unmatched_window_seconds, Int32GetDatum(unmatched_window_seconds));
    row.put_bool(C::notify, notify_outcomes);
    row.put_int4(C::max_key_bytes, std::int64_t(callout::core::max_key_bytes));
    row.put_int4(C::max_room_name_bytes, std::int64_t(callout::core::max_room_name_bytes));
    PG_RETURN_DATUM(result_row(fcinfo, row));
}

// _invoking_role() RETURNS oid: the role the session acts as outside any SECURITY DEFINER
// function (after SET ROLE), which SQL's current_user cannot tell from inside one.
CALLOUT_SQL_FUNCTION(callout_invoking_role) {
    (void)fcinfo;
    PG_RETURN_OID(GetOuterUserId());
}

// _lock_room(room_name text) RETURNS void: the room lock registration takes (lock_room). On a
// distributed callout it is the coordinator's, which every registration goes through.
CALLOUT_SQL_FUNCTION(callout_lock_room) {
    callout::pg::lock_room(PG_GETARG_TEXT_PP(0));
    PG_RETURN_VOID();
}

// _matching_call_id(room_sid text, room_name text, key_user_id text) RETURNS bigint: the call an
// event of this room sid and name belongs to, for a key of this tenant (NULL: unbound), as the
// calling statement sees call_log (matching_call); NULL for none. On a Citus coordinator whose
// call tables are distributed, among the candidates of every tenant of the room's name, each
// read on its tenant's node (what a delivery's matching does there); on a node that holds the
// key's tenant's shards, in those shards, which hold other tenants' calls only where they hash
// alike (callout runs no matching there that depends on them).
CALLOUT_SQL_FUNCTION(callout_matching_call_id) {
    if (PG_ARGISNULL(1)) PG_RETURN_NULL();
    const bool asks_nodes = callout::pg::call_tables_beyond_reach();
    const bool in_tenant_shards = !asks_nodes && !PG_ARGISNULL(2);
    const callout::pg::TenantShards before =
        in_tenant_shards ? callout::pg::use_tenant_shards(PG_GETARG_TEXT_PP(2))
                         : callout::pg::TenantShards{};
    if (asks_nodes && SPI_connect() != SPI_OK_CONNECT)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("SPI_connect failed")));
    std::optional<callout::pg::MatchedCall> call = callout::pg::matching_call(
        PG_ARGISNULL(0) ? nullptr : PG_GETARG_TEXT_PP(0), PG_GETARG_TEXT_PP(1),
        PG_ARGISNULL(2) ? nullptr : PG_GETARG_TEXT_PP(2), GetActiveSnapshot());
    if (asks_nodes) SPI_finish();
    if (in_tenant_shards) callout::pg::restore_tenant_shards(before);
    if (!call) PG_RETURN_NULL();
    PG_RETURN_INT64(call->id);
}

// _deliver_to_tenant(user_id text, payload jsonb, api_key text, key_user_id text, body_sha256
// bytea, body_bytes bigint, bytes_this_minute bigint, match boolean, call_id bigint,
// registered_phone_number text, min_connected_seconds, min_completed_seconds double precision,
// max_events_per_call, max_key_bytes_per_minute integer) RETURNS record: a tenant's part of a
// delivery a Citus coordinator verified, on the node of its shards (distributed by user_id).
CALLOUT_SQL_FUNCTION(callout_deliver_to_tenant) {
    return callout::pg::deliver_to_tenant(fcinfo);
}

// _call_candidates(user_id text, room_sid text, room_name text) RETURNS TABLE (kind text,
// call_id bigint, origin text, registered_phone_number text): a tenant's calls an event of this
// room may belong to (matching_call's candidates: kind bound or named), and a row of kind sid when
// the tenant holds the sid on any call, read in its shards on this node. What a Citus
// coordinator's matching asks each tenant's node (distributed by user_id).
CALLOUT_SQL_FUNCTION(callout_call_candidates) {
    return callout::pg::tenant_call_candidates(fcinfo, callout::pg::optional_text_arg(fcinfo, 0),
                                               callout::pg::optional_text_arg(fcinfo, 1),
                                               callout::pg::optional_text_arg(fcinfo, 2));
}

// _tenant_relation(name text, user_id text) RETURNS regclass: the relation of callout's schema a
// name stands for with a tenant's rows (callout_relation): the table, or on a distributed callout
// the tenant's shard of it on this node.
CALLOUT_SQL_FUNCTION(callout_tenant_relation) {
    const callout::pg::TenantShards before = callout::pg::use_tenant_shards(PG_GETARG_TEXT_PP(1));
    const Oid relid = callout::pg::callout_relation(text_to_cstring(PG_GETARG_TEXT_PP(0)));
    callout::pg::restore_tenant_shards(before);
    PG_RETURN_OID(relid);
}

// _recompute_call(call_id bigint, user_id text, instant timestamptz) RETURNS callout.call_outcome:
// the call's webhook-owned columns recomputed from the set of its events, written at instant (its
// updated_at: the caller's transaction's); its outcome (NULL while it has not ended, or for no
// such call). A new or changed outcome sends NOTIFY callout_outcome (callout.notify). On a
// distributed callout, in the shards of the call's tenant, user_id.
CALLOUT_SQL_FUNCTION(callout_recompute_call) {
    if (SPI_connect() != SPI_OK_CONNECT)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("SPI_connect failed")));
    const callout::pg::TenantShards before = callout::pg::use_tenant_shards(PG_GETARG_TEXT_PP(1));
    std::optional<Datum> outcome =
        callout::pg::recompute_call(PG_GETARG_INT64(0), PG_GETARG_TIMESTAMPTZ(2));
    callout::pg::restore_tenant_shards(before);
    SPI_finish();
    if (!outcome) PG_RETURN_NULL();
    PG_RETURN_DATUM(*outcome);
}

// _signing_keys_changed() RETURNS trigger: the statement trigger of every change to
// callout.signing_key, which empties the key cache of every backend (key_cache.hpp).
CALLOUT_SQL_FUNCTION(callout_signing_keys_changed) {
    if (!CALLED_AS_TRIGGER(fcinfo))
        ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                        errmsg("callout._signing_keys_changed is a trigger")));
    callout::pg::invalidate_key_caches(
        reinterpret_cast<TriggerData*>(fcinfo->context)->tg_relation);
    return PointerGetDatum(nullptr);
}
