// JSON text read token by token, as PostgreSQL's parser reads it (json_reader.hpp).
#include "json_reader.hpp"

#include "ascii.hpp"

#include <cstring>

namespace callout::core {

namespace {

// What the reader expects next.
enum Expecting : std::uint8_t {
    a_value,               // the document's value, an array's element after ',', a member's
    a_value_or_array_end,  // after '['
    a_key_or_object_end,   // after '{'
    a_key,                 // after ',' in an object
    a_separator,           // after a container's element or member: ',' or its closing bracket
    the_end,               // after the document's value: only whitespace
    nothing,               // a final token was returned
};

// JSON's four whitespace characters (not ascii.hpp's six: a form feed or vertical tab is no JSON).
bool is_json_whitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// code_point (at most U+10FFFF, not a surrogate) written as UTF-8 at out; returns the end.
char* put_utf8(char* out, unsigned code_point) {
    if (code_point < 0x80) {
        *out++ = char(code_point);
    } else if (code_point < 0x800) {
        *out++ = char(0xC0 | (code_point >> 6));
        *out++ = char(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {
        *out++ = char(0xE0 | (code_point >> 12));
        *out++ = char(0x80 | ((code_point >> 6) & 0x3F));
        *out++ = char(0x80 | (code_point & 0x3F));
    } else {
        *out++ = char(0xF0 | (code_point >> 18));
        *out++ = char(0x80 | ((code_point >> 12) & 0x3F));
        *out++ = char(0x80 | ((code_point >> 6) & 0x3F));
        *out++ = char(0x80 | (code_point & 0x3F));
    }
    return out;
}

// Whether any of the eight bytes of word ends a run of a string's plain bytes: a quote, a
// backslash or a control character (below 0x20). Each test is "some byte is zero" (or below
// 0x20) done on all eight at once; it can only err about bytes after one that matches.
bool ends_plain_bytes(std::uint64_t word) {
    constexpr std::uint64_t ones = 0x0101010101010101;
    constexpr std::uint64_t high_bits = 0x8080808080808080;
    auto below = [](std::uint64_t v, std::uint64_t n) { return (v - ones * n) & ~v & high_bits; };
    return (below(word ^ (ones * '"'), 1) | below(word ^ (ones * '\\'), 1) | below(word, 0x20)) !=
           0;
}

// Ends the reading with token (end, invalid or too_deep), which every later call returns.
JsonToken finish(JsonReader& reader, JsonToken token) {
    reader.expecting = nothing;
    reader.final_token = token;
    return token;
}

// After a whole value: the document's end, or its container's separator.
JsonToken after_value(JsonReader& reader, JsonToken token) {
    reader.expecting = reader.depth == 0 ? the_end : a_separator;
    return token;
}

// The string whose opening quote is at reader.at. Text without escapes is returned in place;
// text with them is decoded into the caller's buffer at the string's own offset (decoding
// never lengthens: an escape of 2, 6 or 12 bytes becomes 1 to 4). False when it is not a JSON
// string as PostgreSQL's lexer reads it.
bool read_string(JsonReader& reader, std::string_view& text) {
    const char* start = reader.at + 1;
    const char* p = start;
    const char* end = reader.end;
    for (std::uint64_t word; end - p >= 8; p += 8) {
        std::memcpy(&word, p, 8);
        if (ends_plain_bytes(word)) break;
    }
    while (p < end && *p != '"' && *p != '\\') {
        if (static_cast<unsigned char>(*p) < 0x20) return false;  // must be escaped
        ++p;
    }
    if (p >= end) return false;
    if (*p == '"') {
        text = std::string_view(start, std::size_t(p - start));
        reader.at = p + 1;
        return true;
    }
    char* out_start = reader.unescaped + (start - reader.begin);
    std::memcpy(out_start, start, std::size_t(p - start));
    char* out = out_start + (p - start);
    int high_surrogate = -1;  // a \uD800-\uDBFF escape waiting for its low half
    while (p < end) {
        char c = *p;
        if (c == '"') {
            if (high_surrogate != -1) return false;
            text = std::string_view(out_start, std::size_t(out - out_start));
            reader.at = p + 1;
            return true;
        }
        if (c != '\\') {
            if (static_cast<unsigned char>(c) < 0x20 || high_surrogate != -1) return false;
            *out++ = c;
            ++p;
            continue;
        }
        if (++p >= end) return false;
        char escaped = *p++;
        if (escaped != 'u') {
            if (high_surrogate != -1) return false;
            switch (escaped) {
                case '"':
                case '\\':
                case '/':
                    *out++ = escaped;
                    break;
                case 'b':
                    *out++ = '\b';
                    break;
                case 'f':
                    *out++ = '\f';
                    break;
                case 'n':
                    *out++ = '\n';
                    break;
                case 'r':
                    *out++ = '\r';
                    break;
                case 't':
                    *out++ = '\t';
                    break;
                default:
                    return false;
            }
            continue;
        }
        if (end - p < 4) return false;
        unsigned code_point = 0;
        for (int i = 0; i < 4; ++i) {
            int digit = ascii_hex_value(p[i]);
            if (digit < 0) return false;
            code_point = code_point * 16 + unsigned(digit);
        }
        p += 4;
        if (code_point == 0) code_point = 0xFFFD;
        if (code_point >= 0xD800 && code_point <= 0xDBFF) {
            if (high_surrogate != -1) return false;
            high_surrogate = int(code_point);
            continue;
        }
        if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
            if (high_surrogate == -1) return false;
            code_point =
                ((unsigned(high_surrogate) & 0x3FF) << 10) + (code_point & 0x3FF) + 0x10000;
            high_surrogate = -1;
        }
        if (high_surrogate != -1) return false;
        out = put_utf8(out, code_point);
    }
    return false;
}

// The number at reader.at, by JSON's grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
bool read_number(JsonReader& reader, std::string_view& text) {
    const char* p = reader.at;
    const char* end = reader.end;
    if (*p == '-') ++p;
    if (p < end && *p == '0') {
        ++p;
    } else if (p < end && *p >= '1' && *p <= '9') {
        while (p < end && is_ascii_digit(*p)) ++p;
    } else {
        return false;
    }
    if (p < end && *p == '.') {
        ++p;
        if (p >= end || !is_ascii_digit(*p)) return false;
        while (p < end && is_ascii_digit(*p)) ++p;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        ++p;
        if (p < end && (*p == '+' || *p == '-')) ++p;
        if (p >= end || !is_ascii_digit(*p)) return false;
        while (p < end && is_ascii_digit(*p)) ++p;
    }
    // PostgreSQL converts a number once the token after it has been read; only a separator or
    // the end may follow one, so a number is returned with one of those after it and anything
    // else is not JSON here (PostgreSQL's parser then decides, numeric_in's ERRORs included).
    const char* next = p;
    while (next < end && is_json_whitespace(*next)) ++next;
    if (next < end && *next != ',' && *next != ']' && *next != '}') return false;
    text = std::string_view(reader.at, std::size_t(p - reader.at));
    reader.at = p;
    return true;
}

// Whether c continues a word for PostgreSQL's lexer (JSON_ALPHANUMERIC_CHAR): a letter, a digit,
// '_' or a byte above ASCII.
bool continues_word(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_ascii_digit(c) || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}

// true, false or null at reader.at. PostgreSQL's lexer reads the whole word, so "truex" is no
// token (and a member's name before it is never handed on); what follows a whole word is the
// next token's business, as above.
JsonToken read_literal(JsonReader& reader) {
    std::string_view rest(reader.at, std::size_t(reader.end - reader.at));
    for (auto [word, token] : {std::pair{std::string_view("true"), JsonToken::true_value},
                               std::pair{std::string_view("false"), JsonToken::false_value},
                               std::pair{std::string_view("null"), JsonToken::null_value}}) {
        if (rest.substr(0, word.size()) == word) {
            if (rest.size() > word.size() && continues_word(rest[word.size()])) break;
            reader.at += word.size();
            return after_value(reader, token);
        }
    }
    return finish(reader, JsonToken::invalid);
}

// A container opens at reader.at.
JsonToken open_container(JsonReader& reader, bool object) {
    if (reader.depth == json_reader_max_depth) return finish(reader, JsonToken::too_deep);
    reader.in_object[reader.depth++] = object;
    ++reader.at;
    reader.expecting = object ? a_key_or_object_end : a_value_or_array_end;
    return object ? JsonToken::begin_object : JsonToken::begin_array;
}

// The innermost container closes at reader.at.
JsonToken close_container(JsonReader& reader) {
    bool object = reader.in_object[--reader.depth];
    ++reader.at;
    return after_value(reader, object ? JsonToken::end_object : JsonToken::end_array);
}

JsonToken read_value(JsonReader& reader, std::string_view& text) {
    switch (*reader.at) {
        case '{':
            return open_container(reader, true);
        case '[':
            return open_container(reader, false);
        case '"':
            if (!read_string(reader, text)) return finish(reader, JsonToken::invalid);
            return after_value(reader, JsonToken::string);
        case '-':
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7':
        case '8':
        case '9':
            if (!read_number(reader, text)) return finish(reader, JsonToken::invalid);
            return after_value(reader, JsonToken::number);
        default:
            return read_literal(reader);
    }
}

// A member's key and the colon after it (PostgreSQL reads both before it names the member).
JsonToken read_key(JsonReader& reader, std::string_view& text) {
    if (*reader.at != '"' || !read_string(reader, text)) return finish(reader, JsonToken::invalid);
    while (reader.at < reader.end && is_json_whitespace(*reader.at)) ++reader.at;
    if (reader.at == reader.end || *reader.at != ':') return finish(reader, JsonToken::invalid);
    ++reader.at;
    reader.expecting = a_value;
    return JsonToken::key;
}

}  // namespace

JsonReader json_reader(std::string_view text, char* unescaped) {
    JsonReader reader{};
    reader.begin = text.data();
    reader.at = text.data();
    reader.end = text.data() + text.size();
    reader.unescaped = unescaped;
    reader.depth = 0;
    reader.expecting = a_value;
    reader.final_token = JsonToken::invalid;
    return reader;
}

JsonToken next_json_token(JsonReader& reader, std::string_view& text) {
    if (reader.expecting == nothing) return reader.final_token;
    for (;;) {
        while (reader.at < reader.end && is_json_whitespace(*reader.at)) ++reader.at;
        if (reader.at == reader.end) {
            return finish(reader,
                          reader.expecting == the_end ? JsonToken::end : JsonToken::invalid);
        }
        char c = *reader.at;
        switch (reader.expecting) {
            case a_value:
                return read_value(reader, text);
            case a_value_or_array_end:
                if (c == ']') return close_container(reader);
                return read_value(reader, text);
            case a_key_or_object_end:
                if (c == '}') return close_container(reader);
                return read_key(reader, text);
            case a_key:
                return read_key(reader, text);
            case a_separator: {
                bool object = reader.in_object[reader.depth - 1];
                if (c == (object ? '}' : ']')) return close_container(reader);
                if (c != ',') return finish(reader, JsonToken::invalid);
                ++reader.at;
                reader.expecting = object ? a_key : a_value;
                continue;
            }
            default:  // the_end, with text left over
                return finish(reader, JsonToken::invalid);
        }
    }
}

}  // namespace callout::core
