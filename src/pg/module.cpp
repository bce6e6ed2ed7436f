// The module's entry: PG_MODULE_MAGIC, _PG_init and the version the library was built as.
#include "pg/delivery.hpp"
#include "pg/key_cache.hpp"
#include "pg/settings.hpp"

// The Makefile builds this file with the version of callout.control.
const char* const callout::pg::library_version = CALLOUT_VERSION;

extern "C" {
#include "postgres.h"
#include "fmgr.h"

PG_MODULE_MAGIC;

void _PG_init(void);

// Defines callout's settings, and what the delivery path keeps per transaction and per backend,
// when the library is loaded into a backend.
void _PG_init(void) {
    callout::pg::define_settings();
    callout::pg::define_delivery_callbacks();
    callout::pg::define_key_cache_callbacks();
}
}
