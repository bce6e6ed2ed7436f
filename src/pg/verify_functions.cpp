// SQL functions that verify a delivery's signature: LiveKit's JWT scheme and the plain HMAC
// scheme. All the cryptography is in the core; this file only moves arguments across.
#include <cstdint>
#include <string_view>

#include "core/livekit_token.hpp"
#include "core/plain_hmac.hpp"
#include "pg/args.hpp"
#include "pg/boundary.hpp"
#include "pg/settings.hpp"
#include "pg/unix_time.hpp"

extern "C" {
#include "datatype/timestamp.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
}

namespace core = callout::core;
using callout::pg::text_arg;

namespace {

// A finite timestamptz as unix seconds (rounded down); an ERROR for NULL or infinity.
std::int64_t unix_seconds_arg(FunctionCallInfo fcinfo, int n) {
    if (PG_ARGISNULL(n))
        ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                        errmsg("the instant to verify at must not be NULL")));
    TimestampTz at = PG_GETARG_TIMESTAMPTZ(n);
    if (TIMESTAMP_NOT_FINITE(at))
        ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                        errmsg("the instant to verify at must be finite")));
    return callout::pg::unix_seconds(at);
}

// The leeway argument, or the callout.clock_leeway setting when it is NULL.
std::int64_t leeway_arg(FunctionCallInfo fcinfo, int n) {
    if (PG_ARGISNULL(n)) return callout::pg::clock_leeway_seconds;
    int32 leeway = PG_GETARG_INT32(n);
    if (leeway < 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("leeway_seconds must not be negative"),
                        errdetail("leeway_seconds is %d.", leeway)));
    return leeway;
}

}  // namespace

CALLOUT_PLAIN_DATA(core::TokenCheck);

// verify_livekit_signature(body, authorization, api_key, api_secret, at, leeway_seconds)
// RETURNS text: 'ok' or the reason the delivery is refused (DESIGN.md §3). A NULL body never
// verifies (sha256_mismatch); a NULL authorization is empty_authorization; a NULL key or secret
// matches nothing. The body is checked as its sender signed it, in UTF-8 (signed_bytes).
CALLOUT_SQL_FUNCTION(callout_verify_livekit_signature) {
    core::TokenCheck check;
    check.body = text_arg(fcinfo, 0);
    if (check.body) check.body = callout::pg::signed_bytes(*check.body);
    check.authorization = text_arg(fcinfo, 1).value_or("");
    check.api_key = text_arg(fcinfo, 2).value_or("");
    check.api_secret = text_arg(fcinfo, 3).value_or("");
    check.now_unix = unix_seconds_arg(fcinfo, 4);
    check.leeway_seconds = leeway_arg(fcinfo, 5);
    PG_RETURN_TEXT_P(cstring_to_text(core::reason_name(core::verify_livekit_token(check))));
}

// verify_hmac_signature(body, signature, secret) RETURNS boolean: the plain HMAC-SHA256
// scheme (hex or base64, optionally `sha256=`) over the body in UTF-8 (signed_bytes). False for
// a missing body, signature or secret.
CALLOUT_SQL_FUNCTION(callout_verify_hmac_signature) {
    if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2)) PG_RETURN_BOOL(false);
    std::string_view body = callout::pg::signed_bytes(*text_arg(fcinfo, 0));
    PG_RETURN_BOOL(core::verify_plain_hmac(body, *text_arg(fcinfo, 1), *text_arg(fcinfo, 2)));
}
