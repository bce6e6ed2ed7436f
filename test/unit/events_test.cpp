// Which webhook events callout acts on, and the enum values it reads from them.
#include "core/events.hpp"

#include <gtest/gtest.h>

namespace callout::core {
namespace {

TEST(Events, KnownEventNames) {
    EXPECT_EQ(event_type_from_name("room_started"), EventType::room_started);
    EXPECT_EQ(event_type_from_name("participant_joined"), EventType::participant_joined);
    EXPECT_EQ(event_type_from_name("participant_left"), EventType::participant_left);
    EXPECT_EQ(event_type_from_name("participant_connection_aborted"),
              EventType::participant_connection_aborted);
    EXPECT_EQ(event_type_from_name("room_finished"), EventType::room_finished);
    EXPECT_EQ(event_type_from_name("egress_ended"), EventType::egress_ended);
}

TEST(Events, OtherEventNamesAreIgnored) {
    for (const char* name :
         {"track_published", "track_unpublished", "egress_started", "egress_updated",
          "ingress_started", "ingress_ended", "", "ROOM_STARTED", "Room_Started", " room_started",
          "room_started ", "room_started\n", "participant_joined_x", "participant",
          "room_finishe"}) {
        SCOPED_TRACE(name);
        EXPECT_EQ(event_type_from_name(name), EventType::other);
    }
}

TEST(Events, ParticipantEvents) {
    EXPECT_TRUE(is_participant_event(EventType::participant_joined));
    EXPECT_TRUE(is_participant_event(EventType::participant_left));
    EXPECT_TRUE(is_participant_event(EventType::participant_connection_aborted));
    EXPECT_FALSE(is_participant_event(EventType::room_started));
    EXPECT_FALSE(is_participant_event(EventType::room_finished));
    EXPECT_FALSE(is_participant_event(EventType::egress_ended));
    EXPECT_FALSE(is_participant_event(EventType::other));
}

TEST(Events, FailedEgressStatus) {
    EXPECT_TRUE(is_failed_egress_status("EGRESS_FAILED"));
    EXPECT_TRUE(is_failed_egress_status("EGRESS_ABORTED"));
    EXPECT_TRUE(is_failed_egress_status("4"));
    EXPECT_TRUE(is_failed_egress_status("5"));
}

TEST(Events, EgressStatusWithARecording) {
    for (const char* status : {"EGRESS_STARTING", "EGRESS_ACTIVE", "EGRESS_ENDING",
                               "EGRESS_COMPLETE", "EGRESS_LIMIT_REACHED", "0", "1", "2", "3", "6",
                               "", "egress_failed", "FAILED", "EGRESS_FAILED ", "44"}) {
        SCOPED_TRACE(status);
        EXPECT_FALSE(is_failed_egress_status(status));
    }
}

TEST(Events, SipParticipantKind) {
    EXPECT_TRUE(is_sip_participant_kind("SIP"));
    EXPECT_TRUE(is_sip_participant_kind("3"));
    for (const char* kind : {"STANDARD", "INGRESS", "EGRESS", "AGENT", "CONNECTOR", "0", "1", "2",
                             "4", "7", "", "sip", "Sip", " SIP", "SIP ", "03", "SIPX"}) {
        SCOPED_TRACE(kind);
        EXPECT_FALSE(is_sip_participant_kind(kind));
    }
}

}  // namespace
}  // namespace callout::core
