// callout's settings. Plain globals (no constructors), as GUC variables must be.
#include "pg/settings.hpp"

extern "C" {
#include "postgres.h"
#include "utils/guc.h"
}

namespace callout::pg {

int clock_leeway_seconds = 60;

// clock_leeway is superuser-settable only: a session that could widen it could make an old
// token acceptable again, and ingestion (which runs as its owner) reads the same setting.
void define_settings() {
    DefineCustomIntVariable("callout.clock_leeway",
                            "Seconds of clock skew allowed when checking a token's exp and nbf.",
                            "LiveKit's Go server allows 60 seconds; its JavaScript SDK 10.",
                            &clock_leeway_seconds, 60, 0, 3600, PGC_SUSET, GUC_UNIT_S, nullptr,
                            nullptr, nullptr);
    MarkGUCPrefixReserved("callout");
}

}  // namespace callout::pg
