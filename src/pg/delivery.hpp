// One delivery, from its limits and signature to the stored event and the call row (DESIGN.md
// §3, §4, §6), as process_livekit_webhook, _ingest and livekit_webhook run it.
#pragma once

#include <optional>

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "utils/jsonb.h"
#include "datatype/timestamp.h"
}

namespace callout::pg {

// Runs one delivery and its record in the metrics, and returns its answer, a
// callout.webhook_result built in the caller's memory. payload is given (and body is its text)
// when the caller holds jsonb. http_status, when given, receives the status a webhook endpoint
// answers with (core::http_status). parked_at, when given, replays a delivery parked then: its
// token is verified at that instant, and it is not parked again.
Datum ingest(FunctionCallInfo fcinfo, text* body, Jsonb* payload, text* signature,
             int* http_status = nullptr, std::optional<TimestampTz> parked_at = std::nullopt);

// _deliver_to_tenant's body: a tenant's part of a delivery its Citus coordinator verified, on the
// node of the tenant's shards (the arguments and answer are the SQL function's, DESIGN.md §7).
Datum deliver_to_tenant(FunctionCallInfo fcinfo);

// Registers with the server what the delivery path needs told of transactions (called once, from
// _PG_init).
void define_delivery_callbacks();

}  // namespace callout::pg
