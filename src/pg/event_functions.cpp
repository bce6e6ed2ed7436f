// SQL functions over LiveKit event payloads: transform_livekit_event and extract_recording_url.
// The payload was parsed once by PostgreSQL (jsonb); fields are read with the jsonb container
// functions and handed to the core as plain strings (DESIGN.md §2).
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/events.hpp"
#include "core/room_name.hpp"
#include "core/timestamps.hpp"
#include "pg/boundary.hpp"
#include "pg/json_fields.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
}

namespace core = callout::core;
using callout::pg::json_field;
using callout::pg::json_instant_text;
using callout::pg::json_object;
using callout::pg::json_string;

namespace {

// Where LiveKit may put a recording's location: FileInfo's `location`, or a download URL.
constexpr const char* recording_url_keys[] = {"location", "downloadUrl", "download_url"};

// The recording URL of one file result object; empty when it names none.
std::string_view file_result_url(JsonbContainer* file) {
    for (const char* key : recording_url_keys) {
        std::string_view url = json_string(file, key, key);
        if (!url.empty()) return url;
    }
    return {};
}

// The recording URL of an EgressInfo: the first `fileResults` entry that has one, else the
// deprecated single `file` result. Empty for a failed or aborted egress, which left no file.
std::string_view recording_url(JsonbContainer* egress) {
    if (egress == nullptr) return {};
    if (core::is_failed_egress_status(json_string(egress, "status", "egressInfo.status")))
        return {};
    callout::pg::JsonField results = json_field(egress, "fileResults");
    if (results.is_container() && JsonContainerIsArray(results.container())) {
        JsonbContainer* array = results.container();
        for (uint32 i = 0; i < JsonContainerSize(array); ++i) {
            JsonbValue* item = getIthJsonbValueFromContainer(array, i);
            if (item == nullptr || item->type != jbvBinary ||
                !JsonContainerIsObject(item->val.binary.data))
                continue;
            std::string_view url = file_result_url(item->val.binary.data);
            if (!url.empty()) return url;
        }
    }
    JsonbContainer* file = json_object(egress, "file", "egressInfo.file");
    return file != nullptr ? file_result_url(file) : std::string_view{};
}

// An instant field as unix seconds; nullopt when absent or unparseable.
std::optional<std::int64_t> instant_seconds(JsonbContainer* object, const char* key,
                                            const char* field_name) {
    std::optional<std::int64_t> ms =
        core::parse_instant_ms(json_instant_text(object, key, field_name));
    if (!ms) return std::nullopt;
    return *ms / 1000;
}

// The output object under construction: each put_* adds one key when there is a value.
struct ObjectWriter {
    JsonbParseState* state = nullptr;

    void key(const char* name) {
        JsonbValue k;
        k.type = jbvString;
        k.val.string.val = const_cast<char*>(name);
        k.val.string.len = int(strlen(name));
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

// The ERROR for a processable event that lacks a field callout cannot do without.
void missing_required(const char* what, const char* field, std::string_view event_name) {
    ereport(ERROR,
            (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("LiveKit event has no %s", what),
             errdetail("A \"%.*s\" event needs a non-empty %s field.", int(event_name.size()),
                       event_name.data(), field)));
}

// A `participant.attributes` entry such as "sip.phoneNumber".
std::string_view attribute(JsonbContainer* attributes, const char* key) {
    return json_string(attributes, key, key);
}

// Adds the participant's identity, kind, join time, disconnect reason and `sip.*` attributes.
// Enum fields omitted by protobuf's JSON take their zero value (STANDARD, UNKNOWN_REASON).
// Returns the SIP phone number, if any, for the derived phone_number.
std::string_view put_participant(ObjectWriter& out, JsonbContainer* participant) {
    std::string_view kind = json_string(participant, "kind", "participant.kind");
    std::string_view reason =
        json_string(participant, "disconnectReason", "participant.disconnectReason");
    out.put_string("participant_identity",
                   json_string(participant, "identity", "participant.identity"));
    out.put_string("participant_sid", json_string(participant, "sid", "participant.sid"));
    out.put_string("participant_name", json_string(participant, "name", "participant.name"));
    out.put_string("participant_kind", kind.empty() ? std::string_view("STANDARD") : kind);
    out.put_integer("joined_at", instant_seconds(participant, "joinedAt", "participant.joinedAt"));
    out.put_integer("joined_at_ms", core::parse_instant_ms(json_instant_text(
                                        participant, "joinedAtMs", "participant.joinedAtMs")));
    out.put_string("disconnect_reason",
                   reason.empty() ? std::string_view("UNKNOWN_REASON") : reason);

    bool is_sip = core::is_sip_participant_kind(kind);
    out.put_boolean("is_sip", is_sip);
    JsonbContainer* attributes = json_object(participant, "attributes", "participant.attributes");
    if (!is_sip || attributes == nullptr) return {};
    std::string_view phone = attribute(attributes, "sip.phoneNumber");
    out.put_string("sip_call_id", attribute(attributes, "sip.callID"));
    out.put_string("sip_call_status", attribute(attributes, "sip.callStatus"));
    out.put_string("sip_phone_number", phone);
    out.put_string("sip_trunk_phone_number", attribute(attributes, "sip.trunkPhoneNumber"));
    out.put_string("sip_trunk_id", attribute(attributes, "sip.trunkID"));
    out.put_string("sip_rule_id", attribute(attributes, "sip.ruleID"));
    out.put_string("sip_hostname", attribute(attributes, "sip.hostname"));
    return phone;
}

// Seconds between two instants, for the event's own view of a call's length.
std::optional<std::int64_t> seconds_between(std::optional<std::int64_t> from,
                                            std::optional<std::int64_t> to) {
    if (!from || !to || *to < *from) return std::nullopt;
    return *to - *from;
}

}  // namespace

// transform_livekit_event(payload jsonb) RETURNS jsonb: the normalized facts of an event
// callout acts on (keys as in the LiveKit vectors' `expect`, absent values omitted); NULL for
// events it ignores; an ERROR (22023) for a processable event without event id or room name,
// for a payload that is not an object, and for a known field of the wrong JSON type.
CALLOUT_SQL_FUNCTION(callout_transform_livekit_event) {
    Jsonb* payload = PG_GETARG_JSONB_P(0);
    JsonbContainer* root = &payload->root;
    if (!JsonContainerIsObject(root))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("LiveKit event must be a JSON object")));

    std::string_view event_name = json_string(root, "event", "event");
    core::EventType type = core::event_type_from_name(event_name);
    if (type == core::EventType::other) PG_RETURN_NULL();

    std::string_view event_id = json_string(root, "id", "id");
    if (event_id.empty()) missing_required("event id", "\"id\"", event_name);

    JsonbContainer* room = json_object(root, "room", "room");
    JsonbContainer* egress = json_object(root, "egressInfo", "egressInfo");
    std::string_view room_name = json_string(room, "name", "room.name");
    std::string_view room_sid = json_string(room, "sid", "room.sid");
    if (room_name.empty()) room_name = json_string(egress, "roomName", "egressInfo.roomName");
    if (room_sid.empty()) room_sid = json_string(egress, "roomId", "egressInfo.roomId");
    if (room_name.empty()) missing_required("room name", "\"room.name\"", event_name);

    std::optional<std::int64_t> created_at = instant_seconds(root, "createdAt", "createdAt");
    std::optional<std::int64_t> room_created =
        instant_seconds(room, "creationTime", "room.creationTime");
    ObjectWriter out;
    pushJsonbValue(&out.state, WJB_BEGIN_OBJECT, nullptr);
    out.put_string("event", event_name);
    out.put_string("event_id", event_id);
    out.put_integer("created_at", created_at);
    out.put_string("room_name", room_name);
    out.put_string("room_sid", room_sid);
    out.put_integer("room_creation_time", room_created);
    out.put_string("room_end_reason", json_string(root, "roomEndReason", "roomEndReason"));

    std::string_view sip_phone;
    if (core::is_participant_event(type)) {
        JsonbContainer* participant = json_object(root, "participant", "participant");
        if (participant != nullptr) {
            sip_phone = put_participant(out, participant);
            if (type != core::EventType::participant_joined)
                out.put_integer("call_duration_s",
                                seconds_between(instant_seconds(participant, "joinedAt",
                                                                "participant.joinedAt"),
                                                created_at));
        }
    } else if (type == core::EventType::room_finished) {
        out.put_integer("call_duration_s", seconds_between(room_created, created_at));
    } else if (type == core::EventType::egress_ended && egress != nullptr) {
        out.put_string("egress_id", json_string(egress, "egressId", "egressInfo.egressId"));
        out.put_string("egress_status", json_string(egress, "status", "egressInfo.status"));
        out.put_string("egress_error", json_string(egress, "error", "egressInfo.error"));
        out.put_string("recording_location", recording_url(egress));
    }
    out.put_string("phone_number",
                   sip_phone.empty() ? core::phone_number_from_room(room_name) : sip_phone);
    out.put_string("campaign_id", core::campaign_id_from_room(room_name));
    JsonbValue* result = pushJsonbValue(&out.state, WJB_END_OBJECT, nullptr);
    PG_RETURN_JSONB_P(JsonbValueToJsonb(result));
}

// extract_recording_url(payload jsonb) RETURNS text: the recording location of an egress
// event (or of a bare EgressInfo object); NULL when there is none or the egress failed.
CALLOUT_SQL_FUNCTION(callout_extract_recording_url) {
    Jsonb* payload = PG_GETARG_JSONB_P(0);
    JsonbContainer* root = &payload->root;
    if (!JsonContainerIsObject(root)) PG_RETURN_NULL();
    JsonbContainer* egress = json_object(root, "egressInfo", "egressInfo");
    std::string_view url = recording_url(egress != nullptr ? egress : root);
    if (url.empty()) PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text_with_len(url.data(), int(url.size())));
}
