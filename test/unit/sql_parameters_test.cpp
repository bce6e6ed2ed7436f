// Named parameters of prepared statements: `$name` becomes `$N`, by the name's position.
#include "core/sql_parameters.hpp"

#include <gtest/gtest.h>

namespace callout::core {
namespace {

const char* const kNames[] = {"event_id", "room", "room_sid"};

std::optional<std::string> numbered(std::string_view sql, std::string* problem = nullptr) {
    std::string ignored;
    return number_parameters(sql, kNames, 3, problem != nullptr ? *problem : ignored);
}

TEST(SqlParameters, NamesBecomeTheirPositions) {
    EXPECT_EQ(numbered("SELECT $room_sid, $event_id, $room"), "SELECT $3, $1, $2");
    // a name is read up to the first character that cannot be in one: $room is not $room_sid
    EXPECT_EQ(numbered("WHERE a=$room AND b=$room_sid::text AND c IN ($event_id)"),
              "WHERE a=$2 AND b=$3::text AND c IN ($1)");
    EXPECT_EQ(numbered("$room||$room_sid||$event_id||$room"), "$2||$3||$1||$2");
}

TEST(SqlParameters, QuotedTextIsLeftAlone) {
    EXPECT_EQ(numbered("SELECT '$nothing', 'it''s $x', \"$col\", $room, $room_sid, $event_id"),
              "SELECT '$nothing', 'it''s $x', \"$col\", $2, $3, $1");
}

TEST(SqlParameters, MistakesAreRefused) {
    std::string problem;
    EXPECT_FALSE(numbered("SELECT $room, $room_sid, $event_id, $roomx", &problem));
    EXPECT_EQ(problem, "an undeclared parameter $roomx");
    EXPECT_FALSE(numbered("SELECT $1, $room, $room_sid, $event_id", &problem));
    EXPECT_EQ(problem, "a positional parameter or dollar quote at byte 7");
    EXPECT_FALSE(numbered("SELECT $$x$$", &problem));
    EXPECT_FALSE(numbered("SELECT $room, $event_id", &problem));
    EXPECT_EQ(problem, "no use of parameter $room_sid");
    EXPECT_FALSE(numbered("SELECT 'open, $room, $room_sid, $event_id", &problem));
    EXPECT_EQ(problem, "an unterminated quote");
    EXPECT_FALSE(numbered("SELECT $", &problem));
}

TEST(SqlParameters, NoParameters) {
    std::string problem;
    EXPECT_EQ(number_parameters("SELECT 1", nullptr, 0, problem), "SELECT 1");
    EXPECT_FALSE(number_parameters("SELECT $a", nullptr, 0, problem));
}

}  // namespace
}  // namespace callout::core
