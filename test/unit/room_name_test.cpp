// Room-name facts: the caller's number in dispatch-rule rooms, the campaign of outbound rooms.
#include "core/room_name.hpp"

#include <gtest/gtest.h>

#include <string>

#ifdef CALLOUT_VECTORS_FILE
#include <nlohmann/json.hpp>

#include <fstream>
#endif

namespace callout::core {
namespace {

TEST(RoomName, PhoneNumberFromInboundRoom) {
    EXPECT_EQ(phone_number_from_room("call-_+14155550123_pZiNJCzpfSh2"), "+14155550123");
}

TEST(RoomName, PhoneNumberElevenDigit) {
    EXPECT_EQ(phone_number_from_room("call-_+14155550123_x"), "+14155550123");
}

TEST(RoomName, PhoneNumberNonSipRoom) {
    EXPECT_EQ(phone_number_from_room("support-UZCSNqS4"), "");
    EXPECT_EQ(phone_number_from_room("outbound-campaign-4711-lead-000123-G8L8Ve3i"), "");
    EXPECT_EQ(phone_number_from_room(""), "");
}

TEST(RoomName, PhoneNumberIsAViewIntoTheName) {
    const std::string name = "call-_+14155550123_abc";
    const std::string_view number = phone_number_from_room(name);
    ASSERT_EQ(number, "+14155550123");
    EXPECT_EQ(number.data(), name.data() + 6);
}

TEST(RoomName, PhoneNumberLengthBounds) {
    EXPECT_EQ(phone_number_from_room("call-_+1234567_x"), "+1234567");                  // 7 digits
    EXPECT_EQ(phone_number_from_room("call-_+123456789012345_x"), "+123456789012345");  // 15
    EXPECT_EQ(phone_number_from_room("call-_+123456_x"), "");                           // 6
    EXPECT_EQ(phone_number_from_room("call-_+1234567890123456_x"), "");                 // 16
    EXPECT_EQ(phone_number_from_room("_+123_"), "");
    EXPECT_EQ(phone_number_from_room("_+_"), "");
}

TEST(RoomName, PhoneNumberWholeSegmentOnly) {
    EXPECT_EQ(phone_number_from_room("call-_0123_D85YDRyMFXUo"), "");  // hidden caller id
    EXPECT_EQ(phone_number_from_room("call-_14155550123_x"), "");      // no plus
    EXPECT_EQ(phone_number_from_room("call-_+1415555012a_x"), "");
    EXPECT_EQ(phone_number_from_room("call-_+1 415 555 0123_x"), "");
    EXPECT_EQ(phone_number_from_room("call-_+1-415-555-0123_x"), "");
    EXPECT_EQ(phone_number_from_room("call-_x+14155550123_x"), "");
    EXPECT_EQ(phone_number_from_room("call-_+14155550123x_x"), "");
    EXPECT_EQ(phone_number_from_room("call-_++14155550123_x"), "");
    EXPECT_EQ(phone_number_from_room("call-_+１４１５５５５０１２３_x"), "");  // not ASCII digits
}

TEST(RoomName, PhoneNumberNeedsUnderscoresOnBothSides) {
    EXPECT_EQ(phone_number_from_room("x_+14155550123"), "");
    EXPECT_EQ(phone_number_from_room("+14155550123_x"), "");
    EXPECT_EQ(phone_number_from_room("+14155550123"), "");
    EXPECT_EQ(phone_number_from_room("_+14155550123"), "");
    EXPECT_EQ(phone_number_from_room("_+14155550123_"), "+14155550123");  // empty prefix and suffix
}

TEST(RoomName, PhoneNumberFirstOneWins) {
    EXPECT_EQ(phone_number_from_room("a_+14155550123_+4930901820_b"), "+14155550123");
    EXPECT_EQ(phone_number_from_room("a_bad_+4930901820_b"), "+4930901820");
    EXPECT_EQ(phone_number_from_room("a__+4930901820__b"), "+4930901820");
    EXPECT_EQ(phone_number_from_room("call-_+14155550555_XekgCZnCEtUS"), "+14155550555");
}

TEST(RoomName, PhoneNumberInNonAsciiName) {
    EXPECT_EQ(phone_number_from_room("anruf-müller-📞_+49309018323_日本語"), "+49309018323");
    EXPECT_EQ(phone_number_from_room("anruf-müller-📞-日本語-ß"), "");
}

TEST(RoomName, CampaignIdFromOutboundRoom) {
    EXPECT_EQ(campaign_id_from_room("outbound-campaign-4711-lead-000124-Hju6rCDc"), "4711");
    EXPECT_EQ(campaign_id_from_room("outbound-campaign-spring_sale-x"), "spring_sale");
}

TEST(RoomName, CampaignIdNonCampaignRoom) {
    EXPECT_EQ(campaign_id_from_room("call-_+14155550123_pZiNJCzpfSh2"), "");
    EXPECT_EQ(campaign_id_from_room("outbound-4711-lead-1"), "");
    EXPECT_EQ(campaign_id_from_room("inbound-campaign-4711-x"), "");
    EXPECT_EQ(campaign_id_from_room("Outbound-Campaign-4711-x"),
              "");  // room names are case-sensitive
    EXPECT_EQ(campaign_id_from_room("x-outbound-campaign-4711-x"), "");
    EXPECT_EQ(campaign_id_from_room(""), "");
}

TEST(RoomName, CampaignIdEdges) {
    EXPECT_EQ(campaign_id_from_room("outbound-campaign-"), "");
    EXPECT_EQ(campaign_id_from_room("outbound-campaign--lead-1"), "");
    EXPECT_EQ(campaign_id_from_room("outbound-campaign"), "");
    EXPECT_EQ(campaign_id_from_room("outbound-campaign-4711"), "4711");  // no suffix: still the id
    EXPECT_EQ(campaign_id_from_room("outbound-campaign-4711-"), "4711");
    const std::string name = "outbound-campaign-42-lead";
    EXPECT_EQ(campaign_id_from_room(name).data(), name.data() + 18);
}

#ifdef CALLOUT_VECTORS_FILE
// Every room LiveKit named in the vector file: a number found in the name is the SIP
// participant's own number, and every outbound room belongs to campaign 4711.
TEST(RoomName, LiveKitVectorRooms) {
    std::ifstream file(CALLOUT_VECTORS_FILE);
    ASSERT_TRUE(file) << CALLOUT_VECTORS_FILE;
    int with_number = 0;
    int with_campaign = 0;
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty()) continue;
        const nlohmann::json vector = nlohmann::json::parse(line);
        const nlohmann::json& expect = vector.at("expect");
        if (!expect.contains("room_name") || !expect["room_name"].is_string()) continue;
        const std::string room = expect["room_name"].get<std::string>();
        SCOPED_TRACE(room);
        const std::string_view number = phone_number_from_room(room);
        if (!number.empty()) {
            ++with_number;
            if (expect.contains("sip_phone_number") && expect["sip_phone_number"].is_string()) {
                EXPECT_EQ(number, expect["sip_phone_number"].get<std::string>());
            }
        }
        const std::string_view campaign = campaign_id_from_room(room);
        if (room.rfind("outbound-campaign-", 0) == 0) {
            ++with_campaign;
            EXPECT_EQ(campaign, "4711");
        } else {
            EXPECT_EQ(campaign, "");
        }
    }
    EXPECT_GT(with_number, 0);
    EXPECT_GT(with_campaign, 0);
}
#endif

}  // namespace
}  // namespace callout::core
