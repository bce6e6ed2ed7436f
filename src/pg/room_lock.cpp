// The room lock (room_lock.hpp).
#include "pg/room_lock.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_collation_d.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "miscadmin.h"
#include "storage/lock.h"
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
    // 1024 buckets: a batch of many rooms in one transaction holds at most 1024 locks. The lock
    // is a user lock (the lock space PostgreSQL keeps for extensions' own use, which no SQL
    // function takes), not an advisory lock: no session can take callout's room locks and stall
    // every delivery. A wait on it, or on a row a tenant holds, ends at the lock_timeout the
    // delivery and registration functions set, in an ERROR LiveKit retries.
    constexpr uint32 room_lock_space = 0x63616c6c;  // "call"
    uint32 hash = DatumGetUInt32(
        DirectFunctionCall1Coll(hashtext, DEFAULT_COLLATION_OID, PointerGetDatum(room_name)));
    LOCKTAG tag;
    tag.locktag_field1 = MyDatabaseId;
    tag.locktag_field2 = room_lock_space;
    tag.locktag_field3 = hash & 1023;
    tag.locktag_field4 = 0;
    tag.locktag_type = LOCKTAG_USERLOCK;
    tag.locktag_lockmethodid = USER_LOCKMETHOD;
    (void)LockAcquire(&tag, ExclusiveLock, false, false);
}

}  // namespace callout::pg
