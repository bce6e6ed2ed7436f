// Which LiveKit webhook events callout acts on (DESIGN.md §4).
#include "events.hpp"

namespace callout::core {

// Webhook `event` names are exact lower-case strings in LiveKit's server; anything else
// (track_published, egress_started, ingress_*, a future event) is ignored, not stored.
EventType event_type_from_name(std::string_view name) {
    if (name == "room_started") return EventType::room_started;
    if (name == "participant_joined") return EventType::participant_joined;
    if (name == "participant_left") return EventType::participant_left;
    if (name == "participant_connection_aborted") return EventType::participant_connection_aborted;
    if (name == "room_finished") return EventType::room_finished;
    if (name == "egress_ended") return EventType::egress_ended;
    return EventType::other;
}

// Participant events are the ones whose `participant` decides whether they touch the call
// (only the SIP leg does).
bool is_participant_event(EventType type) {
    return type == EventType::participant_joined || type == EventType::participant_left ||
           type == EventType::participant_connection_aborted;
}

// EgressStatus (livekit/protocol, livekit_egress.proto): FAILED = 4 and ABORTED = 5 leave no
// recording. LIMIT_REACHED (6) is not a failure: the egress stopped at its configured limit
// and uploaded what it recorded. Numbers are accepted as protobuf JSON readers accept them.
bool is_failed_egress_status(std::string_view status) {
    return status == "EGRESS_FAILED" || status == "EGRESS_ABORTED" || status == "4" ||
           status == "5";
}

// ParticipantInfo.Kind (livekit/protocol, livekit_models.proto): SIP = 3. An omitted kind is
// STANDARD (0), never SIP.
bool is_sip_participant_kind(std::string_view kind) {
    return kind == "SIP" || kind == "3";
}

}  // namespace callout::core
