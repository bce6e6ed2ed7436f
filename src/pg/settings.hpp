// callout's settings (GUCs), defined when the module loads.
#pragma once

#include <cstdint>

extern "C" {
#include "postgres.h"
#include "datatype/timestamp.h"
}

namespace callout::pg {

// callout.clock_leeway: seconds of clock skew allowed on a token's exp and nbf.
extern int clock_leeway_seconds;
// callout.verify_at, parsed when it is set: whether it pins the clock, and to which instant.
extern bool verify_at_pinned;
extern std::int64_t verify_at_unix_ms;
// callout.min_connected_seconds / min_completed_seconds: classify_outcome's thresholds at
// ingestion, rounded to 15 significant digits when set (as numeric reads a float8).
extern double min_connected_seconds;
extern double min_completed_seconds;
// callout.max_body_bytes: the largest body ingestion hashes and parses.
extern int max_body_bytes;
// callout.unmatched_window: seconds an unmatched event waits for its call to be registered.
extern int unmatched_window_seconds;
// callout.max_events_per_call: the most events a tenant's own key may store for one call.
extern int max_events_per_call;
// callout.max_key_bytes_per_minute: the most body bytes a tenant's own key may deliver a minute.
extern int max_key_bytes_per_minute;
// callout.max_parked_deliveries / max_parked_bytes: how many deliveries refused only for their
// key are kept, and their bytes (0 deliveries: none is kept).
extern int max_parked_deliveries;
extern int max_parked_bytes;
// callout.notify: whether NOTIFY callout_outcome is sent when an outcome is recorded or changes.
extern bool notify_outcomes;
// callout.user_id: the tenant a trusted gateway session acts for (ignored for anyone else).
extern char* acting_user_id;
// callout.tenant_token: the token statements act with. What token_tenant() answered is kept
// until tenant_token_generation moves: each change of the setting, each end of a transaction (the
// secret is read once a transaction) and each change of a role add one.
extern char* tenant_token_text;
extern std::uint64_t tenant_token_generation;

// The version this library was built as (callout.control's default_version).
extern const char* const library_version;

// Registers every callout.* setting; called once from _PG_init.
void define_settings();

// The instant tokens are verified at: callout.verify_at when it pins the clock, else the
// transaction's start.
TimestampTz verification_instant();

}  // namespace callout::pg
