// A LiveKit event between jsonb and the core's plain LivekitEvent: read once from the jsonb
// PostgreSQL parsed, and written back as the normalized jsonb of transform_livekit_event.
#pragma once

#include <string_view>

#include "core/livekit_event.hpp"

extern "C" {
#include "postgres.h"
#include "utils/jsonb.h"
}

namespace callout::pg {

// What reading found: an event to act on, one callout ignores, or one that lacks a field
// callout cannot do without.
enum class EventReading { processable, ignored, missing_event_id, missing_room_name };

// Fills event from a webhook payload. A payload that is not an object, or a known field of
// the wrong JSON type (say `createdAt` as an object), is an ERROR (22023) naming the field.
EventReading read_livekit_event(JsonbContainer* payload, core::LivekitEvent& event);

// The ERROR (22023) for an event that lacks its id or room name.
void report_unusable_event(EventReading reading, std::string_view event_name);

// The normalized event: keys as in the LiveKit vectors' `expect`, absent values omitted.
Jsonb* livekit_event_to_jsonb(const core::LivekitEvent& event);

// The recording location of an EgressInfo object: the `location` of the first `fileResults`
// entry that has one, else the deprecated single `file` result's `location`. Empty for a
// failed or aborted egress, which left no file.
std::string_view recording_url(JsonbContainer* egress);

}  // namespace callout::pg
