// Which LiveKit webhook events callout acts on (DESIGN.md §4).
#pragma once
#include "no_postgres.hpp"

#include <string_view>

namespace callout::core {

enum class EventType {
    room_started,
    participant_joined,
    participant_left,
    participant_connection_aborted,
    room_finished,
    egress_ended,
    other,  // everything else: ignored, not stored
};

// The event type named by a webhook's `event` field; `other` for any name callout ignores.
EventType event_type_from_name(std::string_view name);

// True for events about a participant (joined, left, connection aborted).
bool is_participant_event(EventType type);

// True when an egress status means no recording exists (EGRESS_FAILED, EGRESS_ABORTED).
bool is_failed_egress_status(std::string_view status);

// True for the participant kind of the phone leg: `SIP` (or its protobuf number, 3).
bool is_sip_participant_kind(std::string_view kind);

}  // namespace callout::core
