// The facts of a LiveKit event that callout stores (the columns of livekit_call_event it reads
// from the payload), as one list of fields: the delivery's event row, its pending store's
// statement and 0.2.0's callout.event_facts result all declare them, put_event_facts fills them by
// name.
#pragma once

#include "core/call_row.hpp"
#include "core/events.hpp"
#include "core/livekit_event.hpp"
#include "pg/direct_read.hpp"
#include "pg/statement.hpp"

extern "C" {
#include "catalog/pg_type_d.h"
}

namespace callout::pg {

// X(name, type) for each fact, for CALLOUT_FIELDS lists.
#define CALLOUT_EVENT_FACT_FIELDS(X)      \
    X(event_type, TEXTOID)                \
    X(event_id, TEXTOID)                  \
    X(event_created_at, TIMESTAMPTZOID)   \
    X(room_name, TEXTOID)                 \
    X(room_sid, TEXTOID)                  \
    X(room_creation_time, TIMESTAMPTZOID) \
    X(participant_identity, TEXTOID)      \
    X(participant_kind, TEXTOID)          \
    X(is_sip, BOOLOID)                    \
    X(joined_at, TIMESTAMPTZOID)          \
    X(disconnect_reason, TEXTOID)         \
    X(sip_call_status, TEXTOID)           \
    X(sip_phone_number, TEXTOID)          \
    X(sip_trunk_phone_number, TEXTOID)    \
    X(sip_call_id, TEXTOID)               \
    X(sip_call_id_full, TEXTOID)          \
    X(call_duration_seconds, INT4OID)     \
    X(recording_url, TEXTOID)             \
    X(egress_status, TEXTOID)

// Puts the event's facts in the fields of a list that includes CALLOUT_EVENT_FACT_FIELDS.
template <typename Field>
void put_event_facts(Values<Field>& row, const core::LivekitEvent& event) {
    row.put_text(Field::event_type, event.event_name);
    row.put_text(Field::event_id, event.event_id);
    row.put_unix_time(Field::event_created_at, event.created_at);
    row.put_text(Field::room_name, event.room_name);
    row.put_text(Field::room_sid, event.room_sid);
    row.put_unix_time(Field::room_creation_time, event.room_creation_time);
    row.put_text(Field::participant_identity, event.participant_identity);
    row.put_text(Field::participant_kind, event.participant_kind);
    row.put_bool(Field::is_sip, core::is_sip_participant(event));
    row.put_unix_time(Field::joined_at, event.joined_at);
    row.put_text(Field::disconnect_reason, event.disconnect_reason);
    row.put_text(Field::sip_call_status, event.sip_call_status);
    row.put_text(Field::sip_phone_number, event.sip_phone_number);
    row.put_text(Field::sip_trunk_phone_number, event.sip_trunk_phone_number);
    row.put_text(Field::sip_call_id, event.sip_call_id);
    row.put_text(Field::sip_call_id_full, event.sip_call_id_full);
    row.put_int4(Field::call_duration_seconds, core::event_call_duration(event));
    row.put_text(Field::recording_url, event.recording_location);
    row.put_text(Field::egress_status, event.egress_status);
}

}  // namespace callout::pg
