// What callout answers for a delivery (DESIGN.md §3): a status, and for a rejection or a
// duplicate a reason. One vocabulary, from token verification to the SQL answer and the HTTP
// status PostgREST sends back.
#pragma once
#include "no_postgres.hpp"

#include <optional>
#include <string_view>

namespace callout::core {

// Why a delivery is refused or answered as a duplicate; `ok` for neither. Token verification
// gives ok and the values from empty_authorization to sha256_mismatch but malformed_signature.
enum class Reason {
    ok,
    empty_authorization,
    malformed_jwt,
    malformed_signature,
    alg_not_allowed,
    missing_iss,
    unknown_api_key,
    bad_signature,
    missing_exp,
    expired,
    not_yet_valid,
    missing_sha256,
    sha256_mismatch,
    jwt_needs_raw_body,
    body_too_large,
    body_not_json,
    missing_event_id,
    missing_room_name,
    too_many_events,
    key_rate_limit,
    already_processed,
    conflicting_duplicate,
};

// The reason as SQL sees it ("ok", "malformed_jwt", ..., "already processed"): a static string.
const char* reason_name(Reason reason);

// The reason a name of reason_name's stands for; none for another string.
std::optional<Reason> reason_named(std::string_view name);

// What became of a delivery.
enum class Status { processed, duplicate, unmatched, ignored, rejected };

// The status as SQL sees it ("processed", ...): a static string.
const char* status_name(Status status);

// The status a name of status_name's stands for; none for another string.
std::optional<Status> status_named(std::string_view name);

// The HTTP status a webhook endpoint answers with: 200 for every delivery LiveKit must not send
// again (processed, duplicate, unmatched, ignored), 413 for a body too large, 400 for a body
// that is no LiveKit event, 429 for a tenant's key over its bounds, 401 for a signature that
// does not verify.
int http_status(Status status, Reason reason);

}  // namespace callout::core
