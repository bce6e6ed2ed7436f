// Entry points only callout 0.2.0's schema declares (src/sql/versions/callout--0.1.0--0.2.0.sql,
// its PL/pgSQL ingestion): _looks_like_plain_hmac, _redact_payload and _event_facts. 0.3.0 dropped
// them from the schema, but an older version is installed, and updated, through that script, and
// its CREATE FUNCTION statements need these symbols.
#include <string_view>

#include "core/call_row.hpp"
#include "core/events.hpp"
#include "core/livekit_event.hpp"
#include "core/plain_hmac.hpp"
#include "pg/args.hpp"
#include "pg/boundary.hpp"
#include "pg/event_facts.hpp"
#include "pg/json_body.hpp"
#include "pg/livekit_event_json.hpp"
#include "pg/statement.hpp"

extern "C" {
#include "catalog/pg_type_d.h"
}

namespace core = callout::core;
using callout::pg::EventReading;

namespace {

// callout 0.2.0's type callout.event_facts (its columns are matched by name).
#define EVENT_FACTS_COLUMNS(X)   \
    X(reading, TEXTOID)          \
    CALLOUT_EVENT_FACT_FIELDS(X) \
    X(sip_rule_id, TEXTOID)
CALLOUT_FIELDS(EventFactsColumn, EVENT_FACTS_COLUMNS);

// The `reading` column: whether the event is processable, ignored, or lacks its id or room name.
const char* reading_name(EventReading reading) {
    switch (reading) {
        case EventReading::processable:
            return "processable";
        case EventReading::ignored:
            return "ignored";
        case EventReading::missing_event_id:
            return "missing_event_id";
        case EventReading::missing_room_name:
            return "missing_room_name";
    }
    return "ignored";
}

}  // namespace

// _looks_like_plain_hmac(signature text) RETURNS boolean: which scheme a signature is read with.
CALLOUT_SQL_FUNCTION(callout_looks_like_plain_hmac) {
    PG_RETURN_BOOL(core::looks_like_plain_hmac(*callout::pg::text_arg(fcinfo, 0)));
}

// _redact_payload(payload jsonb) RETURNS jsonb: the payload as it is stored.
CALLOUT_SQL_FUNCTION(callout_redact_payload) {
    PG_RETURN_JSONB_P(callout::pg::redact_payload(PG_GETARG_JSONB_P(0)));
}

// _event_facts(payload jsonb) RETURNS callout.event_facts: what 0.2.0's ingestion stores and
// matches on, read once from the jsonb; a known field of the wrong JSON type is an ERROR (22023).
CALLOUT_SQL_FUNCTION(callout_event_facts) {
    using C = EventFactsColumn;
    core::LivekitEvent event;
    EventReading reading = callout::pg::read_livekit_event(&PG_GETARG_JSONB_P(0)->root, event);
    callout::pg::Values<C> row;
    row.put_text(C::reading, reading_name(reading));
    callout::pg::put_event_facts(row, event);
    row.put_text(C::sip_rule_id, event.sip_rule_id);
    PG_RETURN_DATUM(callout::pg::result_row(fcinfo, row));
}
