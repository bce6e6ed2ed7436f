#include "call_row.hpp"

#include "room_name.hpp"

namespace callout::core {

namespace {

// Whether a ranks before b among events equally preferred: the later createdAt (a known one
// before an unknown one), then the greater event id.
bool later(const StoredEvent& a, const StoredEvent& b) {
    if (a.created_at != b.created_at) {
        if (!b.created_at) return true;
        if (!a.created_at) return false;
        return *a.created_at > *b.created_at;
    }
    return a.event_id > b.event_id;
}

// The event that ranks first among those `eligible` accepts: those `preferred` says true of
// first, then later(); nullptr when none is eligible.
template <typename Eligible, typename Preferred>
const StoredEvent* first_ranked(const StoredEvent* events, std::size_t count, Eligible eligible,
                                Preferred preferred) {
    const StoredEvent* best = nullptr;
    for (std::size_t i = 0; i < count; ++i) {
        const StoredEvent& event = events[i];
        if (!eligible(event)) continue;
        if (best == nullptr) {
            best = &event;
            continue;
        }
        bool event_preferred = preferred(event);
        bool best_preferred = preferred(*best);
        if (event_preferred != best_preferred ? event_preferred : later(event, *best))
            best = &event;
    }
    return best;
}

// No preference beyond later().
bool none(const StoredEvent&) {
    return false;
}

// A participant leaving, or its connection aborted: how a leg ends.
bool is_leave(EventType type) {
    return type == EventType::participant_left || type == EventType::participant_connection_aborted;
}

std::optional<std::string_view> unless_empty(std::string_view value) {
    if (value.empty()) return std::nullopt;
    return value;
}

}  // namespace

CallRowFacts call_row_from_events(const StoredEvent* events, std::size_t count,
                                  double min_connected_seconds, double min_completed_seconds) {
    auto is_room_started = [](const StoredEvent& e) { return e.type == EventType::room_started; };
    const StoredEvent* sip_end = first_ranked(
        events, count, [](const StoredEvent& e) { return e.is_sip && is_leave(e.type); }, none);
    const StoredEvent* room_end = first_ranked(
        events, count, [](const StoredEvent& e) { return e.type == EventType::room_finished; },
        none);
    const StoredEvent* with_sid = first_ranked(
        events, count, [](const StoredEvent& e) { return !e.room_sid.empty(); }, is_room_started);
    const StoredEvent* with_start = first_ranked(
        events, count, [](const StoredEvent& e) { return e.room_creation_time.has_value(); },
        is_room_started);
    // the same participant as the leave that ended the call (no such leave: any leg's status)
    auto same_leg = [sip_end](const StoredEvent& e) {
        return sip_end == nullptr || e.participant_identity == sip_end->participant_identity;
    };
    const StoredEvent* with_reason = first_ranked(
        events, count,
        [&](const StoredEvent& e) {
            return e.is_sip && is_leave(e.type) && !e.disconnect_reason.empty() && same_leg(e);
        },
        [](const StoredEvent& e) {
            return disconnect_reason_name(e.disconnect_reason) != "UNKNOWN_REASON";
        });
    const StoredEvent* with_status = first_ranked(
        events, count,
        [&](const StoredEvent& e) { return e.is_sip && !e.sip_call_status.empty() && same_leg(e); },
        [](const StoredEvent& e) { return is_leave(e.type); });
    // the number of the leg that ended the call, as its reason and status; none from another leg
    // (a transferred caller who hides its number is not the transfer target)
    const StoredEvent* with_number = first_ranked(
        events, count,
        [&](const StoredEvent& e) {
            return e.is_sip && !e.sip_phone_number.empty() && same_leg(e);
        },
        none);
    // the SIP call ids of that leg, each from the latest event that carries it; while none has
    // left, of the leg of the latest event that carries one, so that both name one SIP call
    const StoredEvent* id_leg =
        sip_end != nullptr
            ? sip_end
            : first_ranked(
                  events, count,
                  [](const StoredEvent& e) {
                      return e.is_sip && (!e.sip_call_id.empty() || !e.sip_call_id_full.empty());
                  },
                  none);
    auto same_id_leg = [id_leg](const StoredEvent& e) {
        return id_leg == nullptr || e.participant_identity == id_leg->participant_identity;
    };
    const StoredEvent* with_call_id = first_ranked(
        events, count,
        [&](const StoredEvent& e) { return e.is_sip && !e.sip_call_id.empty() && same_id_leg(e); },
        none);
    const StoredEvent* with_call_id_full = first_ranked(
        events, count,
        [&](const StoredEvent& e) {
            return e.is_sip && !e.sip_call_id_full.empty() && same_id_leg(e);
        },
        none);
    // a status of that leg saying the call was answered (while none has left, any leg's)
    const StoredEvent* answering = first_ranked(
        events, count,
        [&](const StoredEvent& e) {
            return e.is_sip && same_leg(e) && is_answered_sip_call_status(e.sip_call_status);
        },
        none);
    const StoredEvent* with_recording = first_ranked(
        events, count,
        [](const StoredEvent& e) {
            return e.type == EventType::egress_ended && !e.recording_url.empty();
        },
        none);

    CallRowFacts row;
    const StoredEvent* end = sip_end != nullptr ? sip_end : room_end;
    row.ended = end != nullptr;
    for (std::size_t i = 0; i < count && !row.sip_seen; ++i) row.sip_seen = events[i].is_sip;
    if (with_sid != nullptr) row.room_sid = with_sid->room_sid;
    if (with_start != nullptr) row.started_at = with_start->room_creation_time;
    if (end != nullptr) {
        row.ended_at = end->created_at;
        row.duration_seconds = end->call_duration_seconds;
    }
    // a number LiveKit's serializer wrote is stored as its name, as the bridge stores events
    if (with_reason != nullptr)
        row.disconnect_reason = disconnect_reason_name(with_reason->disconnect_reason);
    if (with_status != nullptr) row.sip_call_status = with_status->sip_call_status;
    if (with_number != nullptr) row.sip_phone_number = with_number->sip_phone_number;
    if (with_call_id != nullptr) row.sip_call_id = with_call_id->sip_call_id;
    if (with_call_id_full != nullptr) row.sip_call_id_full = with_call_id_full->sip_call_id_full;
    if (with_recording != nullptr) row.recording_url = with_recording->recording_url;

    if (row.ended) {
        CallFacts facts;
        if (row.sip_seen && row.duration_seconds)
            facts.duration_seconds = double(*row.duration_seconds);
        facts.disconnect_reason = unless_empty(row.disconnect_reason);
        facts.sip_call_status = unless_empty(row.sip_call_status);
        facts.min_connected_seconds = min_connected_seconds;
        facts.min_completed_seconds = min_completed_seconds;
        row.outcome = classify_outcome(facts);
    }
    if (answering == nullptr && row.outcome != Outcome::completed) return row;

    // LiveKit reports no answer instant: the answering leg's joinedAt (its leave's first, from
    // which the duration is counted), the answer itself when it joined already answered. The
    // leg: the one that ended the call, else the one whose status said answered, else any.
    const StoredEvent* leg = sip_end != nullptr ? sip_end : answering;
    auto of_leg = [leg](const StoredEvent& e) {
        return e.is_sip && (leg == nullptr || e.participant_identity == leg->participant_identity);
    };
    const StoredEvent* with_join = first_ranked(
        events, count, [&](const StoredEvent& e) { return of_leg(e) && e.joined_at.has_value(); },
        [](const StoredEvent& e) { return is_leave(e.type); });
    if (with_join != nullptr) row.answered_at = with_join->joined_at;
    for (std::size_t i = 0; i < count && !row.answered_on_join; ++i) {
        const StoredEvent& e = events[i];
        row.answered_on_join = e.type == EventType::participant_joined && of_leg(e) &&
                               is_answered_sip_call_status(e.sip_call_status);
    }
    return row;
}

// What the application registered wins: it dialed that number. LiveKit's SIP service reports the
// leg's number, which beats one parsed out of a room name.
std::optional<std::string_view> call_phone_number(std::optional<std::string_view> registered,
                                                  std::string_view leg_number,
                                                  std::string_view room_name) {
    if (registered) return registered;
    if (!leg_number.empty()) return leg_number;
    return unless_empty(phone_number_from_room(room_name));
}

}  // namespace callout::core
