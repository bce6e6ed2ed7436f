// How a call ended, from its duration, LiveKit's disconnect reason and the SIP call status at
// leave (DESIGN.md §5). Pure and deterministic: the thresholds are arguments.
#pragma once
#include "no_postgres.hpp"

#include <optional>
#include <string_view>

namespace callout::core {

enum class Outcome { completed, no_answer, busy, failed };

// The label SQL uses for an outcome ("completed", "no_answer", "busy", "failed").
const char* outcome_name(Outcome outcome);

// True when reason is one of LiveKit's DisconnectReason names (UNKNOWN_REASON, CLIENT_INITIATED,
// ...). Such names are never read as free text.
bool is_livekit_disconnect_reason(std::string_view reason);

// LiveKit's name for a DisconnectReason sent as its number ("12" is "USER_REJECTED"); anything
// else (a name, free text, a number this table does not know) is returned as it is.
std::string_view disconnect_reason_name(std::string_view reason);

// True when a `sip.callStatus` says the call was answered: active, hangup or automation (ASCII
// whitespace around it ignored, any case). Classification's rule 2 and the call row's answer
// (answered_at) read statuses through this one rule.
bool is_answered_sip_call_status(std::string_view status);

struct CallFacts {
    std::optional<double> duration_seconds;  // nullopt: unknown
    std::optional<std::string_view> disconnect_reason;
    std::optional<std::string_view> sip_call_status;  // `sip.callStatus` when the SIP leg left
    double min_connected_seconds = 3;
    double min_completed_seconds = 10;
};

// First rule that applies wins: (1) LiveKit reasons meaning the phone never connected,
// (2) SIP call status at leave, (3) free-text reasons, (4) duration against the thresholds.
Outcome classify_outcome(const CallFacts& facts);

}  // namespace callout::core
