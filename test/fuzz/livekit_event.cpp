// Fuzzes what the core makes of one LiveKit event, without any verification: the event type,
// the phone leg, the phone number and campaign, the call's length and its classification.
// Reading the fields out of the event's JSON is the bridge's work (PostgreSQL's jsonb), so the
// input is the fields themselves, one per line, as the bridge hands them over:
//   event, createdAt, room.name, room.creationTime, participant.kind (empty: no participant),
//   participant.joinedAt, participant.disconnectReason, sip.callStatus, sip.phoneNumber,
//   egressInfo.status, then "min_connected min_completed duration" (each may be left out: the
//   default thresholds, and the duration only used when the event itself gives none).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ascii.hpp"
#include "core/classify.hpp"
#include "core/events.hpp"
#include "core/livekit_event.hpp"
#include "core/room_name.hpp"
#include "core/timestamps.hpp"
#include "fuzz_support.hpp"

namespace core = callout::core;
using callout::fuzz::as_text;
using callout::fuzz::Fields;
using callout::fuzz::parse_double;

namespace {

// An instant field as the bridge reads it: unix seconds, nullopt when unparseable.
std::optional<std::int64_t> instant_seconds(std::string_view text) {
    const std::optional<std::int64_t> ms = core::parse_instant_ms(text);
    if (!ms) return std::nullopt;
    return *ms / 1000;
}

// The event type, checked against the six names callout acts on.
void check_event_type(const core::LivekitEvent& event) {
    const std::string_view name = event.event_name;
    const bool participant = name == "participant_joined" || name == "participant_left" ||
                             name == "participant_connection_aborted";
    const bool known =
        participant || name == "room_started" || name == "room_finished" || name == "egress_ended";
    FUZZ_CHECK((event.type != core::EventType::other) == known);
    FUZZ_CHECK(core::is_participant_event(event.type) == participant);
}

// The call's length: only for a leave or a room's end, never negative, and within a second of
// the duration computed from the same texts in milliseconds.
void check_duration(const core::LivekitEvent& event, std::string_view created_text,
                    std::string_view start_text) {
    const std::optional<std::int64_t> duration = core::event_call_duration(event);
    const bool leave = event.type == core::EventType::participant_left ||
                       event.type == core::EventType::participant_connection_aborted;
    const bool room_end = event.type == core::EventType::room_finished;
    if (!leave && !room_end) {
        FUZZ_CHECK(!duration);
        return;
    }
    const std::optional<std::int64_t> start = leave ? event.joined_at : event.room_creation_time;
    if (!start || !event.created_at || *event.created_at < *start) {
        FUZZ_CHECK(!duration);
        return;
    }
    FUZZ_CHECK(duration == *event.created_at - *start);
    const std::optional<std::int64_t> precise =
        core::call_duration_seconds(start_text, created_text);
    if (precise) FUZZ_CHECK(*precise == *duration || *precise + 1 == *duration);
}

// The rules of classify_outcome that can be checked without restating all of them.
void check_classification(core::CallFacts facts) {
    const core::Outcome outcome = core::classify_outcome(facts);
    const std::string_view name = core::outcome_name(outcome);
    FUZZ_CHECK(name == "completed" || name == "no_answer" || name == "busy" || name == "failed");

    // Rule 1 wins over everything else.
    const std::string_view reason =
        facts.disconnect_reason ? core::trim_ascii_space(*facts.disconnect_reason) : "";
    if (reason == "USER_UNAVAILABLE" || reason == "11") {
        FUZZ_CHECK(outcome == core::Outcome::no_answer);
    }
    if (reason == "USER_REJECTED" || reason == "12") FUZZ_CHECK(outcome == core::Outcome::busy);
    if (reason == "SIP_TRUNK_FAILURE" || reason == "13" || reason == "JOIN_FAILURE" ||
        reason == "7") {
        FUZZ_CHECK(outcome == core::Outcome::failed);
    }

    // Surrounding whitespace never matters, nor the case of the SIP status.
    core::CallFacts padded = facts;
    const std::string padded_reason = facts.disconnect_reason
                                          ? " \t" + std::string(*facts.disconnect_reason) + "\n"
                                          : std::string();
    if (facts.disconnect_reason) padded.disconnect_reason = padded_reason;
    std::string upper_status;
    if (facts.sip_call_status) {
        for (const char c : *facts.sip_call_status) {
            upper_status.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
        }
        padded.sip_call_status = upper_status;
    }
    FUZZ_CHECK(core::classify_outcome(padded) == outcome);

    // A NaN duration is an unknown one.
    if (facts.duration_seconds && std::isnan(*facts.duration_seconds)) {
        core::CallFacts unknown = facts;
        unknown.duration_seconds.reset();
        FUZZ_CHECK(core::classify_outcome(unknown) == outcome);
    }

    // With neither a reason nor a status, the duration and the thresholds decide (rule 4).
    core::CallFacts bare = facts;
    bare.disconnect_reason.reset();
    bare.sip_call_status.reset();
    const bool known = bare.duration_seconds && !std::isnan(*bare.duration_seconds);
    const double seconds = known ? *bare.duration_seconds : 0.0;
    core::Outcome expected = core::Outcome::completed;
    if (!known || seconds < bare.min_connected_seconds) {
        expected = core::Outcome::failed;
    } else if (seconds < bare.min_completed_seconds) {
        expected = core::Outcome::no_answer;
    }
    FUZZ_CHECK(core::classify_outcome(bare) == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Fields fields(as_text(data, size));
    core::LivekitEvent event;
    event.event_name = fields.line();
    event.type = core::event_type_from_name(event.event_name);
    const std::string_view created_text = fields.line();
    event.created_at = instant_seconds(created_text);
    event.room_name = fields.line();
    const std::string_view creation_text = fields.line();
    event.room_creation_time = instant_seconds(creation_text);
    event.participant_kind = fields.line();
    event.has_participant = !event.participant_kind.empty();
    const std::string_view joined_text = fields.line();
    event.joined_at = instant_seconds(joined_text);
    event.disconnect_reason = fields.line();
    event.sip_call_status = fields.line();
    event.sip_phone_number = fields.line();
    event.egress_status = fields.line();
    Fields thresholds(fields.line(), ' ');
    const std::optional<double> min_connected = parse_double(thresholds.line());
    const std::optional<double> min_completed = parse_double(thresholds.line());

    check_event_type(event);
    FUZZ_CHECK(core::is_sip_participant(event) ==
               (event.has_participant &&
                (event.participant_kind == "SIP" || event.participant_kind == "3")));
    FUZZ_CHECK(core::is_failed_egress_status(event.egress_status) ==
               (event.egress_status == "EGRESS_FAILED" || event.egress_status == "EGRESS_ABORTED" ||
                event.egress_status == "4" || event.egress_status == "5"));

    const std::string_view phone = core::event_phone_number(event);
    FUZZ_CHECK(phone == (event.sip_phone_number.empty()
                             ? core::phone_number_from_room(event.room_name)
                             : event.sip_phone_number));
    FUZZ_CHECK(core::event_campaign_id(event) == core::campaign_id_from_room(event.room_name));

    const bool leave = event.type == core::EventType::participant_left ||
                       event.type == core::EventType::participant_connection_aborted;
    check_duration(event, created_text, leave ? joined_text : creation_text);

    core::CallFacts facts;
    if (const std::optional<std::int64_t> duration = core::event_call_duration(event)) {
        facts.duration_seconds = static_cast<double>(*duration);
    } else if (const std::optional<double> given = parse_double(thresholds.rest())) {
        facts.duration_seconds = *given;  // any double, NaN and infinities included
    }
    if (event.has_participant) facts.disconnect_reason = event.disconnect_reason;
    if (!event.sip_call_status.empty()) facts.sip_call_status = event.sip_call_status;
    if (min_connected) facts.min_connected_seconds = *min_connected;
    if (min_completed) facts.min_completed_seconds = *min_completed;
    check_classification(facts);
    return 0;
}
