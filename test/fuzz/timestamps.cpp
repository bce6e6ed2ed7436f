// Fuzzes instant parsing and call durations. The whole input is one instant; split at its first
// line end it is a start and an end. Whatever instant is read must be written back (as unix
// seconds with a fraction, milliseconds, microseconds, nanoseconds and ISO 8601 UTC) and read
// again as the same instant, and a duration must agree with the two instants it comes from.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "core/timestamps.hpp"
#include "fuzz_support.hpp"

namespace core = callout::core;
using callout::fuzz::as_text;
using callout::fuzz::Fields;

namespace {

struct Civil {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

// Calendar date of a day count since 1970-01-01 (Howard Hinnant's civil_from_days): the inverse
// of what the parser uses, so a round trip checks the parser's date arithmetic.
Civil civil_from_days(std::int64_t days) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto day_of_era = static_cast<unsigned>(days - era * 146097);
    const unsigned year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const unsigned day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const unsigned mp = (5 * day_of_year + 2) / 153;
    const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

// Writes ms again in each spelling the parser accepts and reads it back.
void check_round_trips(std::int64_t ms) {
    char text[96];
    const std::int64_t seconds = ms / 1000;
    const int fraction = static_cast<int>(ms % 1000);

    if (seconds < 100'000'000'000) {  // read as seconds only below 1e11
        std::snprintf(text, sizeof text, "%lld.%03d", static_cast<long long>(seconds), fraction);
        FUZZ_CHECK(core::parse_instant_ms(text) == ms);
        if (fraction == 0) FUZZ_CHECK(core::parse_instant_ms(std::to_string(seconds)) == ms);
    }
    // Milliseconds, microseconds and nanoseconds are told apart by magnitude: each spelling is
    // read back only where its magnitude says what it is (and nanoseconds fit in 64 bits).
    if (ms >= 100'000'000'000 && ms < 100'000'000'000'000) {
        FUZZ_CHECK(core::parse_instant_ms(std::to_string(ms)) == ms);
        FUZZ_CHECK(core::parse_instant_ms(std::to_string(ms * 1000 + 999)) == ms);
        if (ms <= (std::numeric_limits<std::int64_t>::max() - 999'999) / 1'000'000) {
            FUZZ_CHECK(core::parse_instant_ms(std::to_string(ms * 1'000'000 + 999'999)) == ms);
        }
    }

    const Civil date = civil_from_days(ms / 86'400'000);
    if (date.year > 9999) return;
    const std::int64_t in_day = ms % 86'400'000 / 1000;
    const int hour = static_cast<int>(in_day / 3600);
    const int minute = static_cast<int>(in_day / 60 % 60);
    const int second = static_cast<int>(in_day % 60);
    std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ",
                  static_cast<long long>(date.year), date.month, date.day, hour, minute, second,
                  fraction);
    FUZZ_CHECK(core::parse_instant_ms(text) == ms);
    std::snprintf(text, sizeof text, "%04lld-%02u-%02u %02d:%02d:%02d.%03d+0000",
                  static_cast<long long>(date.year), date.month, date.day, hour, minute, second,
                  fraction);
    FUZZ_CHECK(core::parse_instant_ms(text) == ms);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = as_text(data, size);

    const std::optional<std::int64_t> ms = core::parse_instant_ms(text);
    if (ms) {
        FUZZ_CHECK(*ms >= 0);
        check_round_trips(*ms);
    }
    // Surrounding whitespace never changes the reading.
    FUZZ_CHECK(core::parse_instant_ms(" \t" + std::string(text) + "\r\n") == ms);
    // A call that ends when it starts lasts zero seconds.
    FUZZ_CHECK(core::call_duration_seconds(text, text) ==
               (ms ? std::optional<std::int64_t>(0) : std::nullopt));

    Fields fields(text);
    const std::string_view started = fields.line();
    const std::string_view ended = fields.rest();
    const std::optional<std::int64_t> start_ms = core::parse_instant_ms(started);
    const std::optional<std::int64_t> end_ms = core::parse_instant_ms(ended);
    const std::optional<std::int64_t> duration = core::call_duration_seconds(started, ended);
    if (start_ms && end_ms && *end_ms >= *start_ms) {
        FUZZ_CHECK(duration == (*end_ms - *start_ms) / 1000);
    } else {
        FUZZ_CHECK(!duration);
    }
    return 0;
}
