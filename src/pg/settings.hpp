// callout's settings (GUCs), defined when the module loads.
#pragma once

namespace callout::pg {

// callout.clock_leeway: seconds of clock skew allowed on a token's exp and nbf.
extern int clock_leeway_seconds;

// Registers every callout.* setting; called once from _PG_init.
void define_settings();

}  // namespace callout::pg
