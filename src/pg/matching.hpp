// The call an event belongs to (DESIGN.md §6), found by probing call_log's room indexes directly
// (no statement: a plan's start-up costs more than the probes), chosen by the core's rule
// (core/matching.hpp); and whether an event waits in the pending store for its room. On a Citus
// coordinator the candidates are read on the node of each tenant whose calls used the room's name
// (callout.room_tenant), by _call_candidates.
#pragma once

#include <cstdint>
#include <optional>

#include "pg/boundary.hpp"

extern "C" {
#include "postgres.h"
#include "fmgr.h"
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

// The tenants whose calls used a room name, on a distributed callout (callout.room_tenant; SPI
// is connected): no other tenant has a call of that name, open or bound to a sid (calls are made
// through callout.register_call or a delivery; distribute() lists those written otherwise).
struct RoomTenants {
    text** user_ids;
    std::size_t count;
};
CALLOUT_PLAIN_DATA(RoomTenants);
RoomTenants tenants_of_room(text* room_name);

// The call an event of room sid room_sid (nullptr: none) and room name room_name belongs to, for
// a key of tenant key_user_id (nullptr: an unbound key), as snapshot sees call_log; on a Citus
// coordinator, as the node of each tenant of the room's name (room: as read already; nullptr:
// read here) sees it now.
std::optional<MatchedCall> matching_call(text* room_sid, text* room_name, text* key_user_id,
                                         Snapshot snapshot, const RoomTenants* room = nullptr);

// _call_candidates(user_id, room_sid, room_name)'s rows: a tenant's calls that may be an event's,
// read in its shards on this node; none when user_id or room_name is nullptr (NULL).
Datum tenant_call_candidates(FunctionCallInfo fcinfo, text* user_id, text* room_sid,
                             text* room_name);

// Whether the pending store holds event event_id, for room room_name, as snapshot sees it.
bool waits_in_pending(text* event_id, text* room_name, Snapshot snapshot);

}  // namespace callout::pg
