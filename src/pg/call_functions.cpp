// SQL functions over call facts: room-name extractors, durations and classify_outcome.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/classify.hpp"
#include "core/room_name.hpp"
#include "core/timestamps.hpp"
#include "pg/boundary.hpp"

extern "C" {
#include "catalog/pg_type_d.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
}

namespace core = callout::core;

namespace {

// A text argument as a view of its bytes; nullopt for SQL NULL.
std::optional<std::string_view> optional_text_arg(FunctionCallInfo fcinfo, int n) {
    if (PG_ARGISNULL(n)) return std::nullopt;
    text* value = PG_GETARG_TEXT_PP(n);
    return std::string_view(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value));
}

// A numeric argument as a double; nullopt for SQL NULL or NaN.
std::optional<double> optional_number_arg(FunctionCallInfo fcinfo, int n) {
    if (PG_ARGISNULL(n)) return std::nullopt;
    double value = DatumGetFloat8(DirectFunctionCall1(numeric_float8, PG_GETARG_DATUM(n)));
    if (std::isnan(value)) return std::nullopt;
    return value;
}

// A threshold argument: a number, never NULL or NaN.
double threshold_arg(FunctionCallInfo fcinfo, int n, const char* name) {
    std::optional<double> value = optional_number_arg(fcinfo, n);
    if (!value)
        ereport(ERROR,
                (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must be a number", name),
                 errdetail("The thresholds of classify_outcome cannot be NULL or NaN.")));
    return *value;
}

// Returns a view as text, or SQL NULL when it is empty.
Datum text_or_null(FunctionCallInfo fcinfo, std::string_view value) {
    if (value.empty()) PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text_with_len(value.data(), int(value.size())));
}

// The OIDs of callout.call_outcome's labels, looked up once per call site and kept in fn_extra.
Oid outcome_label_oid(FunctionCallInfo fcinfo, core::Outcome outcome) {
    constexpr int label_count = 4;
    Oid* labels = static_cast<Oid*>(fcinfo->flinfo->fn_extra);
    if (labels == nullptr) {
        Oid enum_type = get_func_rettype(fcinfo->flinfo->fn_oid);
        labels = static_cast<Oid*>(
            MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(Oid) * label_count));
        for (int i = 0; i < label_count; ++i) {
            const char* name = core::outcome_name(static_cast<core::Outcome>(i));
            labels[i] = DatumGetObjectId(
                DirectFunctionCall2(enum_in, CStringGetDatum(name), ObjectIdGetDatum(enum_type)));
        }
        fcinfo->flinfo->fn_extra = labels;
    }
    return labels[static_cast<int>(outcome)];
}

}  // namespace

// extract_phone_number(room_name text) RETURNS text: the E.164 number in a dispatch-rule room
// name (`<prefix>_<number>_<suffix>`), or NULL.
CALLOUT_SQL_FUNCTION(callout_extract_phone_number) {
    return text_or_null(fcinfo, core::phone_number_from_room(*optional_text_arg(fcinfo, 0)));
}

// extract_campaign_id(room_name text) RETURNS text: the id of an `outbound-campaign-<id>-...`
// room, or NULL.
CALLOUT_SQL_FUNCTION(callout_extract_campaign_id) {
    return text_or_null(fcinfo, core::campaign_id_from_room(*optional_text_arg(fcinfo, 0)));
}

// call_duration(started text, ended text) RETURNS integer: whole seconds between two instants
// (unix seconds, unix milliseconds or ISO 8601); NULL when one is missing or unparseable, or
// when ended is before started. A duration beyond integer range is an ERROR (22003).
CALLOUT_SQL_FUNCTION(callout_call_duration) {
    std::optional<std::string_view> started = optional_text_arg(fcinfo, 0);
    std::optional<std::string_view> ended = optional_text_arg(fcinfo, 1);
    if (!started || !ended) PG_RETURN_NULL();
    std::optional<std::int64_t> seconds = core::call_duration_seconds(*started, *ended);
    if (!seconds) PG_RETURN_NULL();
    if (*seconds > PG_INT32_MAX)
        ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                        errmsg("call duration is out of range for type integer")));
    PG_RETURN_INT32(int32(*seconds));
}

// classify_outcome(duration_seconds, disconnect_reason, sip_call_status,
// min_connected_seconds, min_completed_seconds) RETURNS callout.call_outcome (DESIGN.md §5).
CALLOUT_SQL_FUNCTION(callout_classify_outcome) {
    core::CallFacts facts;
    facts.duration_seconds = optional_number_arg(fcinfo, 0);
    facts.disconnect_reason = optional_text_arg(fcinfo, 1);
    facts.sip_call_status = optional_text_arg(fcinfo, 2);
    facts.min_connected_seconds = threshold_arg(fcinfo, 3, "min_connected_seconds");
    facts.min_completed_seconds = threshold_arg(fcinfo, 4, "min_completed_seconds");
    PG_RETURN_OID(outcome_label_oid(fcinfo, core::classify_outcome(facts)));
}
