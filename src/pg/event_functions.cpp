// SQL functions over LiveKit event payloads: transform_livekit_event and extract_recording_url.
// The payload was parsed once by PostgreSQL (jsonb); livekit_event_json reads it into the
// core's plain LivekitEvent (DESIGN.md §2).
#include <string_view>

#include "core/livekit_event.hpp"
#include "pg/args.hpp"
#include "pg/boundary.hpp"
#include "pg/json_fields.hpp"
#include "pg/livekit_event_json.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/jsonb.h"
}

using callout::pg::EventReading;

// transform_livekit_event(payload jsonb) RETURNS jsonb: the normalized facts of an event
// callout acts on; NULL for events it ignores; an ERROR (22023) for a processable event without
// event id or room name, for a payload that is not an object, and for a known field of the
// wrong JSON type.
CALLOUT_SQL_FUNCTION(callout_transform_livekit_event) {
    callout::core::LivekitEvent event;
    EventReading reading = callout::pg::read_livekit_event(&PG_GETARG_JSONB_P(0)->root, event);
    if (reading == EventReading::ignored) PG_RETURN_NULL();
    if (reading != EventReading::processable)
        callout::pg::report_unusable_event(reading, event.event_name);
    PG_RETURN_JSONB_P(callout::pg::livekit_event_to_jsonb(event));
}

// extract_recording_url(payload jsonb) RETURNS text: the recording location of an egress
// event (or of a bare EgressInfo object); NULL when there is none or the egress failed.
CALLOUT_SQL_FUNCTION(callout_extract_recording_url) {
    JsonbContainer* root = &PG_GETARG_JSONB_P(0)->root;
    if (!JsonContainerIsObject(root)) PG_RETURN_NULL();
    JsonbContainer* egress = callout::pg::json_object(root, "egressInfo", "egressInfo");
    std::string_view url = callout::pg::recording_url(egress != nullptr ? egress : root);
    return callout::pg::text_or_null(fcinfo, url);
}
