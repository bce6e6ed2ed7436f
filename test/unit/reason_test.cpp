// The answer's vocabulary and the HTTP status each answer is sent back with.
#include "core/reason.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace callout::core {
namespace {

TEST(Reason, EveryReasonHasItsOwnName) {
    std::set<std::string> names;
    for (int i = 0; i <= static_cast<int>(Reason::conflicting_duplicate); ++i) {
        const std::string name = reason_name(static_cast<Reason>(i));
        EXPECT_NE(name, "unknown");
        EXPECT_TRUE(names.insert(name).second) << name;
    }
    EXPECT_STREQ(reason_name(Reason::ok), "ok");
    EXPECT_STREQ(reason_name(Reason::already_processed), "already processed");
    EXPECT_STREQ(reason_name(Reason::sha256_mismatch), "sha256_mismatch");
}

TEST(Reason, HttpStatus) {
    for (Status status : {Status::processed, Status::duplicate, Status::unmatched, Status::ignored})
        EXPECT_EQ(http_status(status, Reason::ok), 200);
    EXPECT_EQ(http_status(Status::duplicate, Reason::conflicting_duplicate), 200);
    EXPECT_EQ(http_status(Status::rejected, Reason::body_too_large), 413);
    EXPECT_EQ(http_status(Status::rejected, Reason::body_not_json), 400);
    EXPECT_EQ(http_status(Status::rejected, Reason::missing_event_id), 400);
    EXPECT_EQ(http_status(Status::rejected, Reason::missing_room_name), 400);
    EXPECT_EQ(http_status(Status::rejected, Reason::too_many_events), 429);
    EXPECT_EQ(http_status(Status::rejected, Reason::key_rate_limit), 429);
    for (Reason reason :
         {Reason::bad_signature, Reason::unknown_api_key, Reason::expired, Reason::malformed_jwt,
          Reason::empty_authorization, Reason::malformed_signature, Reason::jwt_needs_raw_body})
        EXPECT_EQ(http_status(Status::rejected, reason), 401);
}

TEST(Reason, StatusNames) {
    EXPECT_STREQ(status_name(Status::processed), "processed");
    EXPECT_STREQ(status_name(Status::duplicate), "duplicate");
    EXPECT_STREQ(status_name(Status::unmatched), "unmatched");
    EXPECT_STREQ(status_name(Status::ignored), "ignored");
    EXPECT_STREQ(status_name(Status::rejected), "rejected");
}

}  // namespace
}  // namespace callout::core
