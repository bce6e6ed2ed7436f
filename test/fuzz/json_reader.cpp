// Fuzzes core::next_json_token against PostgreSQL's own JSON parser (pg_parse_json from
// libpgcommon, postgres_json.hpp), on text a UTF-8 database could hold: bytes its UTF-8 verifier
// refuses become '?', text with a NUL byte is skipped. PostgreSQL reads the text after
// replace_nul_escapes (it refuses `\u0000`, which the reader reads as U+FFFD). When the reader
// reaches the end, PostgreSQL accepts the text and reports the same tokens with the same text
// (keys and strings decoded, numbers as written); when the reader says invalid, PostgreSQL
// refuses the text too, and handed its actions at least the tokens the build applies before the
// reader refused (as many as PostgreSQL's parser hands jsonb_in, in order); too_deep comes only at
// the opening bracket of nesting level json_reader_max_depth + 1, after the tokens PostgreSQL
// reports first. The text of a key, string or number is a view into the input or the reader's
// buffer and still reads the same once the whole text is read.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_reader.hpp"
#include "core/json_text.hpp"
#include "fuzz_support.hpp"
#include "postgres_json.hpp"

namespace core = callout::core;
using callout::fuzz::as_text;
using callout::fuzz::is_view_into;
using callout::fuzz::JsonTokenText;
using callout::fuzz::postgres_parses_json;
using callout::fuzz::postgres_valid_utf8_prefix;

namespace {

// text with each byte that starts no valid UTF-8 sequence (by PostgreSQL's verifier) as '?'.
std::string as_valid_utf8(std::string_view text) {
    std::string out(text);
    std::size_t at = 0;
    while (at < out.size()) {
        at += postgres_valid_utf8_prefix(std::string_view(out).substr(at));
        if (at < out.size()) out[at++] = '?';
    }
    return out;
}

// A token stream written one token a line, for the message of a failed property.
void print_tokens(const char* title, const std::vector<JsonTokenText>& tokens) {
    std::fprintf(stderr, "%s (%zu tokens):\n", title, tokens.size());
    for (const JsonTokenText& token : tokens) {
        std::fprintf(stderr, "  %c %s\n", token.kind, callout::fuzz::to_hex(token.text).c_str());
    }
}

// What the reader made of text: its tokens, the views their text came in, the final token.
struct Reading {
    std::vector<JsonTokenText> tokens;
    std::vector<std::string_view> views;
    core::JsonToken final_token = core::JsonToken::invalid;
    int final_depth = 0;  // nesting when the final token came
};

Reading read(const std::string& text, char* scratch) {
    Reading reading;
    core::JsonReader reader = core::json_reader(text, scratch);
    const std::string_view scratch_view(scratch, text.size());
    int depth = 0;
    for (;;) {
        std::string_view value;
        const core::JsonToken token = core::next_json_token(reader, value);
        char kind = 0;
        switch (token) {
            case core::JsonToken::begin_object:
                kind = '{';
                ++depth;
                break;
            case core::JsonToken::end_object:
                kind = '}';
                --depth;
                break;
            case core::JsonToken::begin_array:
                kind = '[';
                ++depth;
                break;
            case core::JsonToken::end_array:
                kind = ']';
                --depth;
                break;
            case core::JsonToken::key:
                kind = 'k';
                break;
            case core::JsonToken::string:
                kind = 's';
                break;
            case core::JsonToken::number:
                kind = 'n';
                break;
            case core::JsonToken::true_value:
                kind = 't';
                break;
            case core::JsonToken::false_value:
                kind = 'f';
                break;
            case core::JsonToken::null_value:
                kind = 'z';
                break;
            case core::JsonToken::end:
            case core::JsonToken::invalid:
            case core::JsonToken::too_deep: {
                reading.final_token = token;
                reading.final_depth = depth;
                // the final token again, and again
                std::string_view ignored;
                FUZZ_CHECK(core::next_json_token(reader, ignored) == token);
                FUZZ_CHECK(core::next_json_token(reader, ignored) == token);
                return reading;
            }
        }
        FUZZ_CHECK(depth >= 0 && depth <= core::json_reader_max_depth);
        std::string_view text_view;
        if (kind == 'k' || kind == 's' || kind == 'n') {
            // a number as written; a key or string in place or decoded into the buffer
            FUZZ_CHECK(is_view_into(value, text) ||
                       (kind != 'n' && is_view_into(value, scratch_view)));
            text_view = value;
        } else if (kind == 't') {
            text_view = "true";
        } else if (kind == 'f') {
            text_view = "false";
        } else if (kind == 'z') {
            text_view = "null";
        }
        reading.tokens.push_back({kind, std::string(text_view)});
        reading.views.push_back(text_view);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (std::memchr(data, 0, size) != nullptr) return 0;  // text cannot hold NUL
    const std::string text = as_valid_utf8(as_text(data, size));

    // the reader's buffer exactly as long as the text, so that AddressSanitizer sees any write
    // past it
    const std::unique_ptr<char[]> scratch(new char[text.size()]);
    const Reading reading = read(text, scratch.get());
    for (std::size_t i = 0; i < reading.tokens.size(); ++i) {
        FUZZ_CHECK(reading.views[i] == reading.tokens[i].text);
    }

    std::string for_postgres = text;
    core::replace_nul_escapes(for_postgres.data(), for_postgres.size());
    std::vector<JsonTokenText> postgres;
    const bool accepted = postgres_parses_json(for_postgres, &postgres);

    switch (reading.final_token) {
        case core::JsonToken::end:
            if (!accepted || postgres != reading.tokens) {
                std::fprintf(stderr, "PostgreSQL %s the text\n", accepted ? "accepts" : "refuses");
                print_tokens("reader", reading.tokens);
                if (accepted) print_tokens("PostgreSQL", postgres);
            }
            FUZZ_CHECK(accepted);
            FUZZ_CHECK(postgres == reading.tokens);
            FUZZ_CHECK(reading.final_depth == 0);
            break;
        case core::JsonToken::invalid: {
            if (accepted) {
                print_tokens("reader, before invalid", reading.tokens);
                print_tokens("PostgreSQL", postgres);
            }
            FUZZ_CHECK(!accepted);
            // what the build applies before the reader refuses (every token but the last, which
            // waits for the one after it unless it opens a container) PostgreSQL hands its
            // actions too, in the same order: nothing is built, nor an ERROR raised building it,
            // that jsonb_in never reaches
            std::vector<JsonTokenText> applied = reading.tokens;
            if (!applied.empty() && applied.back().kind != '{' && applied.back().kind != '[')
                applied.pop_back();
            const std::vector<JsonTokenText> handed = callout::fuzz::postgres_actions(for_postgres);
            const bool prefix = handed.size() >= applied.size() &&
                                std::equal(applied.begin(), applied.end(), handed.begin());
            if (!prefix) {
                print_tokens("applied before invalid", applied);
                print_tokens("PostgreSQL's actions before it refuses", handed);
            }
            FUZZ_CHECK(prefix);
            break;
        }
        case core::JsonToken::too_deep:
            FUZZ_CHECK(reading.final_depth == core::json_reader_max_depth);
            if (accepted) {
                // what the reader read is what PostgreSQL reports first, and then a container
                // opens, one level deeper than the reader follows
                FUZZ_CHECK(postgres.size() > reading.tokens.size());
                FUZZ_CHECK(
                    std::equal(reading.tokens.begin(), reading.tokens.end(), postgres.begin()));
                const char next = postgres[reading.tokens.size()].kind;
                FUZZ_CHECK(next == '{' || next == '[');
            }
            break;
        default:
            FUZZ_CHECK(false);
    }
    return 0;
}
