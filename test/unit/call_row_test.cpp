// call_row_from_events (DESIGN.md §4): each field's ranking rule, the leg whose leave ended the
// call, the outcome, whether and when the call was answered, and the row as a function of the set
// of events (every arrival order gives the same row).
#include "core/call_row.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace callout::core {
namespace {

using Instant = std::optional<std::int64_t>;
constexpr Instant kNoTime = std::nullopt;

CallRowFacts row_of(const std::vector<StoredEvent>& events, double min_connected = 3,
                    double min_completed = 10) {
    return call_row_from_events(events.data(), events.size(), min_connected, min_completed);
}

StoredEvent event(EventType type, std::string_view id, Instant created_at) {
    StoredEvent e;
    e.type = type;
    e.event_id = id;
    e.created_at = created_at;
    return e;
}

StoredEvent room_started(std::string_view id, Instant created_at, std::string_view sid,
                         Instant creation_time) {
    StoredEvent e = event(EventType::room_started, id, created_at);
    e.room_sid = sid;
    e.room_creation_time = creation_time;
    return e;
}

StoredEvent room_finished(std::string_view id, Instant created_at, std::string_view sid,
                          Instant creation_time, Instant duration) {
    StoredEvent e = event(EventType::room_finished, id, created_at);
    e.room_sid = sid;
    e.room_creation_time = creation_time;
    e.call_duration_seconds = duration;
    return e;
}

StoredEvent sip_joined(std::string_view id, Instant created_at, std::string_view identity,
                       Instant joined_at, std::string_view status = {},
                       std::string_view phone = {}) {
    StoredEvent e = event(EventType::participant_joined, id, created_at);
    e.is_sip = true;
    e.participant_identity = identity;
    e.joined_at = joined_at;
    e.sip_call_status = status;
    e.sip_phone_number = phone;
    return e;
}

StoredEvent sip_left(std::string_view id, Instant created_at, std::string_view identity,
                     Instant joined_at, Instant duration, std::string_view reason = {},
                     std::string_view status = {}) {
    StoredEvent e = event(EventType::participant_left, id, created_at);
    e.is_sip = true;
    e.participant_identity = identity;
    e.joined_at = joined_at;
    e.call_duration_seconds = duration;
    e.disconnect_reason = reason;
    e.sip_call_status = status;
    return e;
}

StoredEvent sip_aborted(std::string_view id, Instant created_at, std::string_view identity,
                        Instant joined_at, Instant duration, std::string_view reason = {},
                        std::string_view status = {}) {
    StoredEvent e = sip_left(id, created_at, identity, joined_at, duration, reason, status);
    e.type = EventType::participant_connection_aborted;
    return e;
}

// An event with the SIP call ids of its leg (sip.callID, sip.callIDFull).
StoredEvent with_call_ids(StoredEvent e, std::string_view call_id, std::string_view call_id_full) {
    e.sip_call_id = call_id;
    e.sip_call_id_full = call_id_full;
    return e;
}

StoredEvent egress_ended(std::string_view id, Instant created_at, std::string_view url) {
    StoredEvent e = event(EventType::egress_ended, id, created_at);
    e.recording_url = url;
    return e;
}

// Every field of two rows, by value (views compared by their text).
void expect_same_row(const CallRowFacts& a, const CallRowFacts& b) {
    EXPECT_EQ(a.ended, b.ended);
    EXPECT_EQ(a.sip_seen, b.sip_seen);
    EXPECT_EQ(a.room_sid, b.room_sid);
    EXPECT_EQ(a.started_at, b.started_at);
    EXPECT_EQ(a.ended_at, b.ended_at);
    EXPECT_EQ(a.duration_seconds, b.duration_seconds);
    EXPECT_EQ(a.disconnect_reason, b.disconnect_reason);
    EXPECT_EQ(a.sip_call_status, b.sip_call_status);
    EXPECT_EQ(a.sip_phone_number, b.sip_phone_number);
    EXPECT_EQ(a.sip_call_id, b.sip_call_id);
    EXPECT_EQ(a.sip_call_id_full, b.sip_call_id_full);
    EXPECT_EQ(a.recording_url, b.recording_url);
    EXPECT_EQ(a.outcome, b.outcome);
    EXPECT_EQ(a.answered_at, b.answered_at);
    EXPECT_EQ(a.answered_on_join, b.answered_on_join);
}

// The row of every arrival order of events, each checked against the first; returns that row.
CallRowFacts row_of_every_order(std::vector<StoredEvent> events, double min_connected = 3,
                                double min_completed = 10) {
    std::vector<std::size_t> order(events.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    CallRowFacts first = row_of(events, min_connected, min_completed);
    std::size_t orders = 0;
    do {
        std::vector<StoredEvent> arrived;
        for (std::size_t i : order) arrived.push_back(events[i]);
        CallRowFacts row = row_of(arrived, min_connected, min_completed);
        std::string trace = "order";
        for (std::size_t i : order) trace += " " + std::string(events[i].event_id);
        SCOPED_TRACE(trace);
        expect_same_row(row, first);
        ++orders;
    } while (std::next_permutation(order.begin(), order.end()));
    std::size_t expected_orders = 1;
    for (std::size_t n = 2; n <= events.size(); ++n) expected_orders *= n;
    EXPECT_EQ(orders, expected_orders);
    return first;
}

// --- no events

TEST(CallRow, EmptySet) {
    for (const CallRowFacts& row : {call_row_from_events(nullptr, 0, 3, 10), row_of({})}) {
        EXPECT_FALSE(row.ended);
        EXPECT_FALSE(row.sip_seen);
        EXPECT_TRUE(row.room_sid.empty());
        EXPECT_EQ(row.started_at, kNoTime);
        EXPECT_EQ(row.ended_at, kNoTime);
        EXPECT_EQ(row.duration_seconds, kNoTime);
        EXPECT_TRUE(row.disconnect_reason.empty());
        EXPECT_TRUE(row.sip_call_status.empty());
        EXPECT_TRUE(row.sip_phone_number.empty());
        EXPECT_TRUE(row.sip_call_id.empty());
        EXPECT_TRUE(row.sip_call_id_full.empty());
        EXPECT_TRUE(row.recording_url.empty());
        EXPECT_EQ(row.outcome, std::nullopt);
        EXPECT_EQ(row.answered_at, kNoTime);
        EXPECT_FALSE(row.answered_on_join);
    }
}

// --- ended_at and duration: a SIP leave before room_finished

TEST(CallRow, SipLeaveEndsTheCallBeforeRoomFinished) {
    // room_finished is later and has its own duration; the leave still decides both
    CallRowFacts row = row_of_every_order({
        room_started("EV_rs", 100, "RM_1", 90),
        sip_left("EV_left", 160, "PA_phone", 110, 50),
        room_finished("EV_rf", 200, "RM_1", 90, 110),
    });
    EXPECT_TRUE(row.ended);
    EXPECT_EQ(row.ended_at, 160);
    EXPECT_EQ(row.duration_seconds, 50);
}

TEST(CallRow, ConnectionAbortedEndsTheCallLikeALeave) {
    CallRowFacts row = row_of_every_order({
        sip_aborted("EV_ab", 130, "PA_phone", kNoTime, kNoTime, "UNKNOWN_REASON", "dialing"),
        room_finished("EV_rf", 200, "RM_1", 90, 110),
    });
    EXPECT_TRUE(row.ended);
    EXPECT_EQ(row.ended_at, 130);
    EXPECT_EQ(row.duration_seconds, kNoTime);  // not room_finished's 110
    EXPECT_EQ(row.disconnect_reason, "UNKNOWN_REASON");
    EXPECT_EQ(row.sip_call_status, "dialing");
    EXPECT_EQ(row.outcome, Outcome::failed);  // dialing, under 3 s (unknown)
}

TEST(CallRow, SipLeaveWithoutTimesStillBeatsRoomFinished) {
    CallRowFacts row = row_of_every_order({
        sip_left("EV_left", kNoTime, "PA_phone", kNoTime, kNoTime, "CLIENT_INITIATED"),
        room_finished("EV_rf", 200, "RM_1", 90, 110),
    });
    EXPECT_TRUE(row.ended);
    EXPECT_EQ(row.ended_at, kNoTime);
    EXPECT_EQ(row.duration_seconds, kNoTime);
    EXPECT_EQ(row.outcome, Outcome::failed);  // no duration
}

TEST(CallRow, RoomFinishedEndsTheCallWhenNoSipLeaveIsKnown) {
    CallRowFacts row = row_of_every_order({
        room_started("EV_rs", 100, "RM_1", 90),
        sip_joined("EV_join", 105, "PA_phone", 104, "active", "+15550001111"),
        room_finished("EV_rf", 200, "RM_1", 90, 110),
    });
    EXPECT_TRUE(row.ended);
    EXPECT_TRUE(row.sip_seen);
    EXPECT_EQ(row.ended_at, 200);
    EXPECT_EQ(row.duration_seconds, 110);
    EXPECT_EQ(row.sip_call_status, "active");
    EXPECT_EQ(row.outcome, Outcome::completed);
    // the call ended without its phone leg's leave; the leg joined answered, so it was answered
    // when it joined
    EXPECT_EQ(row.answered_at, 104);
    EXPECT_TRUE(row.answered_on_join);
}

TEST(CallRow, AgentLeaveDoesNotEndTheCall) {
    StoredEvent agent_left = sip_left("EV_agent", 150, "agent-1", 100, 50, "CLIENT_INITIATED");
    agent_left.is_sip = false;
    CallRowFacts row = row_of({agent_left});
    EXPECT_FALSE(row.ended);
    EXPECT_FALSE(row.sip_seen);
    EXPECT_EQ(row.ended_at, kNoTime);
    EXPECT_EQ(row.duration_seconds, kNoTime);
    EXPECT_TRUE(row.disconnect_reason.empty());
    EXPECT_EQ(row.outcome, std::nullopt);

    // and when the room finishes, the agent's leave still says nothing about the end
    row = row_of_every_order({agent_left, room_finished("EV_rf", 200, "RM_1", 90, 110)});
    EXPECT_TRUE(row.ended);
    EXPECT_EQ(row.ended_at, 200);
    EXPECT_EQ(row.duration_seconds, 110);
    EXPECT_TRUE(row.disconnect_reason.empty());
}

TEST(CallRow, LaterSipLeaveEndsTheCall) {
    CallRowFacts row = row_of_every_order({
        sip_left("EV_1", 150, "PA_phone", 100, 50, "CLIENT_INITIATED"),
        sip_aborted("EV_2", 170, "PA_phone", 100, 70, "CLIENT_INITIATED"),
        sip_left("EV_3", 140, "PA_phone", 100, 40, "CLIENT_INITIATED"),
    });
    EXPECT_EQ(row.ended_at, 170);
    EXPECT_EQ(row.duration_seconds, 70);
}

TEST(CallRow, KnownCreatedAtBeforeUnknown) {
    CallRowFacts row = row_of_every_order({
        sip_left("EV_z", kNoTime, "PA_phone", 100, 99),
        sip_left("EV_a", 150, "PA_phone", 100, 50),
    });
    EXPECT_EQ(row.ended_at, 150);
    EXPECT_EQ(row.duration_seconds, 50);

    row = row_of_every_order({
        room_finished("EV_z", kNoTime, "RM_1", 90, 99),
        room_finished("EV_a", 150, "RM_1", 90, 60),
    });
    EXPECT_EQ(row.ended_at, 150);
    EXPECT_EQ(row.duration_seconds, 60);
}

TEST(CallRow, LaterRoomFinishedWins) {
    CallRowFacts row = row_of_every_order({
        room_finished("EV_b", 200, "RM_1", 90, 110),
        room_finished("EV_a", 250, "RM_1", 90, 160),
    });
    EXPECT_EQ(row.ended_at, 250);
    EXPECT_EQ(row.duration_seconds, 160);
}

// --- ties on createdAt: the greater event id, by its bytes

TEST(CallRow, SameCreatedAtGreaterEventIdWins) {
    CallRowFacts row = row_of_every_order({
        sip_left("EV_1", 150, "PA_phone", 100, 11),
        sip_left("EV_2", 150, "PA_phone", 100, 22),
    });
    EXPECT_EQ(row.duration_seconds, 22);

    // a prefix is less than the longer id
    row = row_of_every_order({
        sip_left("EV_1", 150, "PA_phone", 100, 11),
        sip_left("EV_10", 150, "PA_phone", 100, 22),
    });
    EXPECT_EQ(row.duration_seconds, 22);

    // both unknown: still the greater id
    row = row_of_every_order({
        room_finished("EV_b", kNoTime, "RM_1", 90, 11),
        room_finished("EV_c", kNoTime, "RM_1", 90, 22),
    });
    EXPECT_EQ(row.duration_seconds, 22);
}

TEST(CallRow, EventIdsCompareByBytesNotByCollation) {
    // 'a' (0x61) > 'B' (0x42): a linguistic collation would put "EV_B" after "EV_a"
    CallRowFacts row = row_of_every_order({
        sip_left("EV_B", 150, "PA_phone", 100, 11),
        sip_left("EV_a", 150, "PA_phone", 100, 22),
    });
    EXPECT_EQ(row.duration_seconds, 22);

    // UTF-8 "é" starts with 0xC3, above every ASCII byte: bytes compare unsigned
    row = row_of_every_order({
        sip_left("EV_z", 150, "PA_phone", 100, 11),
        sip_left("EV_\xc3\xa9", 150, "PA_phone", 100, 22),
    });
    EXPECT_EQ(row.duration_seconds, 22);
}

TEST(CallRow, LaterCreatedAtBeatsGreaterEventId) {
    CallRowFacts row = row_of_every_order({
        sip_left("EV_z", 150, "PA_phone", 100, 11),
        sip_left("EV_a", 151, "PA_phone", 100, 22),
    });
    EXPECT_EQ(row.ended_at, 151);
    EXPECT_EQ(row.duration_seconds, 22);
}

// --- room_sid and started_at: room_started first

TEST(CallRow, RoomSidPrefersRoomStarted) {
    StoredEvent joined = sip_joined("EV_join", 300, "PA_phone", 290);
    joined.room_sid = "RM_from_join";
    CallRowFacts row = row_of_every_order({
        room_started("EV_rs", 100, "RM_from_start", 90),
        joined,
        room_finished("EV_rf", 400, "RM_from_finish", 90, 310),
    });
    EXPECT_EQ(row.room_sid, "RM_from_start");
}

TEST(CallRow, RoomSidFromTheLatestEventCarryingOneWithoutRoomStarted) {
    StoredEvent joined = sip_joined("EV_join", 300, "PA_phone", 290);
    joined.room_sid = "RM_from_join";
    StoredEvent later_without_sid = egress_ended("EV_eg", 500, "s3://bucket/a.mp4");
    CallRowFacts row = row_of_every_order({
        joined,
        room_finished("EV_rf", 400, "RM_from_finish", 90, 310),
        later_without_sid,
    });
    EXPECT_EQ(row.room_sid, "RM_from_finish");

    // a room_started without a sid is not eligible: the others still decide
    row = row_of_every_order({
        joined,
        room_started("EV_rs", 600, "", 90),
    });
    EXPECT_EQ(row.room_sid, "RM_from_join");
}

TEST(CallRow, RoomSidAmongRoomStartedLaterThenGreaterId) {
    CallRowFacts row = row_of_every_order({
        room_started("EV_rs1", 100, "RM_early", 90),
        room_started("EV_rs2", 120, "RM_late", 91),
        room_finished("EV_rf", 400, "RM_finish", 92, 310),
    });
    EXPECT_EQ(row.room_sid, "RM_late");
    EXPECT_EQ(row.started_at, 91);

    row = row_of_every_order({
        room_started("EV_rs2", 100, "RM_two", 92),
        room_started("EV_rs1", 100, "RM_one", 91),
    });
    EXPECT_EQ(row.room_sid, "RM_two");
    EXPECT_EQ(row.started_at, 92);
}

TEST(CallRow, StartedAtPrefersRoomStartedCreationTime) {
    CallRowFacts row = row_of_every_order({
        room_started("EV_rs", 100, "RM_1", 90),
        room_finished("EV_rf", 400, "RM_1", 95, 305),
    });
    EXPECT_EQ(row.started_at, 90);

    // without a creation time room_started is not eligible: room_finished's
    row = row_of_every_order({
        room_started("EV_rs", 100, "RM_1", kNoTime),
        room_finished("EV_rf", 400, "RM_1", 95, 305),
    });
    EXPECT_EQ(row.started_at, 95);
    EXPECT_EQ(row.room_sid, "RM_1");

    // none has one
    row = row_of({room_started("EV_rs", 100, "RM_1", kNoTime)});
    EXPECT_EQ(row.started_at, kNoTime);
    EXPECT_FALSE(row.ended);
}

TEST(CallRow, StartedAtWithoutRoomStartedFromTheLatest) {
    CallRowFacts row = row_of_every_order({
        room_finished("EV_rf1", 400, "RM_1", 95, 305),
        room_finished("EV_rf2", 410, "RM_1", 97, 313),
        room_finished("EV_rf3", kNoTime, "RM_1", 99, 1),
    });
    EXPECT_EQ(row.started_at, 97);
    EXPECT_EQ(row.ended_at, 410);
}

// --- disconnect reason: the leg whose leave ended the call

TEST(CallRow, ReasonOfTheEndingLegOnly) {
    // leg A was rejected earlier; leg B's later leave ended the call
    CallRowFacts row = row_of_every_order({
        sip_left("EV_a", 150, "PA_a", 100, 50, "USER_REJECTED", "ringing"),
        sip_left("EV_b", 300, "PA_b", 200, 100, "CLIENT_INITIATED", "active"),
    });
    EXPECT_EQ(row.disconnect_reason, "CLIENT_INITIATED");
    EXPECT_EQ(row.sip_call_status, "active");
    EXPECT_EQ(row.outcome, Outcome::completed);
    EXPECT_EQ(row.answered_at, 200);
}

TEST(CallRow, AnotherLegsReasonNeverFillsIn) {
    // the ending leg gave no reason: leg A's real reason stays out
    CallRowFacts row = row_of_every_order({
        sip_left("EV_a", 150, "PA_a", 100, 50, "USER_REJECTED", "ringing"),
        sip_left("EV_b", 300, "PA_b", 200, 100),
    });
    EXPECT_TRUE(row.disconnect_reason.empty());
    EXPECT_TRUE(row.sip_call_status.empty());
    EXPECT_EQ(row.duration_seconds, 100);
    EXPECT_EQ(row.outcome, Outcome::completed);  // not busy
}

TEST(CallRow, UnknownReasonNeverOverwritesARealReasonOfTheSameLeg) {
    CallRowFacts row = row_of_every_order({
        sip_left("EV_1", 150, "PA_phone", kNoTime, 0, "USER_UNAVAILABLE"),
        sip_aborted("EV_2", 170, "PA_phone", kNoTime, 0, "UNKNOWN_REASON"),
    });
    EXPECT_EQ(row.ended_at, 170);
    EXPECT_EQ(row.disconnect_reason, "USER_UNAVAILABLE");
    EXPECT_EQ(row.outcome, Outcome::no_answer);
}

TEST(CallRow, SameLegLeaveWithoutReasonFilledInByAnEarlierOne) {
    CallRowFacts row = row_of_every_order({
        sip_left("EV_1", 150, "PA_phone", kNoTime, 0, "USER_REJECTED"),
        sip_left("EV_2", 170, "PA_phone", kNoTime, 0),
    });
    EXPECT_EQ(row.disconnect_reason, "USER_REJECTED");
    EXPECT_EQ(row.outcome, Outcome::busy);
}

TEST(CallRow, UnknownReasonWhenThatIsAllThereIs) {
    CallRowFacts row = row_of_every_order({
        sip_left("EV_1", 150, "PA_phone", 100, 50, "UNKNOWN_REASON"),
        sip_left("EV_2", 140, "PA_phone", 100, 40, "UNKNOWN_REASON"),
    });
    EXPECT_EQ(row.disconnect_reason, "UNKNOWN_REASON");
    EXPECT_EQ(row.outcome, Outcome::completed);
}

TEST(CallRow, AmongRealReasonsOfTheLegTheLatest) {
    CallRowFacts row = row_of_every_order({
        sip_left("EV_1", 150, "PA_phone", kNoTime, 0, "USER_REJECTED"),
        sip_left("EV_2", 160, "PA_phone", kNoTime, 0, "USER_UNAVAILABLE"),
        sip_left("EV_3", 170, "PA_phone", kNoTime, 0, "UNKNOWN_REASON"),
    });
    EXPECT_EQ(row.disconnect_reason, "USER_UNAVAILABLE");

    row = row_of_every_order({
        sip_left("EV_1", 150, "PA_phone", kNoTime, 0, "USER_UNAVAILABLE"),
        sip_left("EV_2", 150, "PA_phone", kNoTime, 0, "USER_REJECTED"),
    });
    EXPECT_EQ(row.disconnect_reason, "USER_REJECTED");  // the greater id
}

TEST(CallRow, ReasonOnlyFromSipLeaves) {
    StoredEvent joined = sip_joined("EV_join", 200, "PA_phone", 100);
    joined.disconnect_reason = "USER_REJECTED";
    StoredEvent agent_left = sip_left("EV_agent", 210, "PA_phone", 100, 110, "USER_UNAVAILABLE");
    agent_left.is_sip = false;  // same identity, but not the phone leg
    StoredEvent finished = room_finished("EV_rf", 220, "RM_1", 90, 130);
    finished.disconnect_reason = "SIP_TRUNK_FAILURE";
    CallRowFacts row = row_of_every_order({
        joined,
        agent_left,
        finished,
        sip_left("EV_left", 190, "PA_phone", 100, 90),
    });
    EXPECT_TRUE(row.disconnect_reason.empty());
    EXPECT_EQ(row.ended_at, 190);
    EXPECT_EQ(row.outcome, Outcome::completed);
}

TEST(CallRow, LegWithoutIdentityMatchesOnlyLegsWithoutIdentity) {
    // IS NOT DISTINCT FROM: a missing identity is its own leg
    CallRowFacts row = row_of_every_order({
        sip_left("EV_a", 150, "PA_a", kNoTime, 0, "USER_REJECTED", "ringing"),
        sip_left("EV_b", 160, "", kNoTime, 0, "UNKNOWN_REASON"),
        sip_left("EV_c", 170, "", kNoTime, 0),
    });
    EXPECT_EQ(row.ended_at, 170);
    EXPECT_EQ(row.disconnect_reason, "UNKNOWN_REASON");
    EXPECT_TRUE(row.sip_call_status.empty());
}

// --- SIP call status

TEST(CallRow, SipCallStatusPrefersALeaves) {
    // a late participant_joined does not replace the status at leave
    CallRowFacts row = row_of_every_order({
        sip_left("EV_left", 150, "PA_phone", 100, 50, "CLIENT_INITIATED", "ringing"),
        sip_joined("EV_join", 400, "PA_phone", 100, "active"),
    });
    EXPECT_EQ(row.sip_call_status, "ringing");
    EXPECT_EQ(row.outcome, Outcome::no_answer);  // ringing, 50 s
    // though the leg's join reported it answered
    EXPECT_EQ(row.answered_at, 100);
    EXPECT_TRUE(row.answered_on_join);
}

TEST(CallRow, SipCallStatusFromTheLegsJoinWhenItsLeaveHasNone) {
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_join_a", 100, "PA_a", 100, "active"),
        sip_joined("EV_join_b", 300, "PA_b", 300, "ringing"),  // another leg, later
        sip_left("EV_left_a", 150, "PA_a", 100, 2),
    });
    EXPECT_EQ(row.sip_call_status, "active");
    EXPECT_EQ(row.outcome, Outcome::completed);  // answered, whatever the duration
    EXPECT_EQ(row.answered_at, 100);
}

TEST(CallRow, SipCallStatusOfAnotherLegsLeaveNeverFillsIn) {
    CallRowFacts row = row_of_every_order({
        sip_left("EV_a", 150, "PA_a", 100, 1, {}, "active"),
        sip_left("EV_b", 300, "PA_b", 290, 1),
    });
    EXPECT_TRUE(row.sip_call_status.empty());
    EXPECT_EQ(row.outcome, Outcome::failed);  // 1 s, no status
}

TEST(CallRow, SipCallStatusBeforeAnyLeaveFromAnyLeg) {
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_join_a", 100, "PA_a", 100, "dialing"),
        sip_joined("EV_join_b", 300, "PA_b", 300, "active"),
    });
    EXPECT_FALSE(row.ended);
    EXPECT_EQ(row.sip_call_status, "active");
    EXPECT_EQ(row.outcome, std::nullopt);
}

TEST(CallRow, SipCallStatusAmongLeavesTheLatest) {
    CallRowFacts row = row_of_every_order({
        sip_left("EV_1", 150, "PA_phone", 100, 50, {}, "ringing"),
        sip_left("EV_2", 160, "PA_phone", 100, 60, {}, "hangup"),
        sip_left("EV_3", 170, "PA_phone", 100, 70),
    });
    EXPECT_EQ(row.sip_call_status, "hangup");
    EXPECT_EQ(row.duration_seconds, 70);
}

TEST(CallRow, SipCallStatusOnlyFromSipEvents) {
    StoredEvent agent_joined = sip_joined("EV_agent", 400, "PA_phone", 100, "active");
    agent_joined.is_sip = false;
    CallRowFacts row = row_of_every_order({
        agent_joined,
        sip_joined("EV_join", 100, "PA_phone", 100, "ringing"),
    });
    EXPECT_EQ(row.sip_call_status, "ringing");
}

// --- phone number and recording

TEST(CallRow, PhoneNumberFromSipLegsOnly) {
    StoredEvent agent_joined = sip_joined("EV_agent", 400, "agent", 400, {}, "+15559999999");
    agent_joined.is_sip = false;
    CallRowFacts row = row_of_every_order({
        agent_joined, sip_joined("EV_join1", 100, "PA_a", 100, {}, "+15550001111"),
        sip_joined("EV_join2", 200, "PA_b", 200, {}, "+15550002222"),
        sip_joined("EV_join3", 300, "PA_c", 300),  // later, without a number
    });
    EXPECT_EQ(row.sip_phone_number, "+15550002222");
    EXPECT_TRUE(row.sip_seen);

    row = row_of({agent_joined});
    EXPECT_TRUE(row.sip_phone_number.empty());
    EXPECT_FALSE(row.sip_seen);
}

TEST(CallRow, PhoneNumberFromAnySipEventType) {
    StoredEvent left = sip_left("EV_left", 300, "PA_phone", 100, 200);
    left.sip_phone_number = "+15550003333";
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_join", 100, "PA_phone", 100, {}, "+15550001111"),
        left,
    });
    EXPECT_EQ(row.sip_phone_number, "+15550003333");
}

TEST(CallRow, PhoneNumberOfTheLegThatEndedTheCall) {
    // A transferred call: the caller (PA_caller, +15550001111) left last and ended the call; the
    // transfer target (PA_target) joined later with its own number. The row shows the caller's.
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_join_caller", 100, "PA_caller", 100, "active", "+15550001111"),
        sip_joined("EV_join_target", 200, "PA_target", 200, "active", "+15550002222"),
        sip_left("EV_left_target", 300, "PA_target", 200, 100, "CLIENT_INITIATED", "hangup"),
        sip_left("EV_left_caller", 400, "PA_caller", 100, 300, "CLIENT_INITIATED", "hangup"),
    });
    EXPECT_EQ(row.sip_phone_number, "+15550001111");
}

TEST(CallRow, NoPhoneNumberFromAnotherLegWhenTheEndingLegHasNone) {
    // The caller's number is hidden: the transfer target's number must not become the caller's.
    // The row has no leg number, so call_phone_number falls back to the room name's (if any).
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_join_caller", 100, "PA_caller", 100, "active"),
        sip_joined("EV_join_target", 200, "PA_target", 200, "active", "+15550002222"),
        sip_left("EV_left_caller", 400, "PA_caller", 100, 300, "CLIENT_INITIATED", "hangup"),
    });
    EXPECT_TRUE(row.sip_phone_number.empty());
    EXPECT_EQ(call_phone_number(std::nullopt, row.sip_phone_number, "call_+15557654321_x"),
              "+15557654321");
    EXPECT_EQ(call_phone_number("+15550009999", row.sip_phone_number, "room"), "+15550009999");
}

TEST(CallRow, PhoneNumberOfAnyLegWhileNoneHasLeft) {
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_join_caller", 100, "PA_caller", 100, "active"),
        sip_joined("EV_join_target", 200, "PA_target", 200, "active", "+15550002222"),
    });
    EXPECT_EQ(row.sip_phone_number, "+15550002222");
}

TEST(CallRow, ReasonNumberIsStoredAsItsName) {
    CallRowFacts row = row_of({sip_left("EV_left", 200, "PA_phone", 100, 100, "12")});
    EXPECT_EQ(row.disconnect_reason, "USER_REJECTED");
    EXPECT_EQ(row.outcome, Outcome::busy);
    // "0" is UNKNOWN_REASON: it never overwrites a real reason of the same leg
    row = row_of_every_order({
        sip_left("EV_1", 150, "PA_phone", kNoTime, 0, "11"),
        sip_aborted("EV_2", 170, "PA_phone", kNoTime, 0, "0"),
    });
    EXPECT_EQ(row.disconnect_reason, "USER_UNAVAILABLE");
    // an unknown number stays as it is
    row = row_of({sip_left("EV_left", 200, "PA_phone", 100, 100, "17")});
    EXPECT_EQ(row.disconnect_reason, "17");
    EXPECT_EQ(row.outcome, Outcome::completed);
}

TEST(CallRow, RecordingUrlFromEgressEndedOnly) {
    StoredEvent finished = room_finished("EV_rf", 900, "RM_1", 90, 810);
    finished.recording_url = "s3://bucket/not-a-recording.mp4";
    CallRowFacts row = row_of_every_order({
        finished, egress_ended("EV_eg1", 500, "s3://bucket/first.mp4"),
        egress_ended("EV_eg2", 600, "s3://bucket/second.mp4"),
        egress_ended("EV_eg3", 700, ""),  // a failed egress: no URL, not eligible
    });
    EXPECT_EQ(row.recording_url, "s3://bucket/second.mp4");

    row = row_of({finished});
    EXPECT_TRUE(row.recording_url.empty());
}

TEST(CallRow, RecordingUrlEvenAfterTheCallEnded) {
    CallRowFacts row = row_of_every_order({
        sip_left("EV_left", 150, "PA_phone", 100, 50, "CLIENT_INITIATED", "hangup"),
        room_finished("EV_rf", 160, "RM_1", 90, 70),
        egress_ended("EV_eg", 10'000, "s3://bucket/call.ogg"),
    });
    EXPECT_EQ(row.recording_url, "s3://bucket/call.ogg");
    EXPECT_EQ(row.ended_at, 150);
    EXPECT_EQ(row.outcome, Outcome::completed);
}

// --- sip_seen, ended, outcome

TEST(CallRow, SipSeenFromAnyEventOfThePhoneLeg) {
    CallRowFacts row = row_of({room_started("EV_rs", 100, "RM_1", 90)});
    EXPECT_FALSE(row.sip_seen);
    EXPECT_FALSE(row.ended);
    EXPECT_EQ(row.room_sid, "RM_1");
    EXPECT_EQ(row.started_at, 90);

    row = row_of_every_order({
        room_started("EV_rs", 100, "RM_1", 90),
        sip_joined("EV_join", 110, "PA_phone", 110, "active", "+15550001111"),
    });
    EXPECT_TRUE(row.sip_seen);
    EXPECT_FALSE(row.ended);
    EXPECT_EQ(row.sip_phone_number, "+15550001111");
    EXPECT_EQ(row.sip_call_status, "active");
}

TEST(CallRow, NoOutcomeUntilTheCallEnded) {
    // a long answered leg, still up: no outcome yet, answered when it joined
    CallRowFacts row = row_of_every_order({
        room_started("EV_rs", 100, "RM_1", 90),
        sip_joined("EV_join", 110, "PA_phone", 110, "active"),
        egress_ended("EV_eg", 10'000, "s3://bucket/call.ogg"),
    });
    EXPECT_FALSE(row.ended);
    EXPECT_EQ(row.outcome, std::nullopt);
    EXPECT_EQ(row.answered_at, 110);
    EXPECT_TRUE(row.answered_on_join);
    EXPECT_EQ(row.ended_at, kNoTime);
    EXPECT_EQ(row.duration_seconds, kNoTime);
}

TEST(CallRow, CallWithoutSipLegIsClassifiedWithoutDuration) {
    // the room lived 300 s, but no phone ever joined
    CallRowFacts row = row_of_every_order({
        room_started("EV_rs", 100, "RM_1", 90),
        room_finished("EV_rf", 400, "RM_1", 90, 300),
    });
    EXPECT_TRUE(row.ended);
    EXPECT_FALSE(row.sip_seen);
    EXPECT_EQ(row.duration_seconds, 300);  // kept on the row
    EXPECT_EQ(row.outcome, Outcome::failed);
    EXPECT_EQ(row.answered_at, kNoTime);
}

TEST(CallRow, OutcomeUsesTheThresholds) {
    std::vector<StoredEvent> events = {
        sip_joined("EV_join", 100, "PA_phone", 100),
        sip_left("EV_left", 105, "PA_phone", 100, 5, "CLIENT_INITIATED"),
    };
    EXPECT_EQ(row_of(events, 3, 10).outcome, Outcome::no_answer);
    EXPECT_EQ(row_of(events, 3, 5).outcome, Outcome::completed);  // exactly the threshold
    EXPECT_EQ(row_of(events, 6, 10).outcome, Outcome::failed);
    EXPECT_EQ(row_of(events, 3, 5).answered_at, 100);
    EXPECT_EQ(row_of(events, 3, 10).answered_at, kNoTime);
}

TEST(CallRow, OutcomeFromTheEndingLegsReasonAndStatus) {
    // rule 1 wins over a long duration
    CallRowFacts row = row_of({sip_left("EV_left", 200, "PA_phone", 100, 100, "USER_REJECTED")});
    EXPECT_EQ(row.outcome, Outcome::busy);
    EXPECT_EQ(row.answered_at, kNoTime);

    // free text
    row = row_of({sip_left("EV_left", 200, "PA_phone", 100, 100, "Callee is BUSY")});
    EXPECT_EQ(row.outcome, Outcome::busy);

    // rule 2: answered, however short
    row = row_of({sip_left("EV_left", 101, "PA_phone", 100, 1, "CLIENT_INITIATED", "hangup")});
    EXPECT_EQ(row.outcome, Outcome::completed);
    EXPECT_EQ(row.answered_at, 100);

    // rule 2: dialing past min_connected: no_answer
    row = row_of({sip_aborted("EV_ab", 130, "PA_phone", 100, 30, "UNKNOWN_REASON", "dialing")});
    EXPECT_EQ(row.outcome, Outcome::no_answer);

    // other LiveKit reasons fall through to the duration
    row = row_of({sip_left("EV_left", 1300, "PA_phone", 100, 1200, "MEDIA_FAILURE")});
    EXPECT_EQ(row.outcome, Outcome::completed);
    EXPECT_EQ(row.answered_at, 100);
}

// --- answered_at

TEST(CallRow, AnsweredAtIsWhenTheEndingLegJoined) {
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_join_a", 100, "PA_a", 101),
        sip_left("EV_left_a", 130, "PA_a", 102, 28, "USER_UNAVAILABLE"),
        sip_joined("EV_join_b", 200, "PA_b", 201),
        sip_left("EV_left_b", 400, "PA_b", 202, 198, "CLIENT_INITIATED", "hangup"),
    });
    EXPECT_EQ(row.outcome, Outcome::completed);
    EXPECT_EQ(row.answered_at, 202);  // the ending leave's joinedAt, not the join event's
    EXPECT_EQ(row.disconnect_reason, "CLIENT_INITIATED");
}

TEST(CallRow, AnsweredAtOnlyForCompleted) {
    for (auto [duration, reason, outcome] :
         {std::tuple{Instant{60}, std::string_view{"USER_UNAVAILABLE"}, Outcome::no_answer},
          std::tuple{Instant{60}, std::string_view{"SIP_TRUNK_FAILURE"}, Outcome::failed},
          std::tuple{Instant{5}, std::string_view{}, Outcome::no_answer},
          std::tuple{kNoTime, std::string_view{}, Outcome::failed},
          std::tuple{Instant{60}, std::string_view{}, Outcome::completed}}) {
        SCOPED_TRACE(std::string(reason));
        CallRowFacts row = row_of({sip_left("EV_left", 500, "PA_phone", 440, duration, reason)});
        EXPECT_EQ(row.outcome, outcome);
        EXPECT_EQ(row.answered_at, outcome == Outcome::completed ? Instant{440} : kNoTime);
    }
}

TEST(CallRow, AnsweredAtFromTheLegsJoinWhenTheLeaveHasNoJoinedAt) {
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_join", 100, "PA_phone", 100),
        sip_left("EV_left", 400, "PA_phone", kNoTime, 300, "CLIENT_INITIATED"),
    });
    // duration given by the stored event, but the leave carried no joinedAt: its join's
    EXPECT_EQ(row.outcome, Outcome::completed);
    EXPECT_EQ(row.answered_at, 100);
    EXPECT_FALSE(row.answered_on_join);  // its join reported no status
}

TEST(CallRow, AnsweredAtUnknownWhenNoEventOfTheLegHasJoinedAt) {
    CallRowFacts row = row_of({
        sip_joined("EV_join", 100, "PA_phone", kNoTime),
        sip_left("EV_left", 400, "PA_phone", kNoTime, 300, "CLIENT_INITIATED"),
    });
    EXPECT_EQ(row.outcome, Outcome::completed);
    EXPECT_EQ(row.answered_at, kNoTime);
}

TEST(CallRow, AnsweredByTheLegsStatusWhateverTheOutcome) {
    // the leg joined active, then LiveKit reported it unavailable: rule 1 says no_answer, but a
    // status of the leg said it was answered
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_join", 100, "PA_phone", 101, "active"),
        sip_left("EV_left", 104, "PA_phone", 101, 3, "USER_UNAVAILABLE"),
    });
    EXPECT_EQ(row.outcome, Outcome::no_answer);
    EXPECT_EQ(row.answered_at, 101);
    EXPECT_TRUE(row.answered_on_join);
}

TEST(CallRow, AnsweredStatusesAsClassificationReadsThem) {
    // any SIP event of the leg: its leave's status too, trimmed and in any case
    for (std::string_view status : {"active", "HANGUP", " Automation\t", "hangup"}) {
        SCOPED_TRACE(std::string(status));
        CallRowFacts row = row_of_every_order({
            sip_joined("EV_join", 100, "PA_phone", 100, "dialing"),
            sip_left("EV_left", 160, "PA_phone", 100, 60, "USER_REJECTED", status),
        });
        EXPECT_EQ(row.outcome, Outcome::busy);  // rule 1
        EXPECT_EQ(row.answered_at, 100);
        EXPECT_FALSE(row.answered_on_join);  // it joined dialing
    }
}

TEST(CallRow, AnsweredByTheOutcomeWithoutAnAnsweredStatus) {
    // a status that says it rang decides the outcome; without one, the duration does, and a
    // completed call was answered though no status said so
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_join", 100, "PA_phone", 100, "ringing"),
        sip_left("EV_left", 160, "PA_phone", 100, 60, "CLIENT_INITIATED"),
    });
    EXPECT_EQ(row.sip_call_status, "ringing");   // the join's
    EXPECT_EQ(row.outcome, Outcome::no_answer);  // rule 2: ringing
    EXPECT_EQ(row.answered_at, kNoTime);

    row = row_of_every_order({
        sip_joined("EV_join", 100, "PA_phone", 100),
        sip_left("EV_left", 160, "PA_phone", 100, 60, "CLIENT_INITIATED"),
    });
    EXPECT_EQ(row.outcome, Outcome::completed);  // rule 4
    EXPECT_EQ(row.answered_at, 100);
    EXPECT_FALSE(row.answered_on_join);
}

TEST(CallRow, NotAnswered) {
    for (const std::vector<StoredEvent>& events : {
             std::vector<StoredEvent>{
                 sip_joined("EV_join", 100, "PA_phone", 100, "dialing"),
                 sip_left("EV_left", 145, "PA_phone", 100, 45, "USER_UNAVAILABLE", "ringing"),
             },
             std::vector<StoredEvent>{
                 sip_left("EV_left", 106, "PA_phone", 100, 6, "USER_REJECTED", "dialing"),
             },
             std::vector<StoredEvent>{
                 sip_aborted("EV_ab", 111, "PA_phone", 100, 11, "JOIN_FAILURE", "dialing"),
             },
             std::vector<StoredEvent>{
                 // no status, too short to be completed
                 sip_left("EV_left", 105, "PA_phone", 100, 5, "CLIENT_INITIATED"),
             },
         }) {
        SCOPED_TRACE(std::string(events.back().event_id));
        CallRowFacts row = row_of_every_order(events);
        EXPECT_TRUE(row.ended);
        EXPECT_NE(row.outcome, Outcome::completed);
        EXPECT_EQ(row.answered_at, kNoTime);
        EXPECT_FALSE(row.answered_on_join);
    }
}

TEST(CallRow, InProgressLegThatJoinedAnswered) {
    CallRowFacts row = row_of_every_order({
        room_started("EV_rs", 100, "RM_1", 90),
        sip_joined("EV_join", 110, "PA_phone", 108, " ACTIVE "),
    });
    EXPECT_FALSE(row.ended);
    EXPECT_EQ(row.outcome, std::nullopt);
    EXPECT_EQ(row.answered_at, 108);
    EXPECT_TRUE(row.answered_on_join);

    // still dialing: not answered yet
    row = row_of_every_order({
        room_started("EV_rs", 100, "RM_1", 90),
        sip_joined("EV_join", 110, "PA_phone", 108, "dialing"),
    });
    EXPECT_EQ(row.answered_at, kNoTime);
    EXPECT_FALSE(row.answered_on_join);
}

TEST(CallRow, AnotherLegsAnswerNeverMixesIn) {
    // leg A answered and left; leg B rang out and its leave ended the call
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_join_a", 100, "PA_a", 100, "active"),
        sip_left("EV_left_a", 150, "PA_a", 100, 50, "CLIENT_INITIATED", "hangup"),
        sip_joined("EV_join_b", 200, "PA_b", 200, "dialing"),
        sip_left("EV_left_b", 245, "PA_b", 200, 45, "USER_UNAVAILABLE", "ringing"),
    });
    EXPECT_EQ(row.outcome, Outcome::no_answer);
    EXPECT_EQ(row.answered_at, kNoTime);
    EXPECT_FALSE(row.answered_on_join);

    // the reverse: leg A rang out; leg B joined dialing, was answered and ended the call
    row = row_of_every_order({
        sip_joined("EV_join_a", 100, "PA_a", 100, "active"),
        sip_left("EV_left_a", 145, "PA_a", 100, 45, "USER_UNAVAILABLE", "ringing"),
        sip_joined("EV_join_b", 200, "PA_b", 201, "dialing"),
        sip_left("EV_left_b", 400, "PA_b", 202, 198, "CLIENT_INITIATED", "hangup"),
    });
    EXPECT_EQ(row.outcome, Outcome::completed);
    EXPECT_EQ(row.answered_at, 202);     // B's leave's joinedAt, never A's
    EXPECT_FALSE(row.answered_on_join);  // B joined dialing; A's join is not B's
}

TEST(CallRow, WhileNoLegHasLeftTheAnsweredLegsJoin) {
    // leg A is still dialing, leg B joined answered: B's joinedAt, whatever came later
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_join_b", 100, "PA_b", 99, "active"),
        sip_joined("EV_join_a", 300, "PA_a", 300, "dialing"),
    });
    EXPECT_FALSE(row.ended);
    EXPECT_EQ(row.answered_at, 99);
    EXPECT_TRUE(row.answered_on_join);
}

// --- SIP call ids: the leg whose leave ended the call, as its number

TEST(CallRow, SipCallIdsOfTheLegThatEndedTheCall) {
    // a transferred call: the caller left last and ended the call
    CallRowFacts row = row_of_every_order({
        with_call_ids(sip_joined("EV_join_caller", 100, "PA_caller", 100, "active"), "SCL_caller",
                      "caller@203.0.113.10"),
        with_call_ids(sip_joined("EV_join_target", 200, "PA_target", 200, "active"), "SCL_target",
                      "target@203.0.113.20"),
        with_call_ids(sip_left("EV_left_target", 300, "PA_target", 200, 100, "CLIENT_INITIATED"),
                      "SCL_target", "target@203.0.113.20"),
        sip_left("EV_left_caller", 400, "PA_caller", 100, 300, "CLIENT_INITIATED", "hangup"),
    });
    EXPECT_EQ(row.sip_call_id, "SCL_caller");
    EXPECT_EQ(row.sip_call_id_full, "caller@203.0.113.10");
}

TEST(CallRow, NoSipCallIdFromAnotherLeg) {
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_join_caller", 100, "PA_caller", 100, "active"),
        with_call_ids(sip_joined("EV_join_target", 200, "PA_target", 200, "active"), "SCL_target",
                      "target@203.0.113.20"),
        sip_left("EV_left_caller", 400, "PA_caller", 100, 300, "CLIENT_INITIATED", "hangup"),
    });
    EXPECT_TRUE(row.sip_call_id.empty());
    EXPECT_TRUE(row.sip_call_id_full.empty());
}

TEST(CallRow, SipCallIdsOfAnyLegWhileNoneHasLeft) {
    CallRowFacts row = row_of_every_order({
        with_call_ids(sip_joined("EV_join_a", 100, "PA_a", 100, "dialing"), "SCL_a", {}),
        with_call_ids(sip_joined("EV_join_b", 200, "PA_b", 200, "dialing"), "SCL_b", "b@host"),
    });
    EXPECT_EQ(row.sip_call_id, "SCL_b");
    EXPECT_EQ(row.sip_call_id_full, "b@host");
}

TEST(CallRow, SipCallIdsWhileNoneHasLeftNameOneLeg) {
    // an inbound caller (both ids) and an outbound leg dialed later (LiveKit's id only): the
    // pair is the later leg's, never its id with the caller's Call-ID
    CallRowFacts row = row_of_every_order({
        with_call_ids(sip_joined("EV_join_caller", 100, "PA_caller", 100, "active"), "SCL_caller",
                      "caller@203.0.113.10"),
        with_call_ids(sip_joined("EV_join_target", 200, "PA_target", 200, "dialing"), "SCL_target",
                      {}),
    });
    EXPECT_FALSE(row.ended);
    EXPECT_EQ(row.sip_call_id, "SCL_target");
    EXPECT_TRUE(row.sip_call_id_full.empty());

    // an event of a leg without ids does not choose the leg
    row = row_of_every_order({
        with_call_ids(sip_joined("EV_join_caller", 100, "PA_caller", 100, "active"), "SCL_caller",
                      "caller@203.0.113.10"),
        sip_joined("EV_join_target", 200, "PA_target", 200, "dialing"),
    });
    EXPECT_EQ(row.sip_call_id, "SCL_caller");
    EXPECT_EQ(row.sip_call_id_full, "caller@203.0.113.10");
}

TEST(CallRow, SipCallIdsEachFromTheLatestEventThatHasIt) {
    // the full id is only on the join; the leave's id is the later one
    CallRowFacts row = row_of_every_order({
        with_call_ids(sip_joined("EV_join", 100, "PA_phone", 100, "ringing"), "SCL_join",
                      "full@203.0.113.10"),
        with_call_ids(sip_left("EV_left", 287, "PA_phone", 100, 187, "CLIENT_INITIATED", "hangup"),
                      "SCL_left", {}),
    });
    EXPECT_EQ(row.sip_call_id, "SCL_left");
    EXPECT_EQ(row.sip_call_id_full, "full@203.0.113.10");
}

TEST(CallRow, SipCallIdsOnlyFromSipEvents) {
    StoredEvent agent =
        with_call_ids(sip_joined("EV_agent", 400, "agent", 400), "SCL_agent", "agent@x");
    agent.is_sip = false;
    CallRowFacts row = row_of_every_order({
        agent,
        with_call_ids(sip_joined("EV_join", 100, "PA_phone", 100), "SCL_phone", {}),
    });
    EXPECT_EQ(row.sip_call_id, "SCL_phone");
    EXPECT_TRUE(row.sip_call_id_full.empty());
}

// --- the set, not the order

TEST(CallRow, EveryOrderGivesTheSameRowEndedBySipLeave) {
    StoredEvent joined = sip_joined("EV_C", 110, "PA_phone", 108, "active", "+15550001111");
    joined.room_sid = "RM_join";
    CallRowFacts row = row_of_every_order({
        room_started("EV_A", 100, "RM_1", 90),
        joined,
        // two leaves of the same leg at the same instant: the greater id ends the call
        sip_left("EV_D", 200, "PA_phone", 108, 92, "CLIENT_INITIATED", "hangup"),
        sip_aborted("EV_E", 200, "PA_phone", 109, 91, "UNKNOWN_REASON"),
        room_finished("EV_B", 250, "RM_1", 95, 160),
        egress_ended("EV_F", 260, "s3://bucket/call.ogg"),
    });
    EXPECT_TRUE(row.ended);
    EXPECT_TRUE(row.sip_seen);
    EXPECT_EQ(row.room_sid, "RM_1");
    EXPECT_EQ(row.started_at, 90);
    EXPECT_EQ(row.ended_at, 200);
    EXPECT_EQ(row.duration_seconds, 91);
    EXPECT_EQ(row.disconnect_reason, "CLIENT_INITIATED");
    EXPECT_EQ(row.sip_call_status, "hangup");
    EXPECT_EQ(row.sip_phone_number, "+15550001111");
    EXPECT_EQ(row.recording_url, "s3://bucket/call.ogg");
    EXPECT_EQ(row.outcome, Outcome::completed);
    EXPECT_EQ(row.answered_at, 109);
    EXPECT_TRUE(row.answered_on_join);  // EV_C joined active
}

TEST(CallRow, EveryOrderGivesTheSameRowWithTiesAndUnknownTimes) {
    CallRowFacts row = row_of_every_order({
        room_started("EV_1", kNoTime, "RM_a", 80),
        room_started("EV_2", kNoTime, "RM_b", 81),
        room_finished("EV_3", kNoTime, "RM_c", 82, 40),
        room_finished("EV_4", kNoTime, "RM_d", 83, 41),
        egress_ended("EV_5", kNoTime, "s3://bucket/5.ogg"),
        egress_ended("EV_6", kNoTime, "s3://bucket/6.ogg"),
    });
    EXPECT_TRUE(row.ended);
    EXPECT_FALSE(row.sip_seen);
    EXPECT_EQ(row.room_sid, "RM_b");
    EXPECT_EQ(row.started_at, 81);
    EXPECT_EQ(row.ended_at, kNoTime);
    EXPECT_EQ(row.duration_seconds, 41);
    EXPECT_TRUE(row.disconnect_reason.empty());
    EXPECT_EQ(row.recording_url, "s3://bucket/6.ogg");
    EXPECT_EQ(row.outcome, Outcome::failed);
    EXPECT_EQ(row.answered_at, kNoTime);
}

TEST(CallRow, EveryOrderGivesTheSameRowAcrossLegs) {
    CallRowFacts row = row_of_every_order({
        sip_joined("EV_j1", 100, "PA_a", 100, "ringing", "+15550001111"),
        sip_left("EV_l1", 120, "PA_a", 100, 20, "USER_REJECTED", "ringing"),
        sip_joined("EV_j2", 130, "PA_b", 130, "active", "+15550002222"),
        sip_left("EV_l2", 135, "PA_b", 130, 5, "UNKNOWN_REASON"),
        sip_left("EV_l3", 135, "PA_b", 130, 5, "USER_UNAVAILABLE"),
    });
    EXPECT_TRUE(row.ended);
    EXPECT_EQ(row.ended_at, 135);
    EXPECT_EQ(row.duration_seconds, 5);
    EXPECT_EQ(row.disconnect_reason, "USER_UNAVAILABLE");
    EXPECT_EQ(row.sip_call_status, "active");  // PA_b's join; PA_a's "ringing" never
    EXPECT_EQ(row.sip_phone_number, "+15550002222");
    EXPECT_EQ(row.outcome, Outcome::no_answer);  // rule 1 before rule 2
    // answered all the same: PA_b joined active (its leaves' joinedAt)
    EXPECT_EQ(row.answered_at, 130);
    EXPECT_TRUE(row.answered_on_join);
}

}  // namespace
}  // namespace callout::core

namespace callout::core {
namespace {

TEST(CallPhoneNumber, RegisteredThenLegThenRoomName) {
    const std::string_view room = "call-_+14155550123_abc";
    EXPECT_EQ(call_phone_number(std::string_view("+4930123"), "+4940999", room), "+4930123");
    // a number registered empty is what was registered
    EXPECT_EQ(call_phone_number(std::string_view(""), "+4940999", room), "");
    EXPECT_EQ(call_phone_number(std::nullopt, "+4940999", room), "+4940999");
    EXPECT_EQ(call_phone_number(std::nullopt, "", room), "+14155550123");
    EXPECT_EQ(call_phone_number(std::nullopt, "", "outbound-room"), std::nullopt);
}

}  // namespace
}  // namespace callout::core
