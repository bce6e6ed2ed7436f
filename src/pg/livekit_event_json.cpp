// Reading a LiveKit event out of jsonb, and writing the normalized event as jsonb. Every value
// read is a view into the jsonb (or palloc'd text), so these frames hold only plain data.
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "core/classify.hpp"
#include "core/events.hpp"
#include "core/livekit_event.hpp"
#include "core/timestamps.hpp"
#include "pg/boundary.hpp"
#include "pg/json_fields.hpp"
#include "pg/livekit_event_json.hpp"

extern "C" {
#include "utils/numeric.h"
}

namespace callout::pg {

namespace core = callout::core;

namespace {

// An instant field as unix seconds; nullopt when absent or unparseable.
std::optional<std::int64_t> instant_seconds(JsonbContainer* object, const char* key,
                                            const char* field_name) {
    std::optional<std::int64_t> ms =
        core::parse_instant_ms(json_string_or_number(object, key, field_name));
    if (!ms) return std::nullopt;
    return *ms / 1000;
}

// A protobuf enum field: its name (or number), or the zero value's name when omitted.
std::string_view enum_or_default(JsonbContainer* object, const char* key, const char* field_name,
                                 std::string_view zero_value) {
    std::string_view value = json_string_or_number(object, key, field_name);
    return value.empty() ? zero_value : value;
}

// One `participant.attributes` entry, named in full in errors.
std::string_view sip_attribute(JsonbContainer* attributes, const char* key) {
    char field_name[64];
    snprintf(field_name, sizeof field_name, "participant.attributes.%s", key);
    return json_string(attributes, key, field_name);
}

// The participant's facts, and the `sip.*` attributes when it is the SIP participant.
void read_participant(JsonbContainer* participant, core::LivekitEvent& event) {
    event.has_participant = true;
    event.participant_identity = json_string(participant, "identity", "participant.identity");
    event.participant_sid = json_string(participant, "sid", "participant.sid");
    event.participant_name = json_string(participant, "name", "participant.name");
    event.participant_kind = enum_or_default(participant, "kind", "participant.kind", "STANDARD");
    // a known reason sent as its number is stored, shown and classified as its name
    event.disconnect_reason = core::disconnect_reason_name(enum_or_default(
        participant, "disconnectReason", "participant.disconnectReason", "UNKNOWN_REASON"));
    event.joined_at = instant_seconds(participant, "joinedAt", "participant.joinedAt");
    event.joined_at_ms = core::parse_instant_ms(
        json_string_or_number(participant, "joinedAtMs", "participant.joinedAtMs"));

    JsonbContainer* attributes = json_object(participant, "attributes", "participant.attributes");
    if (attributes == nullptr || !core::is_sip_participant(event)) return;
    event.sip_call_id = sip_attribute(attributes, "sip.callID");
    event.sip_call_id_full = sip_attribute(attributes, "sip.callIDFull");
    event.sip_call_status = sip_attribute(attributes, "sip.callStatus");
    event.sip_phone_number = sip_attribute(attributes, "sip.phoneNumber");
    event.sip_trunk_phone_number = sip_attribute(attributes, "sip.trunkPhoneNumber");
    event.sip_trunk_id = sip_attribute(attributes, "sip.trunkID");
    event.sip_rule_id = sip_attribute(attributes, "sip.ruleID");
    event.sip_hostname = sip_attribute(attributes, "sip.hostname");
}

// The egress facts of an egress_ended event.
void read_egress(JsonbContainer* egress, core::LivekitEvent& event) {
    event.has_egress = true;
    event.egress_id = json_string(egress, "egressId", "egressInfo.egressId");
    event.egress_status = json_string_or_number(egress, "status", "egressInfo.status");
    event.egress_error = json_string(egress, "error", "egressInfo.error");
    event.recording_location = recording_url(egress);
}

// The output object under construction: each put_* adds one key when there is a value.
struct ObjectWriter {
    JsonbParseState* state = nullptr;

    void key(const char* name) {
        JsonbValue k;
        k.type = jbvString;
        k.val.string.val = const_cast<char*>(name);
        k.val.string.len = int(std::strlen(name));
        pushJsonbValue(&state, WJB_KEY, &k);
    }
    void put_string(const char* name, std::string_view text) {
        if (text.empty()) return;
        key(name);
        JsonbValue v;
        v.type = jbvString;
        v.val.string.val = const_cast<char*>(text.data());
        v.val.string.len = int(text.size());
        pushJsonbValue(&state, WJB_VALUE, &v);
    }
    void put_integer(const char* name, std::optional<std::int64_t> number) {
        if (!number) return;
        key(name);
        JsonbValue v;
        v.type = jbvNumeric;
        v.val.numeric = int64_to_numeric(*number);
        pushJsonbValue(&state, WJB_VALUE, &v);
    }
    void put_boolean(const char* name, bool flag) {
        key(name);
        JsonbValue v;
        v.type = jbvBool;
        v.val.boolean = flag;
        pushJsonbValue(&state, WJB_VALUE, &v);
    }
};

}  // namespace

CALLOUT_PLAIN_DATA(core::LivekitEvent);
CALLOUT_PLAIN_DATA(JsonField);
CALLOUT_PLAIN_DATA(ObjectWriter);

// LiveKit's EgressInfo (livekit/protocol, protobufs/livekit_egress.proto) lists its files in
// `file_results` (FileInfo: filename, started_at, ended_at, duration, size, location) and, before
// that existed, in the deprecated `file`; FileInfo has no download URL. So the recording is the
// first `fileResults` entry with a non-empty `location`, else `file.location`.
std::string_view recording_url(JsonbContainer* egress) {
    if (egress == nullptr) return {};
    if (core::is_failed_egress_status(json_string_or_number(egress, "status", "egressInfo.status")))
        return {};
    JsonField results = json_field(egress, "fileResults");
    if (results.is_container() && JsonContainerIsArray(results.container())) {
        JsonbContainer* array = results.container();
        for (uint32 i = 0; i < JsonContainerSize(array); ++i) {
            JsonbValue* item = getIthJsonbValueFromContainer(array, i);
            if (item == nullptr || item->type != jbvBinary ||
                !JsonContainerIsObject(item->val.binary.data))
                continue;
            std::string_view url =
                json_string(item->val.binary.data, "location", "egressInfo.fileResults[].location");
            if (!url.empty()) return url;
        }
    }
    JsonbContainer* file = json_object(egress, "file", "egressInfo.file");
    return json_string(file, "location", "egressInfo.file.location");
}

// The room's name and sid come from `room`, or from egressInfo for egress events that carry
// no room object.
EventReading read_livekit_event(JsonbContainer* payload, core::LivekitEvent& event) {
    if (!JsonContainerIsObject(payload))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("LiveKit event must be a JSON object")));
    event.event_name = json_string(payload, "event", "event");
    event.type = core::event_type_from_name(event.event_name);
    if (event.type == core::EventType::other) return EventReading::ignored;

    event.event_id = json_string(payload, "id", "id");
    event.created_at = instant_seconds(payload, "createdAt", "createdAt");
    event.room_end_reason = json_string_or_number(payload, "roomEndReason", "roomEndReason");
    JsonbContainer* room = json_object(payload, "room", "room");
    JsonbContainer* egress = json_object(payload, "egressInfo", "egressInfo");
    event.room_name = json_string(room, "name", "room.name");
    event.room_sid = json_string(room, "sid", "room.sid");
    event.room_creation_time = instant_seconds(room, "creationTime", "room.creationTime");
    if (event.room_name.empty())
        event.room_name = json_string(egress, "roomName", "egressInfo.roomName");
    if (event.room_sid.empty()) event.room_sid = json_string(egress, "roomId", "egressInfo.roomId");

    if (core::is_participant_event(event.type)) {
        JsonbContainer* participant = json_object(payload, "participant", "participant");
        if (participant != nullptr) read_participant(participant, event);
    } else if (event.type == core::EventType::egress_ended && egress != nullptr) {
        read_egress(egress, event);
    }

    if (event.event_id.empty()) return EventReading::missing_event_id;
    if (event.room_name.empty()) return EventReading::missing_room_name;
    return EventReading::processable;
}

void report_unusable_event(EventReading reading, std::string_view event_name) {
    bool no_id = reading == EventReading::missing_event_id;
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("LiveKit event has no %s", no_id ? "event id" : "room name"),
                    errdetail("Event \"%.*s\" needs a non-empty %s.", int(event_name.size()),
                              event_name.data(),
                              no_id ? "\"id\"" : "\"room.name\" (or \"egressInfo.roomName\")")));
}

Jsonb* livekit_event_to_jsonb(const core::LivekitEvent& event) {
    ObjectWriter out;
    pushJsonbValue(&out.state, WJB_BEGIN_OBJECT, nullptr);
    out.put_string("event", event.event_name);
    out.put_string("event_id", event.event_id);
    out.put_integer("created_at", event.created_at);
    out.put_string("room_name", event.room_name);
    out.put_string("room_sid", event.room_sid);
    out.put_integer("room_creation_time", event.room_creation_time);
    out.put_string("room_end_reason", event.room_end_reason);
    out.put_boolean("is_sip", core::is_sip_participant(event));
    if (event.has_participant) {
        out.put_string("participant_identity", event.participant_identity);
        out.put_string("participant_sid", event.participant_sid);
        out.put_string("participant_name", event.participant_name);
        out.put_string("participant_kind", event.participant_kind);
        out.put_integer("joined_at", event.joined_at);
        out.put_integer("joined_at_ms", event.joined_at_ms);
        out.put_string("disconnect_reason", event.disconnect_reason);
        out.put_string("sip_call_id", event.sip_call_id);
        out.put_string("sip_call_id_full", event.sip_call_id_full);
        out.put_string("sip_call_status", event.sip_call_status);
        out.put_string("sip_phone_number", event.sip_phone_number);
        out.put_string("sip_trunk_phone_number", event.sip_trunk_phone_number);
        out.put_string("sip_trunk_id", event.sip_trunk_id);
        out.put_string("sip_rule_id", event.sip_rule_id);
        out.put_string("sip_hostname", event.sip_hostname);
    }
    if (event.has_egress) {
        out.put_string("egress_id", event.egress_id);
        out.put_string("egress_status", event.egress_status);
        out.put_string("egress_error", event.egress_error);
        out.put_string("recording_location", event.recording_location);
    }
    out.put_integer("call_duration_s", core::event_call_duration(event));
    out.put_string("phone_number", core::event_phone_number(event));
    out.put_string("campaign_id", core::event_campaign_id(event));
    return JsonbValueToJsonb(pushJsonbValue(&out.state, WJB_END_OBJECT, nullptr));
}

}  // namespace callout::pg
