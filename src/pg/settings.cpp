// callout's settings. Plain globals (no constructors), as GUC variables must be.
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "core/timestamps.hpp"
#include "pg/pg_compat.hpp"
#include "pg/settings.hpp"
#include "pg/unix_time.hpp"

extern "C" {
#include "postgres.h"
#include "access/xact.h"
#include "utils/guc.h"
}

namespace callout::pg {

int clock_leeway_seconds = 60;
bool verify_at_pinned = false;
std::int64_t verify_at_unix_ms = 0;
char* verify_at_text = nullptr;
double min_connected_seconds = 3;
double min_completed_seconds = 10;
int max_body_bytes = 1024 * 1024;
int unmatched_window_seconds = 600;
int max_events_per_call = 1000;
int max_key_bytes_per_minute = 64 * 1024 * 1024;
int max_parked_deliveries = 1000;
int max_parked_bytes = 64 * 1024 * 1024;
bool notify_outcomes = true;
char* acting_user_id = nullptr;
char* tenant_token_text = nullptr;
std::uint64_t tenant_token_generation = 0;

namespace {

// Parses callout.verify_at when it is set, so a wrong value is refused by SET itself and the
// instant never depends on the session's TimeZone: ISO 8601 / RFC 3339 (a time without a zone
// is UTC) or unix seconds, read by the core's parser. The parsed instant travels in `extra`.
bool check_verify_at(char** new_value, void** extra, GucSource) {
    if (*new_value == nullptr || (*new_value)[0] == '\0') return true;
    std::optional<std::int64_t> unix_ms = callout::core::parse_instant_ms(*new_value);
    if (!unix_ms) {
        GUC_check_errdetail(
            "Use ISO 8601 with a zone (for example 2026-01-01 12:00:00+00) or unix seconds.");
        return false;
    }
    // the server keeps `extra` and frees it itself: it must come from its GUC allocator
    auto* parsed = static_cast<std::int64_t*>(compat::guc_extra_alloc(sizeof(std::int64_t)));
    if (parsed == nullptr) return false;
    *parsed = *unix_ms;
    *extra = parsed;
    return true;
}

// callout.tenant_token changed (a SET, its end with the transaction or a savepoint): the tenant
// it names is read again.
void assign_tenant_token(const char*, void*) {
    ++tenant_token_generation;
}

void assign_verify_at(const char*, void* extra) {
    verify_at_pinned = extra != nullptr;
    verify_at_unix_ms = extra != nullptr ? *static_cast<std::int64_t*>(extra) : 0;
}

// Rounds callout.min_connected_seconds and min_completed_seconds once, when set, as a float8
// becomes numeric (15 significant digits): ingestion then compares the value classify_outcome
// is given for the setting (its float8 cast to numeric, as SQL reads it from _ingest_settings),
// and no delivery rounds it again.
bool round_threshold(double* new_value, void**, GucSource) {
    char digits[32];
    snprintf(digits, sizeof digits, "%.15g", *new_value);
    *new_value = std::strtod(digits, nullptr);
    return true;
}

}  // namespace

// Everything that decides whether a delivery is accepted or how a call is classified is
// superuser-settable only: ingestion runs as its owner, and a session that could widen the
// leeway, pin the clock or move the thresholds could replay old tokens or rewrite outcomes.
// callout.user_id is for every session, but only a trusted gateway's value is ever read.
void define_settings() {
    DefineCustomIntVariable("callout.clock_leeway",
                            "Seconds of clock skew allowed when checking a token's exp and nbf.",
                            "LiveKit's Go server allows 60 seconds; its JavaScript SDK 10.",
                            &clock_leeway_seconds, 60, 0, 3600, PGC_SUSET, GUC_UNIT_S, nullptr,
                            nullptr, nullptr);
    DefineCustomStringVariable(
        "callout.verify_at", "The instant ingestion verifies tokens at; empty for the real clock.",
        "For replaying recorded deliveries and for tests.", &verify_at_text, "", PGC_SUSET, 0,
        check_verify_at, assign_verify_at, nullptr);
    DefineCustomRealVariable("callout.min_connected_seconds",
                             "Below this many seconds a call never connected (failed).", nullptr,
                             &min_connected_seconds, 3, 0, 86400, PGC_SUSET, 0, round_threshold,
                             nullptr, nullptr);
    DefineCustomRealVariable("callout.min_completed_seconds",
                             "Below this many seconds a connected call counts as no_answer.",
                             nullptr, &min_completed_seconds, 10, 0, 86400, PGC_SUSET, 0,
                             round_threshold, nullptr, nullptr);
    DefineCustomIntVariable("callout.max_body_bytes",
                            "The largest webhook body ingestion accepts (checked before hashing).",
                            nullptr, &max_body_bytes, 1024 * 1024, 1, 64 * 1024 * 1024, PGC_SUSET,
                            GUC_UNIT_BYTE, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "callout.unmatched_window",
        "How long an event that found no call waits to be applied when its call is registered.",
        nullptr, &unmatched_window_seconds, 600, 0, 7 * 86400, PGC_SUSET, GUC_UNIT_S, nullptr,
        nullptr, nullptr);
    // A key bound to a tenant is a tenant's: what it can make callout store is bounded, so one
    // tenant cannot fill the disk or make every delivery of a call read thousands of events.
    DefineCustomIntVariable("callout.max_events_per_call",
                            "The most events a key bound to a tenant may store for one call.",
                            "Beyond it, that key's deliveries for the call are refused "
                            "(too_many_events); 0 for no limit.",
                            &max_events_per_call, 1000, 0, INT_MAX, PGC_SUSET, 0, nullptr, nullptr,
                            nullptr);
    DefineCustomIntVariable("callout.max_key_bytes_per_minute",
                            "The most body bytes a key bound to a tenant may deliver in a minute.",
                            "Beyond it, that key's deliveries are refused until the next minute "
                            "(key_rate_limit); 0 for no limit.",
                            &max_key_bytes_per_minute, 64 * 1024 * 1024, 0, INT_MAX, PGC_SUSET,
                            GUC_UNIT_BYTE, nullptr, nullptr, nullptr);
    // What an unknown key's deliveries may keep: an unauthenticated sender can fill it, so it
    // is bounded, the oldest dropped first (DESIGN.md §3).
    DefineCustomIntVariable("callout.max_parked_deliveries",
                            "The most deliveries refused only for their key that are kept.",
                            "They are replayed by callout.replay_parked_deliveries() once the key "
                            "is added; 0 keeps none.",
                            &max_parked_deliveries, 1000, 0, 1000000, PGC_SUSET, 0, nullptr,
                            nullptr, nullptr);
    DefineCustomIntVariable("callout.max_parked_bytes",
                            "The most bytes (bodies and tokens) the parked deliveries may hold.",
                            nullptr, &max_parked_bytes, 64 * 1024 * 1024, 0, INT_MAX, PGC_SUSET,
                            GUC_UNIT_BYTE, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable(
        "callout.notify",
        "Send NOTIFY callout_outcome (the call id) when an outcome is recorded "
        "or changes.",
        nullptr, &notify_outcomes, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomStringVariable("callout.user_id", "The tenant a trusted gateway session acts for.",
                               "Ignored unless the session's login role is a trusted gateway.",
                               &acting_user_id, "", PGC_USERSET, 0, nullptr, nullptr, nullptr);
    // The tenant token a statement acts with (DESIGN.md §7): anyone may set it, and only its
    // signature makes it name a tenant.
    DefineCustomStringVariable(
        "callout.tenant_token", "The tenant token statements act with (callout.token_tenant()).",
        "Names a tenant only when signed for the current database and role with the secret in "
        "callout.tenant_token_secret.",
        &tenant_token_text, "", PGC_USERSET, GUC_NOT_IN_SAMPLE, nullptr, assign_tenant_token,
        nullptr);
    MarkGUCPrefixReserved("callout");
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
