// matching_call and key_may_touch (DESIGN.md §6): bound calls first, a tenant's key only its
// tenant's calls, an unbound key every call but those a tenant's key created, exactly one or
// none, and a sid a tenant holds under another name.
#include "core/matching.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string_view>
#include <vector>

namespace callout::core {
namespace {

const CallCandidate kRegisteredA = {"tenant-a", "registered"};
const CallCandidate kRegisteredB = {"tenant-b", "registered"};
const CallCandidate kRoutedA = {"tenant-a", "phone_route"};
const CallCandidate kTenantKeyA = {"tenant-a", "tenant_key"};

std::optional<MatchedCandidate> match(const std::vector<CallCandidate>& bound,
                                      const std::vector<CallCandidate>& named,
                                      const std::vector<std::string_view>& sid_tenants,
                                      KeyTenant key_user_id) {
    return matching_call(bound.data(), bound.size(), named.data(), named.size(), sid_tenants.data(),
                         sid_tenants.size(), key_user_id);
}

void expect_match(const std::optional<MatchedCandidate>& got, bool bound, std::size_t index) {
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->bound, bound);
    EXPECT_EQ(got->index, index);
}

TEST(KeyMayTouch, TenantKeyTouchesOnlyItsTenantsCalls) {
    EXPECT_TRUE(key_may_touch("tenant-a", kRegisteredA));
    EXPECT_TRUE(key_may_touch("tenant-a", kTenantKeyA));
    EXPECT_TRUE(key_may_touch("tenant-a", kRoutedA));
    EXPECT_FALSE(key_may_touch("tenant-a", kRegisteredB));
    EXPECT_FALSE(key_may_touch("tenant-ab", kRegisteredA));
}

TEST(KeyMayTouch, UnboundKeyTouchesEveryCallButTenantKeyCalls) {
    EXPECT_TRUE(key_may_touch(std::nullopt, kRegisteredA));
    EXPECT_TRUE(key_may_touch(std::nullopt, kRoutedA));
    EXPECT_FALSE(key_may_touch(std::nullopt, kTenantKeyA));
}

TEST(MatchingCall, NoCandidateMatchesNothing) {
    EXPECT_FALSE(match({}, {}, {}, std::nullopt).has_value());
    EXPECT_FALSE(match({}, {}, {}, "tenant-a").has_value());
}

TEST(MatchingCall, TheOneBoundCall) {
    expect_match(match({kRegisteredA}, {}, {"tenant-a"}, std::nullopt), true, 0);
    expect_match(match({kRegisteredA}, {}, {"tenant-a"}, "tenant-a"), true, 0);
}

TEST(MatchingCall, BoundCallsComeBeforeOpenNamedCalls) {
    expect_match(match({kRegisteredA}, {kRegisteredB}, {"tenant-a"}, std::nullopt), true, 0);
}

TEST(MatchingCall, ABoundSidTheKeyMayNotTouchMatchesNothingNotEvenANamedCall) {
    EXPECT_FALSE(match({kRegisteredB}, {kRegisteredA}, {"tenant-b"}, "tenant-a").has_value());
    EXPECT_FALSE(match({kTenantKeyA}, {kRegisteredB}, {"tenant-a"}, std::nullopt).has_value());
}

TEST(MatchingCall, OfSeveralBoundCallsTheOneTheKeyMayTouch) {
    expect_match(match({kRegisteredB, kRegisteredA}, {}, {"tenant-a", "tenant-b"}, "tenant-a"),
                 true, 1);
    EXPECT_FALSE(match({kRegisteredB, kRegisteredA}, {}, {"tenant-a", "tenant-b"}, std::nullopt)
                     .has_value());
}

TEST(MatchingCall, TheOneOpenNamedCall) {
    expect_match(match({}, {kRegisteredA}, {}, std::nullopt), false, 0);
    expect_match(match({}, {kRegisteredB, kRegisteredA}, {}, "tenant-a"), false, 1);
}

TEST(MatchingCall, TwoOpenNamedCallsTheKeyMayTouchMatchNothing) {
    EXPECT_FALSE(match({}, {kRegisteredA, kRegisteredB}, {}, std::nullopt).has_value());
    EXPECT_FALSE(match({}, {kRegisteredA, kRoutedA}, {}, "tenant-a").has_value());
}

TEST(MatchingCall, AnUnboundKeyNeverReachesACallATenantsKeyCreated) {
    EXPECT_FALSE(match({}, {kTenantKeyA}, {}, std::nullopt).has_value());
    expect_match(match({}, {kTenantKeyA, kRegisteredB}, {}, std::nullopt), false, 1);
}

TEST(MatchingCall, ATenantHoldingTheSidUnderAnotherNameBindsNothingHere) {
    EXPECT_FALSE(match({}, {kRegisteredA}, {"tenant-a"}, std::nullopt).has_value());
    expect_match(match({}, {kRegisteredA, kRegisteredB}, {"tenant-a"}, std::nullopt), false, 1);
    expect_match(match({}, {kRegisteredA}, {"tenant-b"}, std::nullopt), false, 0);
}

}  // namespace
}  // namespace callout::core
