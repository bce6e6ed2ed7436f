// Instants as LiveKit and applications write them, and call durations between two of them.
//
// Everything is parsed by hand, without locales or the C library's time functions, so the
// result depends on the text alone (no TZ variable, no locale, no thread-safety caveats).
#include "timestamps.hpp"

#include "ascii.hpp"

#include <cstddef>
#include <limits>

namespace callout::core {

namespace {

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kSecondsPerMinute = 60;
constexpr std::int64_t kSecondsPerHour = 3600;
constexpr std::int64_t kSecondsPerDay = 86400;

// Exactly `count` digits at `pos`, as a number; -1 when any of them is not a digit or the
// text is too short. count is small (at most 4), so no overflow is possible.
int fixed_digits(std::string_view text, std::size_t pos, std::size_t count) {
    if (pos > text.size() || text.size() - pos < count) return -1;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (!is_ascii_digit(c)) return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

// The first (up to) three digits of a fraction as milliseconds: `5` is 500 ms, `123456` is
// 123 ms. Further digits are dropped (truncation, never rounding up into the next second).
std::int64_t fraction_ms(std::string_view digits) {
    std::int64_t ms = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        ms = ms * 10 + (i < digits.size() ? digits[i] - '0' : 0);
    }
    return ms;
}

constexpr bool is_leap_year(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

constexpr int days_in_month(int year, int month) {
    constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil),
// exact for every year and free of any table or library call.
constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(days_from_civil(2026, 1, 1) == 20454);

// Unix time as an integer, told apart by magnitude (seconds, ms, µs, ns); only seconds may
// carry a fraction. The integer part may have any number of leading zeros but at most 19
// significant digits, so it always fits in 64 bits before the range check; no sign, no
// exponent, nothing after the digits.
std::optional<std::int64_t> parse_unix(std::string_view text) {
    const std::size_t dot = text.find('.');
    std::string_view whole = text.substr(0, dot);
    std::string_view fraction;
    if (dot != std::string_view::npos) {
        fraction = text.substr(dot + 1);
        if (whole.empty() || fraction.empty()) return std::nullopt;
    }
    for (const char c : whole) {
        if (!is_ascii_digit(c)) return std::nullopt;
    }
    for (const char c : fraction) {
        if (!is_ascii_digit(c)) return std::nullopt;
    }
    while (whole.size() > 1 && whole.front() == '0') whole.remove_prefix(1);
    if (whole.size() > 19) return std::nullopt;

    std::uint64_t value = 0;  // at most 19 digits: below 10^19 < 2^64
    for (const char c : whole) value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return std::nullopt;
    }
    const auto number = static_cast<std::int64_t>(value);

    if (number < 100'000'000'000) {  // seconds
        return number * kMsPerSecond + fraction_ms(fraction);
    }
    if (!fraction.empty()) return std::nullopt;
    if (number < 100'000'000'000'000) return number;             // milliseconds
    if (number < 100'000'000'000'000'000) return number / 1000;  // microseconds
    return number / 1'000'000;                                   // nanoseconds
}

// ISO 8601 / RFC 3339: `YYYY-MM-DD`, `T`, `t` or a space, `HH:MM:SS`, an optional fraction
// of any length (truncated to ms), then `Z`, `z`, `±HH:MM`, `±HHMM`, `±HH` (PostgreSQL's own
// timestamptz output) or no zone at all, which is read as UTC (LiveKit and most servers log
// UTC; reading it in a session time zone would make the result depend on the session).
// Second 60 (a leap second) is accepted and lands on the next minute's second 0.
std::optional<std::int64_t> parse_iso8601(std::string_view text) {
    if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[13] != ':' ||
        text[16] != ':') {
        return std::nullopt;
    }
    if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
    const int year = fixed_digits(text, 0, 4);
    const int month = fixed_digits(text, 5, 2);
    const int day = fixed_digits(text, 8, 2);
    const int hour = fixed_digits(text, 11, 2);
    const int minute = fixed_digits(text, 14, 2);
    const int second = fixed_digits(text, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 ||
        minute > 59 || second < 0 || second > 60) {
        return std::nullopt;
    }
    if (day > days_in_month(year, month)) return std::nullopt;

    std::size_t pos = 19;
    std::int64_t ms = 0;
    if (pos < text.size() && text[pos] == '.') {
        const std::size_t start = ++pos;
        while (pos < text.size() && is_ascii_digit(text[pos])) ++pos;
        if (pos == start) return std::nullopt;
        ms = fraction_ms(text.substr(start, pos - start));
    }

    std::int64_t offset_seconds = 0;
    const std::string_view zone = text.substr(pos);
    if (zone == "Z" || zone == "z") {
        // UTC
    } else if (!zone.empty()) {
        const char sign = zone.front();
        if (sign != '+' && sign != '-') return std::nullopt;
        int offset_hours = -1;
        int offset_minutes = 0;
        if (zone.size() == 3) {  // ±HH
            offset_hours = fixed_digits(zone, 1, 2);
        } else if (zone.size() == 5) {  // ±HHMM
            offset_hours = fixed_digits(zone, 1, 2);
            offset_minutes = fixed_digits(zone, 3, 2);
        } else if (zone.size() == 6 && zone[3] == ':') {  // ±HH:MM
            offset_hours = fixed_digits(zone, 1, 2);
            offset_minutes = fixed_digits(zone, 4, 2);
        }
        if (offset_hours < 0 || offset_hours > 23 || offset_minutes < 0 || offset_minutes > 59) {
            return std::nullopt;
        }
        offset_seconds = offset_hours * kSecondsPerHour + offset_minutes * kSecondsPerMinute;
        if (sign == '-') offset_seconds = -offset_seconds;
    }

    const std::int64_t days =
        days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    const std::int64_t seconds = days * kSecondsPerDay + hour * kSecondsPerHour +
                                 minute * kSecondsPerMinute + second - offset_seconds;
    const std::int64_t result = seconds * kMsPerSecond + ms;
    if (result < 0) return std::nullopt;  // before 1970: not an instant of a call
    return result;
}

}  // namespace

// One parser for every place a time appears (event `createdAt`, `joinedAt`, `room.creationTime`,
// application-supplied times), so durations never mix two readings of the same text.
std::optional<std::int64_t> parse_instant_ms(std::string_view text) {
    text = trim_ascii_space(text);
    if (text.empty()) return std::nullopt;
    if (text.size() > 4 && text[4] == '-') return parse_iso8601(text);
    return parse_unix(text);
}

// Durations are whole seconds, truncated (LiveKit's own createdAt - joinedAt is whole seconds); a
// missing or unreadable end, or an end before the start, gives no duration rather than a wrong one.
std::optional<std::int64_t> call_duration_seconds(std::string_view started,
                                                  std::string_view ended) {
    const std::optional<std::int64_t> start_ms = parse_instant_ms(started);
    const std::optional<std::int64_t> end_ms = parse_instant_ms(ended);
    if (!start_ms || !end_ms || *end_ms < *start_ms) return std::nullopt;
    return (*end_ms - *start_ms) / kMsPerSecond;  // both >= 0: no overflow
}

}  // namespace callout::core
