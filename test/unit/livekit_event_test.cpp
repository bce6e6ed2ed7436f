// Facts derived from a LiveKit event's plain fields: the phone leg, the phone number, the
// campaign and the call's length as one event tells them.
#include <gtest/gtest.h>

#include "core/livekit_event.hpp"

namespace callout::core {
namespace {

// A SIP participant leaving an inbound dispatch-rule room (vector in1_sip_participant_left).
LivekitEvent sip_leave() {
    LivekitEvent event;
    event.type = EventType::participant_left;
    event.room_name = "call-_+14155550123_pZiNJCzpfSh2";
    event.created_at = 1767268988;
    event.room_creation_time = 1767268800;
    event.has_participant = true;
    event.participant_kind = "SIP";
    event.joined_at = 1767268801;
    event.sip_phone_number = "+14155550123";
    return event;
}

TEST(LivekitEvent, SipParticipantIsThePhoneLeg) {
    EXPECT_TRUE(is_sip_participant(sip_leave()));
    LivekitEvent agent = sip_leave();
    agent.participant_kind = "AGENT";
    EXPECT_FALSE(is_sip_participant(agent));
    LivekitEvent no_participant = sip_leave();
    no_participant.has_participant = false;
    EXPECT_FALSE(is_sip_participant(no_participant));
}

TEST(LivekitEvent, PhoneNumberPrefersTheSipAttribute) {
    LivekitEvent event = sip_leave();
    event.sip_phone_number = "+4930901800311";
    EXPECT_EQ(event_phone_number(event), "+4930901800311");
}

TEST(LivekitEvent, PhoneNumberFallsBackToTheRoomName) {
    LivekitEvent event = sip_leave();
    event.sip_phone_number = {};
    EXPECT_EQ(event_phone_number(event), "+14155550123");
    event.room_name = "support-UZCSNqS4";
    EXPECT_EQ(event_phone_number(event), "");
}

TEST(LivekitEvent, CampaignIdComesFromTheRoomName) {
    LivekitEvent event = sip_leave();
    EXPECT_EQ(event_campaign_id(event), "");
    event.room_name = "outbound-campaign-4711-lead-000124-Hju6rCDc";
    EXPECT_EQ(event_campaign_id(event), "4711");
}

TEST(LivekitEvent, LeaveDurationRunsFromJoinToEvent) {
    EXPECT_EQ(event_call_duration(sip_leave()), 187);  // not the room's 188
    LivekitEvent aborted = sip_leave();
    aborted.type = EventType::participant_connection_aborted;
    EXPECT_EQ(event_call_duration(aborted), 187);
}

TEST(LivekitEvent, RoomFinishedDurationRunsFromRoomCreation) {
    LivekitEvent event = sip_leave();
    event.type = EventType::room_finished;
    event.created_at = 1767269009;
    EXPECT_EQ(event_call_duration(event), 209);
}

TEST(LivekitEvent, DurationNeedsBothTimesAndNeverRunsBackwards) {
    LivekitEvent event = sip_leave();
    event.joined_at.reset();
    EXPECT_FALSE(event_call_duration(event).has_value());
    event = sip_leave();
    event.created_at.reset();
    EXPECT_FALSE(event_call_duration(event).has_value());
    event = sip_leave();
    event.joined_at = *event.created_at + 1;
    EXPECT_FALSE(event_call_duration(event).has_value());
    event.joined_at = event.created_at;
    EXPECT_EQ(event_call_duration(event), 0);
}

TEST(LivekitEvent, OtherEventsCarryNoDuration) {
    for (EventType type : {EventType::room_started, EventType::participant_joined,
                           EventType::egress_ended, EventType::other}) {
        LivekitEvent event = sip_leave();
        event.type = type;
        EXPECT_FALSE(event_call_duration(event).has_value());
    }
}

}  // namespace
}  // namespace callout::core
