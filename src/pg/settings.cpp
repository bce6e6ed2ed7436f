// callout's settings. Plain globals (no constructors), as GUC variables must be.
#include "pg/settings.hpp"

extern "C" {
#include "postgres.h"
#include "utils/guc.h"
}

namespace callout::pg {

int clock_leeway_seconds = 60;
char* verify_at = nullptr;
double min_connected_seconds = 3;
double min_completed_seconds = 10;
int max_body_bytes = 1024 * 1024;
int unmatched_window_seconds = 600;
char* acting_user_id = nullptr;

// Everything that decides whether a delivery is accepted or how a call is classified is
// superuser-settable only: ingestion runs as its owner, and a session that could widen the
// leeway, pin the clock or move the thresholds could replay old tokens or rewrite outcomes.
// callout.user_id is for every session, but only a trusted gateway's value is ever read.
void define_settings() {
    DefineCustomIntVariable("callout.clock_leeway",
                            "Seconds of clock skew allowed when checking a token's exp and nbf.",
                            "LiveKit's Go server allows 60 seconds; its JavaScript SDK 10.",
                            &clock_leeway_seconds, 60, 0, 3600, PGC_SUSET, GUC_UNIT_S, nullptr,
                            nullptr, nullptr);
    DefineCustomStringVariable(
        "callout.verify_at", "The instant ingestion verifies tokens at; empty for the real clock.",
        "For replaying recorded deliveries and for tests.", &verify_at, "", PGC_SUSET, 0, nullptr,
        nullptr, nullptr);
    DefineCustomRealVariable(
        "callout.min_connected_seconds", "Below this many seconds a call never connected (failed).",
        nullptr, &min_connected_seconds, 3, 0, 86400, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomRealVariable("callout.min_completed_seconds",
                             "Below this many seconds a connected call counts as no_answer.",
                             nullptr, &min_completed_seconds, 10, 0, 86400, PGC_SUSET, 0, nullptr,
                             nullptr, nullptr);
    DefineCustomIntVariable("callout.max_body_bytes",
                            "The largest webhook body ingestion accepts (checked before hashing).",
                            nullptr, &max_body_bytes, 1024 * 1024, 1, 64 * 1024 * 1024, PGC_SUSET,
                            GUC_UNIT_BYTE, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "callout.unmatched_window",
        "How long an event that found no call waits to be applied when its call is registered.",
        nullptr, &unmatched_window_seconds, 600, 0, 7 * 86400, PGC_SUSET, GUC_UNIT_S, nullptr,
        nullptr, nullptr);
    DefineCustomStringVariable("callout.user_id", "The tenant a trusted gateway session acts for.",
                               "Ignored unless the session's login role is a trusted gateway.",
                               &acting_user_id, "", PGC_USERSET, 0, nullptr, nullptr, nullptr);
    MarkGUCPrefixReserved("callout");
}

}  // namespace callout::pg
