// PostgreSQL's own JSON parser (src/common/jsonapi.c, the frontend build Debian ships in
// libpgcommon.a), for the json_reader target to compare core::next_json_token with. This header
// names no PostgreSQL type: postgres_json.cpp is the only file that sees PostgreSQL's headers,
// which must never meet the core's (src/core/no_postgres.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace callout::fuzz {

// One token as a parser reports it: kind is '{', '}', '[', ']', 'k' (a key), 's' (a string),
// 'n' (a number), 't', 'f' or 'z' (null); text is a key's or string's value with its escapes
// decoded, or a number as written.
struct JsonTokenText {
    char kind;
    std::string text;

    bool operator==(const JsonTokenText& other) const {
        return kind == other.kind && text == other.text;
    }
};

// Whether pg_parse_json, reading text as a UTF-8 database's jsonb input does (escapes decoded),
// accepts it; when it does and tokens is given, the tokens it reported, in order.
bool postgres_parses_json(std::string_view text, std::vector<JsonTokenText>* tokens);

// The tokens pg_parse_json hands its actions for text before it refuses it (all of them when it
// accepts): what jsonb_in builds from before the ERROR. A key, a scalar and a container's end
// are handed over once the token after them is read; a container's start at once.
std::vector<JsonTokenText> postgres_actions(std::string_view text);

// How many leading bytes of text PostgreSQL's UTF-8 verifier accepts (what a UTF-8 database
// checks every text value against: no NUL, no malformed or overlong sequence, no surrogate).
std::size_t postgres_valid_utf8_prefix(std::string_view text);

}  // namespace callout::fuzz
