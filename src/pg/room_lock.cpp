// The room lock (room_lock.hpp).
#include "pg/room_lock.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_collation_d.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/guc.h"
}

namespace callout::pg {

void lock_room(text* room_name) {
    // Only under READ COMMITTED does the statement after the lock see what the lock's previous
    // holder committed; a snapshot taken earlier could not, so an event and its call could miss
    // each other.
    if (XactIsoLevel != XACT_READ_COMMITTED)
        ereport(ERROR,
                (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                 errmsg("callout needs READ COMMITTED transactions"),
                 errdetail("This transaction is %s.",
                           GetConfigOption("transaction_isolation", false, false)),
                 errhint("Deliver webhooks and register calls in READ COMMITTED transactions "
                         "(the default).")));
    // 1024 buckets: a batch of many rooms in one transaction holds at most 1024 locks
    constexpr int32 room_lock_class = 1668047988;
    int32 hash = DatumGetInt32(
        DirectFunctionCall1Coll(hashtext, DEFAULT_COLLATION_OID, PointerGetDatum(room_name)));
    DirectFunctionCall2(pg_advisory_xact_lock_int4, Int32GetDatum(room_lock_class),
                        Int32GetDatum(hash & 1023));
}

}  // namespace callout::pg
