// Conversions between unix seconds (the core's instants) and PostgreSQL's timestamptz.
#pragma once

#include <cstdint>
#include <optional>

extern "C" {
#include "postgres.h"
#include "datatype/timestamp.h"
}

namespace callout::pg {

// Seconds between the unix epoch (1970) and PostgreSQL's (2000).
inline constexpr std::int64_t postgres_epoch_unix_seconds =
    std::int64_t(POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;

// A finite timestamptz as unix seconds, rounded down.
inline std::int64_t unix_seconds(TimestampTz at) {
    std::int64_t seconds = at / USECS_PER_SEC - (at % USECS_PER_SEC < 0 ? 1 : 0);
    return seconds + postgres_epoch_unix_seconds;
}

// Unix seconds as a timestamptz; nullopt outside timestamptz's range.
inline std::optional<TimestampTz> timestamptz_from_unix(std::int64_t seconds) {
    constexpr std::int64_t limit = INT64_MAX / USECS_PER_SEC;
    std::int64_t since_2000 = seconds - postgres_epoch_unix_seconds;
    if (since_2000 > limit || since_2000 < -limit) return std::nullopt;
    TimestampTz at = since_2000 * USECS_PER_SEC;
    if (!IS_VALID_TIMESTAMP(at)) return std::nullopt;
    return at;
}

}  // namespace callout::pg
