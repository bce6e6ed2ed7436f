// The call an event belongs to (DESIGN.md §6), found by probing call_log's room indexes directly
// (no statement: a plan's start-up costs more than the probes), chosen by the core's rule
// (core/matching.hpp); and whether an event waits in the pending store for its room.
#pragma once

#include <cstdint>
#include <optional>

#include "pg/boundary.hpp"

extern "C" {
#include "postgres.h"
#include "utils/snapshot.h"
}

namespace callout::pg {

// The matched call, with what a delivery reads of it (copied into the current memory context).
struct MatchedCall {
    std::int64_t id;
    text* user_id;
    text* registered_phone_number;  // nullptr: none (its room name is the event's)
};
CALLOUT_PLAIN_DATA(MatchedCall);

// The call an event of room sid room_sid (nullptr: none) and room name room_name belongs to, for
// a key of tenant key_user_id (nullptr: an unbound key), as snapshot sees call_log.
std::optional<MatchedCall> matching_call(text* room_sid, text* room_name, text* key_user_id,
                                         Snapshot snapshot);

// Whether the pending store holds event event_id, for room room_name, as snapshot sees it.
bool waits_in_pending(text* event_id, text* room_name, Snapshot snapshot);

}  // namespace callout::pg
