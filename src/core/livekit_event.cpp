// Facts derived from a LiveKit event's plain fields (DESIGN.md §4).
#include "livekit_event.hpp"

#include "room_name.hpp"

namespace callout::core {

namespace {

// Seconds from one instant to a later one; nullopt when either is missing or time runs back.
std::optional<std::int64_t> seconds_between(std::optional<std::int64_t> from,
                                            std::optional<std::int64_t> to) {
    if (!from || !to || *to < *from) return std::nullopt;
    return *to - *from;
}

}  // namespace

bool is_sip_participant(const LivekitEvent& event) {
    return event.has_participant && is_sip_participant_kind(event.participant_kind);
}

// The number LiveKit's SIP service reports beats one parsed out of a room name.
std::string_view event_phone_number(const LivekitEvent& event) {
    if (!event.sip_phone_number.empty()) return event.sip_phone_number;
    return phone_number_from_room(event.room_name);
}

std::string_view event_campaign_id(const LivekitEvent& event) {
    return campaign_id_from_room(event.room_name);
}

// participant.joinedAt (seconds) is used rather than joinedAtMs: LiveKit's own duration is
// computed from the seconds fields, and the two can differ by one at a second's boundary.
std::optional<std::int64_t> event_call_duration(const LivekitEvent& event) {
    switch (event.type) {
        case EventType::participant_left:
        case EventType::participant_connection_aborted:
            return seconds_between(event.joined_at, event.created_at);
        case EventType::room_finished:
            return seconds_between(event.room_creation_time, event.created_at);
        default:
            return std::nullopt;
    }
}

}  // namespace callout::core
