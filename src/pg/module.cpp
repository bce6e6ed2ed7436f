// The module's entry: PG_MODULE_MAGIC, _PG_init and the version the library was built as.
#include "pg/call_row.hpp"
#include "pg/delivery.hpp"
#include "pg/direct_read.hpp"
#include "pg/direct_write.hpp"
#include "pg/key_cache.hpp"
#include "pg/settings.hpp"

// The Makefile builds this file with the version of callout.control.
const char* const callout::pg::library_version = CALLOUT_VERSION;

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "access/xact.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

PG_MODULE_MAGIC;

void _PG_init(void);
}

namespace {

// A relation changed (relid; InvalidOid: every relation): what callout keeps of it goes. One
// callback for all of callout's caches, as a backend has ten relcache callbacks in all.
void relation_changed(Datum, Oid relid) {
    callout::pg::forget_cached_keys(relid);
    callout::pg::forget_write_layouts(relid);
    callout::pg::forget_known_names(relid);
}

// A function changed: the defaults and constraints planned with it (inlined, or folded to a
// constant) are planned again, as a kept plan is.
void function_changed(Datum, int, uint32) {
    callout::pg::forget_write_layouts(InvalidOid);
}

// A schema changed (renamed or dropped): every relation is found by its name again.
void schema_changed(Datum, int, uint32) {
    callout::pg::forget_known_relation_names();
}

// A role changed (renamed, dropped) or a membership did: the tenant a token names for it is read
// again, as a token is signed for a role's name, and a role a gateway can take has no token of
// its own (tenant_token_functions.cpp).
void role_changed(Datum, int, uint32) {
    ++callout::pg::tenant_token_generation;
}

// What a subtransaction began with of the delivery path's state within a transaction (the tenant's
// shards chosen, the outcome notices held), kept when it was not the transaction's default: its
// abort (an ERROR a PL/pgSQL EXCEPTION block caught, inside a function that chose shards or held
// notices and so never put them back) puts that state back. In TopTransactionContext.
struct SubtransactionState {
    SubTransactionId subtransaction;
    callout::pg::TenantShards shards;
    callout::pg::OutcomeNotices notices;
};
CALLOUT_PLAIN_DATA(SubtransactionState);
SubtransactionState* subtransaction_states = nullptr;
int subtransaction_state_count = 0;
int subtransaction_state_capacity = 0;

// A transaction ended (committed, aborted, or prepared: PREPARE TRANSACTION ends it here, and
// the session's next one begins without a commit): the next one reads the tenant tokens' secret
// again, and checks a token's end against its own start; no tenant's shards are in use (an
// ERROR may have left a function's before it forgot them), and no outcome notice is held.
void transaction_ended(XactEvent event, void*) {
    if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT || event == XACT_EVENT_PREPARE ||
        event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT) {
        ++callout::pg::tenant_token_generation;
        callout::pg::forget_tenant_shards();
        callout::pg::restore_outcome_notices({});
        // gone with TopTransactionContext
        subtransaction_states = nullptr;
        subtransaction_state_count = 0;
        subtransaction_state_capacity = 0;
    }
}

// A subtransaction began, ended or aborted: the state it began with kept (when not the
// default), dropped, or put back (the default when none was kept).
void subtransaction_changed(SubXactEvent event, SubTransactionId subtransaction, SubTransactionId,
                            void*) {
    const bool kept =
        subtransaction_state_count > 0 &&
        subtransaction_states[subtransaction_state_count - 1].subtransaction == subtransaction;
    if (event == SUBXACT_EVENT_START_SUB) {
        const callout::pg::TenantShards shards = callout::pg::chosen_tenant_shards();
        const callout::pg::OutcomeNotices notices = callout::pg::outcome_notices();
        if (shards.count == 0 && !notices.holding) return;
        subtransaction_states = callout::pg::with_room_for_one_more(
            subtransaction_states, subtransaction_state_count, subtransaction_state_capacity, 8,
            TopTransactionContext);
        subtransaction_states[subtransaction_state_count++] = {subtransaction, shards, notices};
    } else if (event == SUBXACT_EVENT_COMMIT_SUB) {
        if (kept) --subtransaction_state_count;
    } else if (event == SUBXACT_EVENT_ABORT_SUB) {
        if (kept) {
            const SubtransactionState& began = subtransaction_states[--subtransaction_state_count];
            callout::pg::restore_tenant_shards(began.shards);
            callout::pg::restore_outcome_notices(began.notices);
        } else {
            callout::pg::forget_tenant_shards();
            callout::pg::restore_outcome_notices({});
        }
    }
}

}  // namespace

// Defines callout's settings, and what the delivery path keeps per transaction and per backend
// and the invalidations that empty it, when the library is loaded into a backend.
extern "C" void _PG_init(void) {
    callout::pg::define_settings();
    callout::pg::define_delivery_callbacks();
    callout::pg::define_key_cache_callbacks();
    CacheRegisterRelcacheCallback(relation_changed, Datum(0));
    CacheRegisterSyscacheCallback(PROCOID, function_changed, Datum(0));
    CacheRegisterSyscacheCallback(NAMESPACEOID, schema_changed, Datum(0));
    CacheRegisterSyscacheCallback(AUTHOID, role_changed, Datum(0));
    CacheRegisterSyscacheCallback(AUTHMEMROLEMEM, role_changed, Datum(0));
    RegisterXactCallback(transaction_ended, nullptr);
    RegisterSubXactCallback(subtransaction_changed, nullptr);
}
