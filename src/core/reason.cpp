// The answer's vocabulary (DESIGN.md §3).
#include "reason.hpp"

namespace callout::core {

// Spelled as the enumerators, because SQL reports them as the reason codes; a duplicate's
// "already processed" keeps the space the original module answered with.
const char* reason_name(Reason reason) {
    switch (reason) {
        case Reason::ok:
            return "ok";
        case Reason::empty_authorization:
            return "empty_authorization";
        case Reason::malformed_jwt:
            return "malformed_jwt";
        case Reason::malformed_signature:
            return "malformed_signature";
        case Reason::alg_not_allowed:
            return "alg_not_allowed";
        case Reason::missing_iss:
            return "missing_iss";
        case Reason::unknown_api_key:
            return "unknown_api_key";
        case Reason::bad_signature:
            return "bad_signature";
        case Reason::missing_exp:
            return "missing_exp";
        case Reason::expired:
            return "expired";
        case Reason::not_yet_valid:
            return "not_yet_valid";
        case Reason::missing_sha256:
            return "missing_sha256";
        case Reason::sha256_mismatch:
            return "sha256_mismatch";
        case Reason::jwt_needs_raw_body:
            return "jwt_needs_raw_body";
        case Reason::body_too_large:
            return "body_too_large";
        case Reason::body_not_json:
            return "body_not_json";
        case Reason::missing_event_id:
            return "missing_event_id";
        case Reason::missing_room_name:
            return "missing_room_name";
        case Reason::too_many_events:
            return "too_many_events";
        case Reason::key_rate_limit:
            return "key_rate_limit";
        case Reason::already_processed:
            return "already processed";
        case Reason::conflicting_duplicate:
            return "conflicting_duplicate";
    }
    return "unknown";
}

const char* status_name(Status status) {
    switch (status) {
        case Status::processed:
            return "processed";
        case Status::duplicate:
            return "duplicate";
        case Status::unmatched:
            return "unmatched";
        case Status::ignored:
            return "ignored";
        case Status::rejected:
            return "rejected";
    }
    return "rejected";
}

// A delivery LiveKit sends again unless it hears 2xx; only rejections are not 200.
int http_status(Status status, Reason reason) {
    if (status != Status::rejected) return 200;
    switch (reason) {
        case Reason::body_too_large:
            return 413;
        case Reason::body_not_json:
        case Reason::missing_event_id:
        case Reason::missing_room_name:
            return 400;
        case Reason::too_many_events:
        case Reason::key_rate_limit:
            return 429;
        default:
            return 401;
    }
}

// Reasons and statuses are read back by the names they are written with (a Citus node's answer
// to its coordinator): each enumerator's name, tried in turn.
std::optional<Reason> reason_named(std::string_view name) {
    for (int i = 0; i <= static_cast<int>(Reason::conflicting_duplicate); ++i)
        if (name == reason_name(static_cast<Reason>(i))) return static_cast<Reason>(i);
    return std::nullopt;
}

std::optional<Status> status_named(std::string_view name) {
    for (int i = 0; i <= static_cast<int>(Status::rejected); ++i)
        if (name == status_name(static_cast<Status>(i))) return static_cast<Status>(i);
    return std::nullopt;
}

}  // namespace callout::core
