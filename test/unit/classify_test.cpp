// classify_outcome (DESIGN.md §5): each rule, their precedence, the thresholds, and the calls
// recorded from LiveKit.
#include "core/classify.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#ifdef CALLOUT_VECTORS_FILE
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#endif

namespace callout::core {
namespace {

Outcome classify(std::optional<double> duration, std::optional<std::string_view> reason = {},
                 std::optional<std::string_view> status = {}) {
    CallFacts facts;
    facts.duration_seconds = duration;
    facts.disconnect_reason = reason;
    facts.sip_call_status = status;
    return classify_outcome(facts);
}

constexpr std::optional<double> kUnknown = std::nullopt;

TEST(Classify, OutcomeNames) {
    EXPECT_STREQ(outcome_name(Outcome::completed), "completed");
    EXPECT_STREQ(outcome_name(Outcome::no_answer), "no_answer");
    EXPECT_STREQ(outcome_name(Outcome::busy), "busy");
    EXPECT_STREQ(outcome_name(Outcome::failed), "failed");
}

// --- the original module's cases

TEST(Classify, ClassifyCompleted) {
    EXPECT_EQ(classify(120), Outcome::completed);
}

TEST(Classify, ClassifyNoAnswerShort) {
    EXPECT_EQ(classify(5), Outcome::no_answer);
}

TEST(Classify, ClassifyFailedVeryShort) {
    EXPECT_EQ(classify(1), Outcome::failed);
}

TEST(Classify, ClassifyBusy) {
    EXPECT_EQ(classify(0, "busy"), Outcome::busy);
    EXPECT_EQ(classify(0, "USER_REJECTED"), Outcome::busy);
}

TEST(Classify, ClassifyNoAnswerReason) {
    EXPECT_EQ(classify(0, "no_answer"), Outcome::no_answer);
    EXPECT_EQ(classify(30, "USER_UNAVAILABLE"), Outcome::no_answer);
}

TEST(Classify, ClassifyFailedReason) {
    EXPECT_EQ(classify(60, "error"), Outcome::failed);
    EXPECT_EQ(classify(60, "SIP_TRUNK_FAILURE"), Outcome::failed);
}

TEST(Classify, ClassifyEdgeTenSeconds) {
    EXPECT_EQ(classify(10), Outcome::completed);
    EXPECT_EQ(classify(9.999), Outcome::no_answer);
}

TEST(Classify, ClassifyEdgeThreeSeconds) {
    EXPECT_EQ(classify(3), Outcome::no_answer);
    EXPECT_EQ(classify(2.999), Outcome::failed);
}

// --- rule 1: LiveKit reasons meaning the phone never connected

TEST(Classify, NeverConnectedReasonsWinOverEverything) {
    for (const double duration : {0.0, 1.0, 5.0, 300.0, 3600.0}) {
        SCOPED_TRACE(duration);
        EXPECT_EQ(classify(duration, "USER_UNAVAILABLE", "hangup"), Outcome::no_answer);
        EXPECT_EQ(classify(duration, "USER_REJECTED", "active"), Outcome::busy);
        EXPECT_EQ(classify(duration, "SIP_TRUNK_FAILURE", "hangup"), Outcome::failed);
        EXPECT_EQ(classify(duration, "JOIN_FAILURE", "active"), Outcome::failed);
    }
    EXPECT_EQ(classify(300, "USER_REJECTED"), Outcome::busy);
    EXPECT_EQ(classify(kUnknown, "USER_UNAVAILABLE"), Outcome::no_answer);
    EXPECT_EQ(classify(45, "USER_UNAVAILABLE", "ringing"), Outcome::no_answer);
    EXPECT_EQ(classify(1, "USER_UNAVAILABLE", "ringing"), Outcome::no_answer);  // not rule 2
    EXPECT_EQ(classify(kUnknown, "USER_REJECTED", "dialing"), Outcome::busy);
}

TEST(Classify, NeverConnectedReasonsAsProtobufNumbers) {
    EXPECT_EQ(classify(300, "11", "hangup"), Outcome::no_answer);  // USER_UNAVAILABLE
    EXPECT_EQ(classify(300, "12", "hangup"), Outcome::busy);       // USER_REJECTED
    EXPECT_EQ(classify(300, "13", "hangup"), Outcome::failed);     // SIP_TRUNK_FAILURE
    EXPECT_EQ(classify(300, "7", "hangup"), Outcome::failed);      // JOIN_FAILURE
}

TEST(Classify, NeverConnectedNamesAreExactUpperCase) {
    // Lower case is not LiveKit's spelling: it is free text (rule 3) or nothing.
    EXPECT_EQ(classify(300, "user_unavailable"), Outcome::no_answer);  // "unavailable"
    EXPECT_EQ(classify(300, "user_rejected"), Outcome::completed);
    EXPECT_EQ(classify(300, "sip_trunk_failure"), Outcome::failed);  // "fail"
    EXPECT_EQ(classify(300, "User_Rejected"), Outcome::completed);
    EXPECT_EQ(classify(300, "USER_REJECTED_X"), Outcome::completed);
}

TEST(Classify, ReasonIsTrimmed) {
    EXPECT_EQ(classify(300, " USER_REJECTED\n"), Outcome::busy);
    EXPECT_EQ(classify(300, "\tMEDIA_FAILURE "), Outcome::completed);  // still a LiveKit name
}

// --- other LiveKit reasons fall through to the SIP status and the duration

TEST(Classify, OtherLiveKitReasonsFallThrough) {
    EXPECT_EQ(classify(1200, "MEDIA_FAILURE"), Outcome::completed);  // a 20-minute call
    EXPECT_EQ(classify(1, "MEDIA_FAILURE"), Outcome::failed);
    EXPECT_EQ(classify(5, "MEDIA_FAILURE"), Outcome::no_answer);
    EXPECT_EQ(classify(1200, "CONNECTION_TIMEOUT"), Outcome::completed);
    EXPECT_EQ(classify(1200, "SERVER_SHUTDOWN"), Outcome::completed);
    EXPECT_EQ(classify(94, "PARTICIPANT_REMOVED", "active"), Outcome::completed);
    EXPECT_EQ(classify(2, "ROOM_DELETED", "active"), Outcome::completed);
    EXPECT_EQ(classify(2, "CLIENT_INITIATED", "dialing"), Outcome::failed);
    EXPECT_EQ(classify(20, "CLIENT_INITIATED", "ringing"), Outcome::no_answer);
    EXPECT_EQ(classify(60, "UNKNOWN_REASON"), Outcome::completed);
    EXPECT_EQ(classify(kUnknown, "CLIENT_INITIATED"), Outcome::failed);
}

TEST(Classify, LiveKitReasonNames) {
    for (const char* name : {"UNKNOWN_REASON",
                             "CLIENT_INITIATED",
                             "DUPLICATE_IDENTITY",
                             "SERVER_SHUTDOWN",
                             "PARTICIPANT_REMOVED",
                             "ROOM_DELETED",
                             "STATE_MISMATCH",
                             "JOIN_FAILURE",
                             "MIGRATION",
                             "SIGNAL_CLOSE",
                             "ROOM_CLOSED",
                             "USER_UNAVAILABLE",
                             "USER_REJECTED",
                             "SIP_TRUNK_FAILURE",
                             "CONNECTION_TIMEOUT",
                             "MEDIA_FAILURE",
                             "AGENT_ERROR",
                             "0",
                             "15",
                             "16",
                             "99",
                             "4294967295",
                             "123456789012345678901234567890"}) {
        SCOPED_TRACE(name);
        EXPECT_TRUE(is_livekit_disconnect_reason(name));
    }
    for (const char* text :
         {"", "busy", "client_initiated", "Client_Initiated", "MEDIA_FAILURE ", " MEDIA_FAILURE",
          "-1", "1.5", "+1", "1a", "_ERROR", "1ERROR", "SIP ERROR", "SIP-ERROR", "Agent_Error"}) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(is_livekit_disconnect_reason(text));
    }
}

TEST(Classify, UnknownUpperCaseNamesAreLiveKitReasons) {
    // A newer LiveKit release adds names: any enum-shaped name is LiveKit's, never free text.
    for (const char* name : {"UNKNOWN", "SIP_ERROR", "A", "X1", "SOME_FUTURE_REASON_2"}) {
        SCOPED_TRACE(name);
        EXPECT_TRUE(is_livekit_disconnect_reason(name));
    }
    EXPECT_EQ(classify(1200, "SIP_ERROR"), Outcome::completed);
    EXPECT_EQ(classify(1200, "CALLEE_BUSY"), Outcome::completed);
    EXPECT_EQ(classify(5, "NO_ANSWER_YET"), Outcome::no_answer);
    EXPECT_EQ(classify(1200, "CALL_FAILED", "ringing"), Outcome::no_answer);
}

TEST(Classify, AgentErrorIsALiveKitReason) {
    // DisconnectReason 16: an agent's error says nothing about the phone line
    EXPECT_EQ(classify(30, "AGENT_ERROR"), Outcome::completed);
    EXPECT_EQ(classify(30, "AGENT_ERROR", "hangup"), Outcome::completed);
    EXPECT_EQ(classify(5, "AGENT_ERROR"), Outcome::no_answer);
    EXPECT_EQ(classify(1, "AGENT_ERROR"), Outcome::failed);
}

TEST(Classify, DisconnectReasonNameOfANumber) {
    EXPECT_EQ(disconnect_reason_name("0"), "UNKNOWN_REASON");
    EXPECT_EQ(disconnect_reason_name("7"), "JOIN_FAILURE");
    EXPECT_EQ(disconnect_reason_name("11"), "USER_UNAVAILABLE");
    EXPECT_EQ(disconnect_reason_name("12"), "USER_REJECTED");
    EXPECT_EQ(disconnect_reason_name("13"), "SIP_TRUNK_FAILURE");
    EXPECT_EQ(disconnect_reason_name("15"), "MEDIA_FAILURE");
    EXPECT_EQ(disconnect_reason_name("16"), "AGENT_ERROR");
    // unknown numbers, names and free text stay as they are
    for (const char* kept : {"17", "99", "012", "-1", "1.0", "USER_REJECTED", "busy", "", " 12"}) {
        SCOPED_TRACE(kept);
        EXPECT_EQ(disconnect_reason_name(kept), kept);
    }
    // every name has its number and back
    for (int number = 0; number <= 16; ++number) {
        const std::string text = std::to_string(number);
        std::string_view name = disconnect_reason_name(text);
        EXPECT_NE(name, text);
        EXPECT_TRUE(is_livekit_disconnect_reason(name));
    }
}

TEST(Classify, LiveKitNamesAreNeverReadAsFreeText) {
    // Each of these contains "fail" or "unavailable" but is a LiveKit name, not free text.
    EXPECT_EQ(classify(1200, "MEDIA_FAILURE"), Outcome::completed);
    EXPECT_EQ(classify(1200, "STATE_MISMATCH"), Outcome::completed);
    // An unknown enum value arrives as its number; it says nothing about the phone line.
    EXPECT_EQ(classify(1200, "16"), Outcome::completed);
    EXPECT_EQ(classify(5, "16"), Outcome::no_answer);
    EXPECT_EQ(classify(1200, "17"), Outcome::completed);
}

// --- rule 2: the SIP call status at leave

TEST(Classify, UnansweredSipStatus) {
    EXPECT_EQ(classify(45, {}, "ringing"), Outcome::no_answer);
    EXPECT_EQ(classify(1, {}, "dialing"), Outcome::failed);
    EXPECT_EQ(classify(2.9, {}, "ringing"), Outcome::failed);
    EXPECT_EQ(classify(3, {}, "ringing"), Outcome::no_answer);  // at the threshold
    EXPECT_EQ(classify(3, {}, "dialing"), Outcome::no_answer);
    EXPECT_EQ(classify(3600, {}, "dialing"), Outcome::no_answer);  // never completed
    EXPECT_EQ(classify(kUnknown, {}, "ringing"), Outcome::failed);
    EXPECT_EQ(classify(kUnknown, {}, "dialing"), Outcome::failed);
}

TEST(Classify, AnsweredSipStatus) {
    for (const char* status : {"active", "hangup", "automation"}) {
        SCOPED_TRACE(status);
        EXPECT_EQ(classify(1, {}, status), Outcome::completed);
        EXPECT_EQ(classify(0, {}, status), Outcome::completed);
        EXPECT_EQ(classify(kUnknown, {}, status), Outcome::completed);
        EXPECT_EQ(classify(5, {}, status), Outcome::completed);
    }
}

TEST(Classify, SipStatusIsTrimmedAndCaseInsensitive) {
    EXPECT_EQ(classify(1, {}, "HANGUP"), Outcome::completed);
    EXPECT_EQ(classify(1, {}, " Active\t"), Outcome::completed);
    EXPECT_EQ(classify(45, {}, "RINGING"), Outcome::no_answer);
    EXPECT_EQ(classify(1, {}, "\nDialing "), Outcome::failed);
}

// The statuses rule 2 reads as answered are the ones the call row reads so (answered_at).
TEST(Classify, AnsweredSipStatusIsOneRule) {
    for (const char* status :
         {"active", "hangup", "automation", "HANGUP", " Active\t", "\nautomation "}) {
        SCOPED_TRACE(status);
        EXPECT_TRUE(is_answered_sip_call_status(status));
        EXPECT_EQ(classify(1, {}, status), Outcome::completed);
    }
    for (const char* status :
         {"", "  ", "dialing", "ringing", "RINGING", "hung up", "activ", "actives"}) {
        SCOPED_TRACE(status);
        EXPECT_FALSE(is_answered_sip_call_status(status));
    }
}

TEST(Classify, UnknownSipStatusFallsThrough) {
    EXPECT_EQ(classify(1, {}, ""), Outcome::failed);
    EXPECT_EQ(classify(1, {}, "   "), Outcome::failed);
    EXPECT_EQ(classify(5, {}, "hung up"), Outcome::no_answer);
    EXPECT_EQ(classify(60, {}, "ring"), Outcome::completed);
    EXPECT_EQ(classify(60, {}, "ringingx"), Outcome::completed);
    EXPECT_EQ(classify(60, "busy", "transferring"), Outcome::busy);
}

TEST(Classify, SipStatusWinsOverFreeText) {
    EXPECT_EQ(classify(120, "Remote busy here", "hangup"), Outcome::completed);
    EXPECT_EQ(classify(120, "network error", "active"), Outcome::completed);
    EXPECT_EQ(classify(45, "busy", "ringing"), Outcome::no_answer);
    EXPECT_EQ(classify(1, "no answer", "dialing"), Outcome::failed);
}

// --- rule 3: free-text reasons

TEST(Classify, FreeTextBusy) {
    EXPECT_EQ(classify(120, "Remote busy here"), Outcome::busy);
    EXPECT_EQ(classify(120, "486 Busy Here"), Outcome::busy);
    EXPECT_EQ(classify(120, "Busy"), Outcome::busy);
    EXPECT_EQ(classify(120, "BUSY"), Outcome::completed);  // enum-shaped: LiveKit's, not free text
    EXPECT_EQ(classify(kUnknown, "line busy"), Outcome::busy);
}

TEST(Classify, FreeTextNoAnswer) {
    EXPECT_EQ(classify(120, "no answer"), Outcome::no_answer);
    EXPECT_EQ(classify(120, "No Answer from callee"), Outcome::no_answer);
    EXPECT_EQ(classify(120, "No_Answer"), Outcome::no_answer);
    EXPECT_EQ(classify(120, "NO_ANSWER"), Outcome::completed);  // enum-shaped
    EXPECT_EQ(classify(120, "user_unavailable"), Outcome::no_answer);
    EXPECT_EQ(classify(120, "480 Temporarily Unavailable"), Outcome::no_answer);
    EXPECT_EQ(classify(1, "no answer"), Outcome::no_answer);
}

TEST(Classify, FreeTextFailed) {
    EXPECT_EQ(classify(120, "error"), Outcome::failed);
    EXPECT_EQ(classify(120, "Internal Server Error"), Outcome::failed);
    EXPECT_EQ(classify(120, "call failed"), Outcome::failed);
    EXPECT_EQ(classify(120, "Failure"), Outcome::failed);
    EXPECT_EQ(classify(120, "FAILURE"), Outcome::completed);     // enum-shaped
    EXPECT_EQ(classify(120, "media_failure"), Outcome::failed);  // not LiveKit's spelling
}

TEST(Classify, FreeTextPrecedence) {
    EXPECT_EQ(classify(120, "busy: no answer"), Outcome::busy);
    EXPECT_EQ(classify(120, "failed: busy"), Outcome::busy);
    EXPECT_EQ(classify(120, "error: unavailable"), Outcome::no_answer);
    EXPECT_EQ(classify(120, "no_answer error"), Outcome::no_answer);
}

TEST(Classify, FreeTextWithoutKeywordFallsThrough) {
    EXPECT_EQ(classify(120, "caller hung up"), Outcome::completed);
    EXPECT_EQ(classify(5, "caller hung up"), Outcome::no_answer);
    EXPECT_EQ(classify(1, "caller hung up"), Outcome::failed);
    EXPECT_EQ(classify(120, "no-answer"), Outcome::completed);  // only "no answer"/"no_answer"
    EXPECT_EQ(classify(120, "noanswer"), Outcome::completed);
    EXPECT_EQ(classify(120, "bus y"), Outcome::completed);
    EXPECT_EQ(classify(120, "anruf beendet – müller 📞"), Outcome::completed);
}

TEST(Classify, EmptyReasonIsAbsent) {
    EXPECT_EQ(classify(120, ""), Outcome::completed);
    EXPECT_EQ(classify(1, ""), Outcome::failed);
    EXPECT_EQ(classify(5, "  "), Outcome::no_answer);
    EXPECT_EQ(classify(kUnknown, ""), Outcome::failed);
}

// --- rule 4: the duration

TEST(Classify, DurationThresholds) {
    EXPECT_EQ(classify(kUnknown), Outcome::failed);
    EXPECT_EQ(classify(0), Outcome::failed);
    EXPECT_EQ(classify(-5), Outcome::failed);
    EXPECT_EQ(classify(2), Outcome::failed);
    EXPECT_EQ(classify(3), Outcome::no_answer);
    EXPECT_EQ(classify(9), Outcome::no_answer);
    EXPECT_EQ(classify(10), Outcome::completed);
    EXPECT_EQ(classify(86400), Outcome::completed);
    EXPECT_EQ(classify(std::numeric_limits<double>::infinity()), Outcome::completed);
    EXPECT_EQ(classify(-std::numeric_limits<double>::infinity()), Outcome::failed);
}

TEST(Classify, NanDurationIsUnknown) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(classify(nan), Outcome::failed);
    EXPECT_EQ(classify(nan, {}, "ringing"), Outcome::failed);
    EXPECT_EQ(classify(nan, {}, "hangup"), Outcome::completed);
    EXPECT_EQ(classify(nan, "USER_REJECTED"), Outcome::busy);
}

TEST(Classify, CustomThresholds) {
    CallFacts facts;
    facts.min_connected_seconds = 5;
    facts.min_completed_seconds = 30;
    const auto at = [&facts](std::optional<double> duration,
                             std::optional<std::string_view> status = {}) {
        facts.duration_seconds = duration;
        facts.sip_call_status = status;
        return classify_outcome(facts);
    };
    EXPECT_EQ(at(4), Outcome::failed);
    EXPECT_EQ(at(5), Outcome::no_answer);
    EXPECT_EQ(at(29.9), Outcome::no_answer);
    EXPECT_EQ(at(30), Outcome::completed);
    EXPECT_EQ(at(4, "ringing"), Outcome::failed);
    EXPECT_EQ(at(5, "ringing"), Outcome::no_answer);

    facts.min_connected_seconds = 0;
    facts.min_completed_seconds = 0;
    EXPECT_EQ(at(0), Outcome::completed);
    EXPECT_EQ(at(0, "dialing"), Outcome::no_answer);
    EXPECT_EQ(at(kUnknown), Outcome::failed);  // an unknown duration is never enough
}

// --- the calls recorded from LiveKit (test/vectors/livekit-webhooks.jsonl): the SIP leg's
// leave event of each, as `expect` decodes it.

struct VectorCall {
    const char* vector;
    std::int64_t duration;  // expect.call_duration_s: createdAt - participant.joinedAt
    const char* reason;     // expect.disconnect_reason
    const char* status;     // expect.sip_call_status
    Outcome expected;
};

constexpr VectorCall kVectorCalls[] = {
    {"in1_sip_participant_left_hangup", 187, "CLIENT_INITIATED", "hangup", Outcome::completed},
    {"in1_sip_participant_left_retry_duplicate", 187, "CLIENT_INITIATED", "hangup",
     Outcome::completed},
    {"ob_answered_long_call_participant_left", 3725, "CLIENT_INITIATED", "hangup",
     Outcome::completed},
    {"ob_no_answer_participant_left", 45, "USER_UNAVAILABLE", "ringing", Outcome::no_answer},
    {"ob_busy_participant_left", 6, "USER_REJECTED", "dialing", Outcome::busy},
    {"ob_trunk_failure_participant_left", 2, "SIP_TRUNK_FAILURE", "dialing", Outcome::failed},
    {"ob_short_call_participant_left", 4, "CLIENT_INITIATED", "hangup", Outcome::completed},
    {"ob_agent_removed_participant_left", 94, "PARTICIPANT_REMOVED", "active", Outcome::completed},
    {"ob_participant_connection_aborted", 11, "JOIN_FAILURE", "dialing", Outcome::failed},
    {"unicode_participant_left", 41, "CLIENT_INITIATED", "hangup", Outcome::completed},
    {"clock_nbf_plus_5_accepted", 9, "CLIENT_INITIATED", "hangup", Outcome::completed},
    {"clock_nbf_plus_10_boundary_accepted", 19, "CLIENT_INITIATED", "hangup", Outcome::completed},
};

TEST(Classify, LiveKitVectorCalls) {
    for (const VectorCall& call : kVectorCalls) {
        SCOPED_TRACE(call.vector);
        EXPECT_EQ(classify(static_cast<double>(call.duration), call.reason, call.status),
                  call.expected);
    }
}

TEST(Classify, LiveKitVectorCallsWithoutSipStatus) {
    // A leave event without `sip.callStatus` still ends the same way for the calls that
    // rule 1 decides; the others are decided by their duration.
    for (const VectorCall& call : kVectorCalls) {
        SCOPED_TRACE(call.vector);
        const Outcome outcome = classify(static_cast<double>(call.duration), call.reason);
        if (std::string_view(call.reason) == "CLIENT_INITIATED" ||
            std::string_view(call.reason) == "PARTICIPANT_REMOVED") {
            EXPECT_EQ(outcome, call.duration >= 10  ? Outcome::completed
                               : call.duration >= 3 ? Outcome::no_answer
                                                    : Outcome::failed);
        } else {
            EXPECT_EQ(outcome, call.expected);
        }
    }
}

#ifdef CALLOUT_VECTORS_FILE
// The table above is what the vector file says: every SIP leave in it is in the table, with
// the same facts, and every disconnect reason the file carries is a LiveKit name.
TEST(Classify, LiveKitVectorCallsMatchTheVectorFile) {
    std::ifstream file(CALLOUT_VECTORS_FILE);
    ASSERT_TRUE(file) << CALLOUT_VECTORS_FILE;
    std::set<std::string> seen;
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty()) continue;
        const nlohmann::json vector = nlohmann::json::parse(line);
        const nlohmann::json& expect = vector.at("expect");
        if (!expect.value("valid", false)) continue;
        if (expect.contains("disconnect_reason") && expect["disconnect_reason"].is_string()) {
            EXPECT_TRUE(
                is_livekit_disconnect_reason(expect["disconnect_reason"].get<std::string>()))
                << vector.at("name");
        }
        const std::string event = expect.value("event", "");
        if (event != "participant_left" && event != "participant_connection_aborted") continue;
        if (!expect.value("is_sip", false)) continue;

        const std::string name = vector.at("name").get<std::string>();
        SCOPED_TRACE(name);
        const VectorCall* row = nullptr;
        for (const VectorCall& call : kVectorCalls) {
            if (name == call.vector) row = &call;
        }
        ASSERT_NE(row, nullptr) << "SIP leave vector missing from kVectorCalls";
        EXPECT_EQ(expect.at("call_duration_s").get<std::int64_t>(), row->duration);
        EXPECT_EQ(expect.at("disconnect_reason").get<std::string>(), row->reason);
        EXPECT_EQ(expect.at("sip_call_status").get<std::string>(), row->status);
        seen.insert(name);
    }
    EXPECT_EQ(seen.size(), std::size(kVectorCalls));
}
#endif

}  // namespace
}  // namespace callout::core
