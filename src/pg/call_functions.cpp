// SQL functions over call facts: room-name extractors, durations and classify_outcome.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/classify.hpp"
#include "core/room_name.hpp"
#include "core/timestamps.hpp"
#include "pg/args.hpp"
#include "pg/boundary.hpp"

extern "C" {
#include "catalog/pg_type_d.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
}

namespace core = callout::core;
using callout::pg::text_arg;
using callout::pg::text_or_null;

namespace {

// A numeric argument; nullopt for SQL NULL or NaN.
std::optional<Datum> number_arg(FunctionCallInfo fcinfo, int n) {
    if (PG_ARGISNULL(n) || numeric_is_nan(PG_GETARG_NUMERIC(n))) return std::nullopt;
    return PG_GETARG_DATUM(n);
}

// A threshold argument: a number, never NULL or NaN.
Datum threshold_arg(FunctionCallInfo fcinfo, int n, const char* name) {
    std::optional<Datum> value = number_arg(fcinfo, n);
    if (!value)
        ereport(ERROR,
                (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("%s must be a number", name),
                 errdetail("The thresholds of classify_outcome cannot be NULL or NaN.")));
    return *value;
}

// Classification only compares the duration with the two thresholds. Those comparisons are
// made here, exactly, on the numerics, and the core receives small doubles in the same order
// (thresholds 1 and 2, or 2 and 1 when given inverted), so rounding a numeric such as
// 2.99999999999999999999 to a double can never move a call across a threshold.
void set_duration_and_thresholds(core::CallFacts& facts, std::optional<Datum> duration,
                                 Datum min_connected, Datum min_completed) {
    auto compare = [](Datum a, Datum b) {
        return DatumGetInt32(DirectFunctionCall2(numeric_cmp, a, b));
    };
    int thresholds_order = compare(min_connected, min_completed);
    facts.min_connected_seconds = thresholds_order <= 0 ? 1 : 2;
    facts.min_completed_seconds = thresholds_order >= 0 ? 1 : 2;
    if (!duration) return;
    bool under_connected = compare(*duration, min_connected) < 0;
    bool under_completed = compare(*duration, min_completed) < 0;
    double lower = std::min(facts.min_connected_seconds, facts.min_completed_seconds);
    double upper = std::max(facts.min_connected_seconds, facts.min_completed_seconds);
    if (under_connected && under_completed)
        facts.duration_seconds = lower - 1;
    else if (!under_connected && !under_completed)
        facts.duration_seconds = upper;
    else
        facts.duration_seconds = (lower + upper) / 2;
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

CALLOUT_PLAIN_DATA(core::CallFacts);

// extract_phone_number(room_name text) RETURNS text: the E.164 number in a dispatch-rule room
// name (`<prefix>_<number>_<suffix>`), or NULL.
CALLOUT_SQL_FUNCTION(callout_extract_phone_number) {
    return text_or_null(fcinfo, core::phone_number_from_room(*text_arg(fcinfo, 0)));
}

// extract_campaign_id(room_name text) RETURNS text: the id of an `outbound-campaign-<id>-...`
// room, or NULL.
CALLOUT_SQL_FUNCTION(callout_extract_campaign_id) {
    return text_or_null(fcinfo, core::campaign_id_from_room(*text_arg(fcinfo, 0)));
}

// call_duration(started text, ended text) RETURNS integer: whole seconds between two instants
// (unix seconds, unix milliseconds or ISO 8601); NULL when one is missing or unparseable, when
// ended is before started, or when the span does not fit an integer.
CALLOUT_SQL_FUNCTION(callout_call_duration) {
    std::optional<std::string_view> started = text_arg(fcinfo, 0);
    std::optional<std::string_view> ended = text_arg(fcinfo, 1);
    if (!started || !ended) PG_RETURN_NULL();
    std::optional<std::int64_t> seconds = core::call_duration_seconds(*started, *ended);
    if (!seconds) PG_RETURN_NULL();
    if (*seconds > PG_INT32_MAX) PG_RETURN_NULL();
    PG_RETURN_INT32(int32(*seconds));
}

// classify_outcome(duration_seconds, disconnect_reason, sip_call_status,
// min_connected_seconds, min_completed_seconds) RETURNS callout.call_outcome (DESIGN.md §5).
CALLOUT_SQL_FUNCTION(callout_classify_outcome) {
    core::CallFacts facts;
    facts.disconnect_reason = text_arg(fcinfo, 1);
    facts.sip_call_status = text_arg(fcinfo, 2);
    set_duration_and_thresholds(facts, number_arg(fcinfo, 0),
                                threshold_arg(fcinfo, 3, "min_connected_seconds"),
                                threshold_arg(fcinfo, 4, "min_completed_seconds"));
    PG_RETURN_OID(outcome_label_oid(fcinfo, core::classify_outcome(facts)));
}
