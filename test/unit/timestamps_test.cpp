// Instants in every form LiveKit and applications write them, and the durations between them.
#include "core/timestamps.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

namespace callout::core {
namespace {

constexpr std::int64_t kNewYear2026Noon = 1767268800000;  // 2026-01-01T12:00:00Z

TEST(Timestamps, UnixSeconds) {
    EXPECT_EQ(parse_instant_ms("1767268800"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("0"), 0);
    EXPECT_EQ(parse_instant_ms("0000000000"), 0);
    EXPECT_EQ(parse_instant_ms("1"), 1000);
    EXPECT_EQ(parse_instant_ms("99999999999"), 99999999999000);  // the largest seconds value
}

TEST(Timestamps, UnixSecondsWithFraction) {
    EXPECT_EQ(parse_instant_ms("1767268800.5"), kNewYear2026Noon + 500);
    EXPECT_EQ(parse_instant_ms("1767268800.05"), kNewYear2026Noon + 50);
    EXPECT_EQ(parse_instant_ms("1767268800.123"), kNewYear2026Noon + 123);
    EXPECT_EQ(parse_instant_ms("1767268800.123999999999999999999999"), kNewYear2026Noon + 123);
    EXPECT_EQ(parse_instant_ms("1767268800.0"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("1767268800.999"), kNewYear2026Noon + 999);
}

TEST(Timestamps, UnixMillisMicrosNanos) {
    EXPECT_EQ(parse_instant_ms("1767268801046"), 1767268801046);        // joinedAtMs
    EXPECT_EQ(parse_instant_ms("1767268801046789"), 1767268801046);     // microseconds
    EXPECT_EQ(parse_instant_ms("1767268803512000000"), 1767268803512);  // startedAt (ns)
    EXPECT_EQ(parse_instant_ms("1767277002000001000"), 1767277002000);
}

TEST(Timestamps, MagnitudeBoundaries) {
    EXPECT_EQ(parse_instant_ms("100000000000"), 100000000000);          // 1e11: milliseconds
    EXPECT_EQ(parse_instant_ms("99999999999999"), 99999999999999);      // below 1e14: ms
    EXPECT_EQ(parse_instant_ms("100000000000000"), 100000000000);       // 1e14: microseconds
    EXPECT_EQ(parse_instant_ms("99999999999999999"), 99999999999999);   // below 1e17: µs
    EXPECT_EQ(parse_instant_ms("100000000000000000"), 100000000000);    // 1e17: nanoseconds
    EXPECT_EQ(parse_instant_ms("9223372036854775807"), 9223372036854);  // INT64_MAX ns
}

TEST(Timestamps, HugeNumbersAreRejected) {
    EXPECT_EQ(parse_instant_ms("9223372036854775808"), std::nullopt);  // INT64_MAX + 1
    EXPECT_EQ(parse_instant_ms("18446744073709551615"), std::nullopt);
    EXPECT_EQ(parse_instant_ms("18446744073709551616"), std::nullopt);
    EXPECT_EQ(parse_instant_ms("99999999999999999999999999999999999999999"), std::nullopt);
    EXPECT_EQ(parse_instant_ms("00000000000000000000001767268800"), kNewYear2026Noon);
}

TEST(Timestamps, FractionOnlyForSeconds) {
    EXPECT_EQ(parse_instant_ms("1767268801046.5"), std::nullopt);
    EXPECT_EQ(parse_instant_ms("1767268803512000000.0"), std::nullopt);
}

TEST(Timestamps, MalformedNumbers) {
    for (const char* text :
         {"-1", "-1767268800", "+1767268800", "1767268800.", ".5", "1767268800..5", "1.2.3",
          "1767268800.5.", "1.7e9", "1767268800x", "x1767268800", "0x10", "1_767_268_800",
          "1 767 268 800", "1767268800.-5", "1767268800.+5", "NaN", "inf", "١٢٣"}) {
        SCOPED_TRACE(text);
        EXPECT_EQ(parse_instant_ms(text), std::nullopt);
    }
}

TEST(Timestamps, EmptyAndWhitespace) {
    EXPECT_EQ(parse_instant_ms(""), std::nullopt);
    EXPECT_EQ(parse_instant_ms(" "), std::nullopt);
    EXPECT_EQ(parse_instant_ms(" \t\r\n"), std::nullopt);
    EXPECT_EQ(parse_instant_ms(" 1767268800 "), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("\t1767268800\n"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("  2026-01-01T12:00:00Z\r\n"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("1767268800 0"), std::nullopt);
    EXPECT_EQ(parse_instant_ms(std::string_view("1767268800\0", 11)), std::nullopt);
}

TEST(Timestamps, Iso8601Utc) {
    EXPECT_EQ(parse_instant_ms("2026-01-01T12:00:00Z"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("2026-01-01t12:00:00z"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("2026-01-01 12:00:00Z"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(parse_instant_ms("2026-01-01T00:00:00Z"), 1767225600000);
    EXPECT_EQ(parse_instant_ms("9999-12-31T23:59:59Z"), 253402300799000);
}

TEST(Timestamps, Iso8601WithoutZoneIsUtc) {
    EXPECT_EQ(parse_instant_ms("2026-01-01T12:00:00"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("2026-01-01 12:00:00.25"), kNewYear2026Noon + 250);
}

TEST(Timestamps, Iso8601Offsets) {
    EXPECT_EQ(parse_instant_ms("2026-01-01T14:00:00+02:00"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("2026-01-01T14:00:00+0200"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("2026-01-01T14:00:00+02"), kNewYear2026Noon);  // PostgreSQL's form
    EXPECT_EQ(parse_instant_ms("2026-01-01T06:30:00-05:30"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("2026-01-01T06:30:00-0530"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("2026-01-01T12:00:00+00:00"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("2026-01-01T12:00:00-00:00"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("2026-01-02T11:59:00+23:59"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("2026-01-01T00:00:00+14:00"), 1767225600000 - 14 * 3600000);
    // The offset may carry the instant across midnight, a month and a year.
    EXPECT_EQ(parse_instant_ms("2025-12-31T23:00:00-13:00"), kNewYear2026Noon);
}

TEST(Timestamps, Iso8601Fractions) {
    EXPECT_EQ(parse_instant_ms("2026-01-01T12:00:00.5Z"), kNewYear2026Noon + 500);
    EXPECT_EQ(parse_instant_ms("2026-01-01T12:00:00.123Z"), kNewYear2026Noon + 123);
    EXPECT_EQ(parse_instant_ms("2026-01-01T12:00:00.123456Z"), kNewYear2026Noon + 123);
    EXPECT_EQ(parse_instant_ms("2026-01-01T12:00:00.999999999Z"), kNewYear2026Noon + 999);
    EXPECT_EQ(parse_instant_ms("2026-01-01T12:00:00.000000000000000001Z"), kNewYear2026Noon);
    EXPECT_EQ(parse_instant_ms("2026-01-01T14:00:00.75+02:00"), kNewYear2026Noon + 750);
    EXPECT_EQ(parse_instant_ms("2026-01-01 14:00:00.123456+02"), kNewYear2026Noon + 123);
}

TEST(Timestamps, LeapDays) {
    EXPECT_EQ(parse_instant_ms("2024-02-29T23:59:59Z"), 1709251199000);
    EXPECT_EQ(parse_instant_ms("2000-02-29T00:00:00Z"), 951782400000);  // divisible by 400
    EXPECT_EQ(parse_instant_ms("2026-02-29T00:00:00Z"), std::nullopt);
    EXPECT_EQ(parse_instant_ms("2100-02-29T00:00:00Z"), std::nullopt);  // divisible by 100
    EXPECT_EQ(parse_instant_ms("2024-02-30T00:00:00Z"), std::nullopt);
}

TEST(Timestamps, LeapSecond) {
    EXPECT_EQ(parse_instant_ms("2016-12-31T23:59:60Z"), 1483228799000 + 1000);
    EXPECT_EQ(parse_instant_ms("2016-12-31T23:59:61Z"), std::nullopt);
}

TEST(Timestamps, InvalidDatesAndTimes) {
    for (const char* text : {"2026-00-10T00:00:00Z", "2026-13-10T00:00:00Z", "2026-01-00T00:00:00Z",
                             "2026-01-32T00:00:00Z", "2026-04-31T00:00:00Z", "2026-06-31T00:00:00Z",
                             "2026-09-31T00:00:00Z", "2026-11-31T00:00:00Z", "2026-01-01T24:00:00Z",
                             "2026-01-01T12:60:00Z", "2026-01-01T12:00:99Z"}) {
        SCOPED_TRACE(text);
        EXPECT_EQ(parse_instant_ms(text), std::nullopt);
    }
    EXPECT_EQ(parse_instant_ms("2026-04-30T00:00:00Z"), 1777507200000);
    EXPECT_EQ(parse_instant_ms("2026-12-31T23:59:59Z"), 1798761599000);
}

TEST(Timestamps, MalformedIso8601) {
    for (const char* text : {"2026-01-01",
                             "2026-01-01T",
                             "2026-01-01T12:00",
                             "2026-01-01T12:00Z",
                             "2026-1-01T12:00:00Z",
                             "2026-01-1T12:00:00Z",
                             "26-01-01T12:00:00Z",
                             "+2026-01-01T12:00:00Z",
                             "02026-01-01T12:00:00Z",
                             "2026/01/01T12:00:00Z",
                             "2026-01-01X12:00:00Z",
                             "2026-01-01_12:00:00Z",
                             "2026-01-01T12-00-00Z",
                             "2026-01-01T12:00:00.Z",
                             "2026-01-01T12:00:00,5Z",
                             "2026-01-01T12:00:00ZZ",
                             "2026-01-01T12:00:00 Z",
                             "2026-01-01T12:00:00UTC",
                             "2026-01-01T12:00:00+2",
                             "2026-01-01T12:00:00+002",
                             "2026-01-01T12:00:00+02:0",
                             "2026-01-01T12:00:00+02:000",
                             "2026-01-01T12:00:00+02-00",
                             "2026-01-01T12:00:00+24:00",
                             "2026-01-01T12:00:00+02:60",
                             "2026-01-01T12:00:00+ab:cd",
                             "2026-01-01T12:00:00Z+02:00",
                             "2026-0a-01T12:00:00Z",
                             "2026-01-01T1a:00:00Z",
                             "2026-01-01T12:00:00.5x",
                             "2026-01-01T12:00:00.5.5Z",
                             "2026-01-01T12:00:00 +02:00",
                             "garbage"}) {
        SCOPED_TRACE(text);
        EXPECT_EQ(parse_instant_ms(text), std::nullopt);
    }
    // Trailing spaces are trimmed before parsing, so this one is fine.
    EXPECT_EQ(parse_instant_ms("2026-01-01T12:00:00Z "), kNewYear2026Noon);
}

TEST(Timestamps, InstantsBefore1970AreRejected) {
    EXPECT_EQ(parse_instant_ms("1969-12-31T23:59:59Z"), std::nullopt);
    EXPECT_EQ(parse_instant_ms("1900-03-01T00:00:00Z"), std::nullopt);
    EXPECT_EQ(parse_instant_ms("0000-01-01T00:00:00Z"), std::nullopt);
    EXPECT_EQ(parse_instant_ms("1970-01-01T00:30:00+01:00"), std::nullopt);
    EXPECT_EQ(parse_instant_ms("1970-01-01T01:00:00+01:00"), 0);
    EXPECT_EQ(parse_instant_ms("1969-12-31T23:00:00-01:00"), 0);
}

TEST(Timestamps, DurationNormal) {
    EXPECT_EQ(call_duration_seconds("2026-01-01T12:00:00Z", "2026-01-01T12:03:07Z"), 187);
    EXPECT_EQ(call_duration_seconds("1767268801", "1767268988"), 187);  // in1: joinedAt, createdAt
    EXPECT_EQ(call_duration_seconds("1767268800", "1767269009"), 209);  // in1: the room's life
}

TEST(Timestamps, DurationShort) {
    EXPECT_EQ(call_duration_seconds("2026-01-01T12:00:00Z", "2026-01-01T12:00:04Z"), 4);
    EXPECT_EQ(call_duration_seconds("2026-01-01T12:00:00Z", "2026-01-01T12:00:00Z"), 0);
    EXPECT_EQ(call_duration_seconds("2026-01-01T12:00:00.000Z", "2026-01-01T12:00:00.999Z"), 0);
}

TEST(Timestamps, DurationMissingTimestamps) {
    EXPECT_EQ(call_duration_seconds("", "2026-01-01T12:00:04Z"), std::nullopt);
    EXPECT_EQ(call_duration_seconds("2026-01-01T12:00:00Z", ""), std::nullopt);
    EXPECT_EQ(call_duration_seconds("", ""), std::nullopt);
    EXPECT_EQ(call_duration_seconds("   ", "1767268988"), std::nullopt);
}

TEST(Timestamps, DurationInvalidFormat) {
    EXPECT_EQ(call_duration_seconds("not-a-date", "2026-01-01T12:00:04Z"), std::nullopt);
    EXPECT_EQ(call_duration_seconds("2026-01-01T12:00:00Z", "yesterday"), std::nullopt);
    EXPECT_EQ(call_duration_seconds("2026-02-29T12:00:00Z", "2026-03-01T12:00:00Z"), std::nullopt);
    EXPECT_EQ(call_duration_seconds("-5", "10"), std::nullopt);
}

TEST(Timestamps, DurationNeverNegative) {
    EXPECT_EQ(call_duration_seconds("2026-01-01T12:00:04Z", "2026-01-01T12:00:00Z"), std::nullopt);
    EXPECT_EQ(call_duration_seconds("1767268988", "1767268801"), std::nullopt);
    EXPECT_EQ(call_duration_seconds("2026-01-01T12:00:00.001Z", "2026-01-01T12:00:00Z"),
              std::nullopt);
}

TEST(Timestamps, DurationTruncates) {
    EXPECT_EQ(call_duration_seconds("2026-01-01T12:00:00.000Z", "2026-01-01T12:00:09.999Z"), 9);
    EXPECT_EQ(call_duration_seconds("1767268800.9", "1767268810.1"), 9);
    // Mixing joinedAtMs with a createdAt in seconds loses the sub-second part of the start:
    // LiveKit's own duration (createdAt - joinedAt, both seconds) is 187, this is 186.
    EXPECT_EQ(call_duration_seconds("1767268801046", "1767268988"), 186);
}

TEST(Timestamps, DurationAcrossFormsAndZones) {
    EXPECT_EQ(call_duration_seconds("1767268800", "2026-01-01T14:03:07+02:00"), 187);
    EXPECT_EQ(call_duration_seconds("2026-01-01T12:00:00Z", "1767268987000"), 187);
    EXPECT_EQ(call_duration_seconds("1767268800000000000", "1767268987000000"), 187);
    EXPECT_EQ(call_duration_seconds("2025-12-31T23:59:00Z", "2026-01-01T00:01:00Z"), 120);
    EXPECT_EQ(call_duration_seconds("2024-02-28T12:00:00Z", "2024-03-01T12:00:00Z"), 2 * 86400);
}

TEST(Timestamps, DurationOfTheLongestInstants) {
    EXPECT_EQ(call_duration_seconds("0", "9999-12-31T23:59:59Z"), 253402300799);
    EXPECT_EQ(call_duration_seconds("0", "9223372036854775807"), 9223372036);
}

}  // namespace
}  // namespace callout::core
