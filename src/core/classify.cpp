// How a call ended (DESIGN.md §5): the rules are applied in order and the first that applies
// wins, so a precise signal from LiveKit always beats a guess from the duration.
#include "classify.hpp"

#include "ascii.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>

namespace callout::core {

namespace {

// LiveKit's DisconnectReason enum, indexed by its number: livekit/protocol,
// protobufs/livekit_models.proto, `enum DisconnectReason`. 0 to 15 as in that file at commit
// 8ac0f55c6b4bffc39451e325aa093269e23b3af8 (and the Go code generated from it,
// livekit/livekit_models.pb.go, DisconnectReason_name); 16, AGENT_ERROR, added to the enum after
// that commit (LiveKit's server maps an agent's error to DisconnectReason_AGENT_ERROR, and SDKs
// mirroring the enum end with AgentError = 16). Names a later release adds are still LiveKit
// reasons (is_livekit_disconnect_reason), only not named from their numbers here.
constexpr std::string_view kDisconnectReasons[] = {
    "UNKNOWN_REASON",       // 0
    "CLIENT_INITIATED",     // 1
    "DUPLICATE_IDENTITY",   // 2
    "SERVER_SHUTDOWN",      // 3
    "PARTICIPANT_REMOVED",  // 4
    "ROOM_DELETED",         // 5
    "STATE_MISMATCH",       // 6
    "JOIN_FAILURE",         // 7
    "MIGRATION",            // 8
    "SIGNAL_CLOSE",         // 9
    "ROOM_CLOSED",          // 10
    "USER_UNAVAILABLE",     // 11
    "USER_REJECTED",        // 12
    "SIP_TRUNK_FAILURE",    // 13
    "CONNECTION_TIMEOUT",   // 14
    "MEDIA_FAILURE",        // 15
    "AGENT_ERROR",          // 16
};

bool equals_ignore_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

// needle is lowercase ASCII; haystack may be any case (and any bytes: UTF-8 is left alone).
bool contains_ignore_case(std::string_view haystack, std::string_view needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                       [](char h, char n) { return ascii_lower(h) == n; }) != haystack.end();
}

// A protobuf enum value LiveKit's serializer did not know is written as its number.
bool is_enum_number(std::string_view reason) {
    return !reason.empty() && std::all_of(reason.begin(), reason.end(), is_ascii_digit);
}

// The shape of a protobuf enum value name as LiveKit writes them: ^[A-Z][A-Z0-9_]*$.
bool is_enum_name(std::string_view reason) {
    if (reason.empty() || reason.front() < 'A' || reason.front() > 'Z') return false;
    return std::all_of(reason.begin(), reason.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || is_ascii_digit(c) || c == '_';
    });
}

// Rule 1: reasons LiveKit's SIP service sets when the phone never connected. The protobuf
// numbers of the same values are accepted too, as protobuf JSON readers accept both forms.
std::optional<Outcome> never_connected_outcome(std::string_view reason) {
    reason = disconnect_reason_name(reason);
    if (reason == "USER_UNAVAILABLE") return Outcome::no_answer;
    if (reason == "USER_REJECTED") return Outcome::busy;
    if (reason == "SIP_TRUNK_FAILURE" || reason == "JOIN_FAILURE") return Outcome::failed;
    return std::nullopt;
}

}  // namespace

// The call_outcome enum labels, shared with SQL.
const char* outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::completed:
            return "completed";
        case Outcome::no_answer:
            return "no_answer";
        case Outcome::busy:
            return "busy";
        case Outcome::failed:
            return "failed";
    }
    return "failed";
}

// Names are compared exactly (LiveKit writes them in upper case): `user_unavailable` is free
// text, read by rule 3, not the enum value. Any upper-case enum-shaped name counts, known or not:
// a newer LiveKit release adds names (AGENT_ERROR did), and such a name is never free text.
bool is_livekit_disconnect_reason(std::string_view reason) {
    return is_enum_number(reason) || is_enum_name(reason);
}

// The one table of numbers and names, for classification and for what the bridge stores. Only
// the canonical decimal spelling protobuf JSON writes is a number ("012" is not).
std::string_view disconnect_reason_name(std::string_view reason) {
    if (reason.empty() || reason.size() > 2 || !is_enum_number(reason)) return reason;
    if (reason.size() == 2 && reason.front() == '0') return reason;
    const std::size_t number = reason.size() == 1
                                   ? std::size_t(reason[0] - '0')
                                   : std::size_t((reason[0] - '0') * 10 + (reason[1] - '0'));
    if (number >= std::size(kDisconnectReasons)) return reason;
    return kDisconnectReasons[number];
}

bool is_answered_sip_call_status(std::string_view status) {
    status = trim_ascii_space(status);
    return equals_ignore_case(status, "active") || equals_ignore_case(status, "hangup") ||
           equals_ignore_case(status, "automation");
}

// Surrounding whitespace is ignored in the reason and the status, and an empty (or blank)
// value counts as absent; a NaN duration counts as unknown.
Outcome classify_outcome(const CallFacts& facts) {
    // Plain values rather than an optional: g++ 12 at -O2 warns (wrongly) that a copied
    // optional<double> may be read uninitialized.
    const bool duration_known = facts.duration_seconds && !std::isnan(*facts.duration_seconds);
    const double duration = duration_known ? *facts.duration_seconds : 0.0;
    const auto shorter_than = [duration_known, duration](double threshold) {
        return !duration_known || duration < threshold;
    };
    const std::string_view reason =
        facts.disconnect_reason ? trim_ascii_space(*facts.disconnect_reason) : "";
    const std::string_view status =
        facts.sip_call_status ? trim_ascii_space(*facts.sip_call_status) : "";

    // 1. The phone never connected, as LiveKit's SIP service reports it.
    if (const std::optional<Outcome> outcome = never_connected_outcome(reason)) return *outcome;

    // 2. The SIP call status when the phone leg left: never answered, or answered.
    if (equals_ignore_case(status, "dialing") || equals_ignore_case(status, "ringing")) {
        return shorter_than(facts.min_connected_seconds) ? Outcome::failed : Outcome::no_answer;
    }
    if (is_answered_sip_call_status(status)) return Outcome::completed;

    // 3. A reason written by someone else (a SIP provider, an application), as free text.
    if (!reason.empty() && !is_livekit_disconnect_reason(reason)) {
        if (contains_ignore_case(reason, "busy")) return Outcome::busy;
        if (contains_ignore_case(reason, "no answer") ||
            contains_ignore_case(reason, "no_answer") ||
            contains_ignore_case(reason, "unavailable")) {
            return Outcome::no_answer;
        }
        if (contains_ignore_case(reason, "error") || contains_ignore_case(reason, "fail")) {
            return Outcome::failed;
        }
    }

    // 4. The duration against the thresholds.
    if (shorter_than(facts.min_connected_seconds)) return Outcome::failed;
    if (shorter_than(facts.min_completed_seconds)) return Outcome::no_answer;
    return Outcome::completed;
}

}  // namespace callout::core
