// The facts of one LiveKit webhook event that callout acts on, as plain fields (read from the
// event's JSON by the bridge), and the facts derived from them (DESIGN.md §4).
#pragma once
#include "no_postgres.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

#include "events.hpp"

namespace callout::core {

// Views into the event's JSON; empty means absent. Instants are unix seconds (milliseconds
// where the name says so). Enum fields omitted by protobuf's JSON carry their zero value
// (participant_kind STANDARD, disconnect_reason UNKNOWN_REASON) once a participant is present.
struct LivekitEvent {
    EventType type = EventType::other;
    std::string_view event_name;
    std::string_view event_id;
    std::optional<std::int64_t> created_at;
    std::string_view room_name;
    std::string_view room_sid;
    std::string_view room_end_reason;
    std::optional<std::int64_t> room_creation_time;

    bool has_participant = false;
    std::string_view participant_identity;
    std::string_view participant_sid;
    std::string_view participant_name;
    std::string_view participant_kind;
    std::string_view disconnect_reason;
    std::optional<std::int64_t> joined_at;
    std::optional<std::int64_t> joined_at_ms;
    std::string_view sip_call_id;  // the `sip.*` attributes, of the SIP participant only
    std::string_view sip_call_id_full;
    std::string_view sip_call_status;
    std::string_view sip_phone_number;
    std::string_view sip_trunk_phone_number;
    std::string_view sip_trunk_id;
    std::string_view sip_rule_id;
    std::string_view sip_hostname;

    bool has_egress = false;
    std::string_view egress_id;
    std::string_view egress_status;
    std::string_view egress_error;
    std::string_view recording_location;
};

// True when the event's participant is the phone leg (kind SIP).
bool is_sip_participant(const LivekitEvent& event);

// The call's phone number as this event tells it: the SIP participant's `sip.phoneNumber`,
// else the E.164 number in the room name; empty when neither has one.
std::string_view event_phone_number(const LivekitEvent& event);

// The campaign id carried by the room name; empty when there is none.
std::string_view event_campaign_id(const LivekitEvent& event);

// The call's length as this event tells it, in whole seconds: createdAt - participant.joinedAt
// for a participant leaving (or its connection aborted), createdAt - room.creationTime for
// room_finished; nullopt for other events, a missing time, or an end before the start.
std::optional<std::int64_t> event_call_duration(const LivekitEvent& event);

}  // namespace callout::core
