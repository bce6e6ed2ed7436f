// The call row as a function of the set of its stored events (DESIGN.md §4): never of the order
// they arrived in. Each field takes its value from the event that ranks first for it: by the
// event table (a SIP leave before room_finished, room_started for the start), then the later
// createdAt, then the greater event id (its bytes, so no database collation changes the winner).
#pragma once
#include "no_postgres.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "classify.hpp"
#include "events.hpp"

namespace callout::core {

// One stored event's facts the row is made from. Instants are in any one unit (the bridge uses
// PostgreSQL's microseconds); empty views are SQL NULLs.
struct StoredEvent {
    EventType type = EventType::other;
    std::string_view event_id;
    std::optional<std::int64_t> created_at;
    std::string_view room_sid;
    std::optional<std::int64_t> room_creation_time;
    bool is_sip = false;
    std::string_view participant_identity;
    std::optional<std::int64_t> joined_at;
    std::string_view disconnect_reason;
    std::string_view sip_call_status;
    std::string_view sip_phone_number;
    std::string_view sip_call_id;       // sip.callID: LiveKit's id of the SIP call
    std::string_view sip_call_id_full;  // sip.callIDFull: the trunk's SIP Call-ID
    std::optional<std::int64_t> call_duration_seconds;
    std::string_view recording_url;
};

// The webhook-owned facts of a call row; views point into the events.
struct CallRowFacts {
    bool ended = false;     // a SIP leg left, or the room finished
    bool sip_seen = false;  // any event of the phone leg
    std::string_view room_sid;
    std::optional<std::int64_t> started_at;
    std::optional<std::int64_t> ended_at;
    std::optional<std::int64_t> duration_seconds;
    std::string_view disconnect_reason;
    std::string_view sip_call_status;
    std::string_view sip_phone_number;
    std::string_view sip_call_id;
    std::string_view sip_call_id_full;
    std::string_view recording_url;
    std::optional<Outcome> outcome;           // set once the call ended
    std::optional<std::int64_t> answered_at;  // an answered call: when its phone leg joined
    bool answered_on_join = false;            // that leg joined already answered
};

// The row made from events[0..count). A call whose phone leg was never seen is classified
// without a duration (failed): the room's own lifetime says nothing about a phone that never
// connected. The reason, SIP status, phone number and SIP call ids belong to the phone leg whose
// leave ended the call: other events of that same participant may fill in (UNKNOWN_REASON never
// overwrites a real reason), another leg's never do; before any leg has left, any leg's (the two
// SIP call ids then both of the leg of the latest event carrying one: they name one call). A reason
// sent as its number is the row's as its name (disconnect_reason_name).
//
// The call was answered when its outcome is completed or a SIP event of that leg reports an
// answered status (is_answered_sip_call_status), ended or not. LiveKit reports no answer instant:
// answered_at is when the answering leg joined (the leg that ended the call; while none has left,
// the leg whose status said answered), which is the answer itself only when that leg joined
// already answered (answered_on_join: a participant_joined of it reports an answered status);
// otherwise it includes the ringing.
CallRowFacts call_row_from_events(const StoredEvent* events, std::size_t count,
                                  double min_connected_seconds, double min_completed_seconds);

// The call's phone number (DESIGN.md §4): the number it was registered with when it has one,
// else the phone leg's (CallRowFacts::sip_phone_number), else the E.164 number in the room name;
// nullopt when none is known.
std::optional<std::string_view> call_phone_number(std::optional<std::string_view> registered,
                                                  std::string_view leg_number,
                                                  std::string_view room_name);

}  // namespace callout::core
