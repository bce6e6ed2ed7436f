// The call row made from the set of its events (DESIGN.md §4): the events are read through the
// events' call index directly (direct_read.hpp), the row is made in the core
// (core/call_row.hpp) and written directly (direct_write.hpp); a new or changed outcome moves
// the call to the end of the outcome feed and is notified.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/call_row.hpp"
#include "core/classify.hpp"
#include "pg/boundary.hpp"
#include "pg/settings.hpp"
#include "pg/statement.hpp"

extern "C" {
#include "postgres.h"
#include "catalog/pg_type_d.h"
#include "executor/tuptable.h"
#include "nodes/lockoptions.h"
#include "utils/rel.h"
#include "utils/snapshot.h"
}

namespace callout::pg {

// A call and its events as read, before the events are applied.
struct CallEvents {
    core::StoredEvent* events;  // room for one more (a delivery's new event)
    std::size_t count;
    std::string_view room_name;
    std::optional<std::string_view> registered_phone_number;
};
CALLOUT_PLAIN_DATA(CallEvents);
CALLOUT_PLAIN_DATA(core::StoredEvent);
CALLOUT_PLAIN_DATA(core::CallRowFacts);

// The events of call call_id as snapshot sees them (the call's own columns left for the caller),
// with room for one more.
CallEvents read_events(std::int64_t call_id, Snapshot snapshot);

// The event a row of callout.livekit_call_event (events) holds, read as read_events reads each,
// its text copied into the current memory context: what a delivery adds for the event it has
// just stored, as the table's BEFORE triggers left it.
core::StoredEvent stored_event_of(Relation events, TupleTableSlot* slot);

// Writes the call's webhook-owned columns (DESIGN.md §4) from its events (the delivery's own
// among them, as it is being stored) and the row as it is now, read through call_log_pkey with
// snapshot; the call's outcome (none while it has not ended), and a notification of a new or
// changed outcome. A row that holds those values already is not written (nor its triggers
// fired), and one a BEFORE UPDATE row trigger skips stays as it is: the outcome is then the
// row's. An ERROR (40001) when the call is gone: deleted since it was matched (only a call that
// holds no committed event can be), so the event being stored for it is not kept. row_wait:
// whether a row another transaction holds is waited for (LockWaitBlock), or is an ERROR 55P03 at
// once (LockWaitError: a delivery, which holds its room's lock). instant: the row's updated_at
// when written (the transaction's start, as now(); on a Citus worker, the coordinator's).
std::optional<Datum> write_call_row(std::int64_t call_id, const CallEvents& call, Snapshot snapshot,
                                    LockWaitPolicy row_wait, TimestampTz instant);

// On a Citus node doing a tenant's part of a coordinator's work, a new or changed outcome is held,
// not notified (a listener is connected to the coordinator, which notifies it):
// hold_outcome_notices holds them and returns the state before, which release_outcome_notices
// puts back, handing over the call whose outcome was to be notified. A subtransaction's abort
// puts back the state it began with, the transaction's end none held (module.cpp).
struct OutcomeNotices {
    bool holding;
    bool has_held;
    std::int64_t held;  // the call of the last one held
};
CALLOUT_PLAIN_DATA(OutcomeNotices);
OutcomeNotices hold_outcome_notices();
std::optional<std::int64_t> release_outcome_notices(const OutcomeNotices& before);
OutcomeNotices outcome_notices();
void restore_outcome_notices(const OutcomeNotices& state);

// NOTIFY callout_outcome with the call id (callout.notify), at commit (or held).
void notify_outcome(std::int64_t call_id);

// Reads a call's events and writes its row (SPI is connected) at instant (write_call_row); its
// outcome, none while it has not ended or for no such call.
std::optional<Datum> recompute_call(std::int64_t call_id, TimestampTz instant);

}  // namespace callout::pg
