// JSON text read token by token, accepting exactly what PostgreSQL's own JSON parser accepts in
// a UTF-8 database (src/common/jsonapi.c): RFC 8259 with its four whitespace characters, strings
// without raw control characters, `\u` escapes with surrogate pairs combined, numbers by JSON's
// grammar. The bridge builds the stored jsonb from these tokens (DESIGN.md §2, "JSON"); anything
// this reader does not accept (not JSON, or nested deeper than it keeps track of) is left to
// PostgreSQL's parser, which then decides. No allocation: the reader holds plain data only.
#pragma once
#include "no_postgres.hpp"

#include <cstdint>
#include <string_view>

namespace callout::core {

// What the reader found next. `key`, `string` and `number` come with their text; the three final
// tokens come last, so `token < JsonToken::end` is a token of the document.
enum class JsonToken : std::uint8_t {
    begin_object,
    end_object,
    begin_array,
    end_array,
    key,
    string,
    number,
    true_value,
    false_value,
    null_value,
    end,       // the text ended after one whole value: it is JSON
    invalid,   // not JSON
    too_deep,  // containers nested deeper than json_reader_max_depth: not decided here
};

// The deepest nesting the reader follows; a LiveKit webhook nests five levels.
inline constexpr int json_reader_max_depth = 64;

// A reading in progress. Make it with json_reader; every field is the reader's own.
struct JsonReader {
    const char* begin;
    const char* at;
    const char* end;
    char* unescaped;  // the caller's buffer, as long as the text: escaped strings are written here
    int depth;
    std::uint8_t expecting;  // what comes next (json_reader.cpp)
    JsonToken final_token;   // end, invalid or too_deep, once returned
    bool in_object[json_reader_max_depth];
};

// A reader of text. unescaped must hold text.size() bytes and outlive the views the reader
// returns: a string with escapes is written there, at its own offset in the text.
JsonReader json_reader(std::string_view text, char* unescaped);

// The next token. For a key or a string, text is its value (escapes decoded, `\u0000` read as
// U+FFFD: jsonb cannot hold U+0000, as replace_nul_escapes); for a number, its text as written,
// returned only once what follows it is known to be a separator or the end (PostgreSQL converts
// a number after reading the token that follows it).
// After end, invalid or too_deep, the same token again.
JsonToken next_json_token(JsonReader& reader, std::string_view& text);

}  // namespace callout::core
