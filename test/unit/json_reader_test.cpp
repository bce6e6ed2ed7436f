// json_reader: the tokens of JSON text, and the text it refuses as PostgreSQL's parser does.
// test/fuzz/json_reader.cpp compares it with PostgreSQL's own parser on generated text.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json_reader.hpp"

namespace callout::core {
namespace {

// The tokens of json, each written as a short word (with its text), up to and with the final one.
std::vector<std::string> tokens_of(const std::string& json) {
    std::string scratch(json.size(), '\0');
    JsonReader reader = json_reader(json, scratch.data());
    std::vector<std::string> out;
    for (;;) {
        std::string_view text;
        JsonToken token = next_json_token(reader, text);
        switch (token) {
            case JsonToken::begin_object:
                out.push_back("{");
                break;
            case JsonToken::end_object:
                out.push_back("}");
                break;
            case JsonToken::begin_array:
                out.push_back("[");
                break;
            case JsonToken::end_array:
                out.push_back("]");
                break;
            case JsonToken::key:
                out.push_back("key:" + std::string(text));
                break;
            case JsonToken::string:
                out.push_back("str:" + std::string(text));
                break;
            case JsonToken::number:
                out.push_back("num:" + std::string(text));
                break;
            case JsonToken::true_value:
                out.push_back("true");
                break;
            case JsonToken::false_value:
                out.push_back("false");
                break;
            case JsonToken::null_value:
                out.push_back("null");
                break;
            case JsonToken::end:
                out.push_back("END");
                return out;
            case JsonToken::invalid:
                out.push_back("INVALID");
                return out;
            case JsonToken::too_deep:
                out.push_back("TOO_DEEP");
                return out;
        }
    }
}

// The final token of json.
std::string verdict(const std::string& json) {
    return tokens_of(json).back();
}

using Tokens = std::vector<std::string>;

TEST(JsonReader, ReadsAnObjectInOrder) {
    EXPECT_EQ(
        tokens_of(R"( {"event": "room_started", "n": [1, -2.5e+3, true, false, null],
                            "room": {}, "e": []} )"),
        (Tokens{"{", "key:event", "str:room_started", "key:n", "[", "num:1", "num:-2.5e+3", "true",
                "false", "null", "]", "key:room", "{", "}", "key:e", "[", "]", "}", "END"}));
}

TEST(JsonReader, ReadsScalarDocuments) {
    EXPECT_EQ(tokens_of("\t\"x\"\r\n"), (Tokens{"str:x", "END"}));
    EXPECT_EQ(tokens_of("0"), (Tokens{"num:0", "END"}));
    EXPECT_EQ(tokens_of("null"), (Tokens{"null", "END"}));
}

TEST(JsonReader, DecodesEscapes) {
    EXPECT_EQ(tokens_of(R"(["a\"b\\c\/d\be\ff\ng\rh\ti"])")[1], "str:a\"b\\c/d\be\ff\ng\rh\ti");
    EXPECT_EQ(tokens_of(R"(["\u0041\u00e9\u20AC\ud83d\ude00"])")[1],
              "str:A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
    // U+0000 as U+FFFD, as replace_nul_escapes rewrites it before PostgreSQL's parser
    EXPECT_EQ(tokens_of(R"({"\u0000k":"\u0000"})"),
              (Tokens{"{", "key:\xEF\xBF\xBDk", "str:\xEF\xBF\xBD", "}", "END"}));
    // bytes above ASCII pass as they are (the database has checked its encoding)
    EXPECT_EQ(tokens_of("[\"caf\xC3\xA9\x7F\"]")[1], "str:caf\xC3\xA9\x7F");
}

TEST(JsonReader, KeepsEachDecodedStringWhereItWasWritten) {
    // two escaped strings: the first still reads right once the second is decoded
    std::string json = R"(["\u0041\u0042", "\u0043"])";
    std::string scratch(json.size(), '\0');
    JsonReader reader = json_reader(json, scratch.data());
    std::string_view first, second, ignored;
    next_json_token(reader, ignored);
    next_json_token(reader, first);
    next_json_token(reader, second);
    EXPECT_EQ(first, "AB");
    EXPECT_EQ(second, "C");
}

TEST(JsonReader, RefusesWhatPostgreSQLRefuses) {
    for (const char* text : {"",
                             " ",
                             "{",
                             "}",
                             "[",
                             "]",
                             "[1,]",
                             "[,1]",
                             "{,}",
                             "{\"a\"}",
                             "{\"a\":}",
                             "{\"a\" 1}",
                             "{\"a\":1,}",
                             "{1:1}",
                             "{'a':1}",
                             "[1 2]",
                             "[1]]",
                             "[1]x",
                             "1 2",
                             "\"a",
                             "\"\\\"",
                             "\"\\x\"",
                             "\"\\u12\"",
                             "\"\\u12g4\"",
                             "\"a\tb\"",
                             "\"a\nb\"",
                             "\"\x01\"",
                             "\"\\ud800\"",
                             "\"\\ud800x\"",
                             "\"\\ud800\\n\"",
                             "\"\\ud800\\u0041\"",
                             "\"\\ud800\\ud800\"",
                             "\"\\udc00\"",
                             "\"\\ud800\\u0000\"",
                             "-",
                             "--1",
                             "+1",
                             "01",
                             "-01",
                             "1.",
                             ".5",
                             "1.e5",
                             "1e",
                             "1e+",
                             "0x10",
                             "1x",
                             "NaN",
                             "Infinity",
                             "tru",
                             "truex",
                             "True",
                             "nul",
                             "nulll",
                             "[true1]",
                             "\xEF\xBB\xBF{}",
                             "{}\v",
                             "\f1",
                             "{\"a\":1}\"",
                             "[\"a\"\"b\"]"}) {
        EXPECT_EQ(verdict(text), "INVALID") << text;
    }
}

TEST(JsonReader, FindsWhereEachStringEndsAtAnyOffset) {
    // strings are scanned eight bytes at a time: each kind of byte that ends a run, at every
    // offset of a word, and bytes that do not (0x7F, 0x80, 0xFF, 0x21, 0x5B, 0x5D)
    for (std::size_t at = 0; at < 24; ++at) {
        std::string plain(30, 'a');
        for (char kept : {'\x7F', '\x80', '\xFF', '!', '[', ']', '#'}) {
            std::string text = plain;
            text[at] = kept;
            EXPECT_EQ(tokens_of("[\"" + text + "\"]")[1], "str:" + text) << at;
        }
        std::string quoted = plain;
        quoted.insert(at, "\\\"");
        EXPECT_EQ(tokens_of("[\"" + quoted + "\"]")[1],
                  "str:" + plain.substr(0, at) + "\"" + plain.substr(at))
            << at;
        std::string ended = plain;
        ended.insert(at, "\",\"");
        EXPECT_EQ(tokens_of("[\"" + ended + "\"]").size(), 5u) << at;
        for (char control : {'\x01', '\x1F', '\t'}) {
            std::string text = plain;
            text[at] = control;
            EXPECT_EQ(verdict("[\"" + text + "\"]"), "INVALID") << at;
        }
    }
}

TEST(JsonReader, ReturnsANumberOnlyBeforeASeparatorOrTheEnd) {
    EXPECT_EQ(tokens_of("[1 , 2 ]"), (Tokens{"[", "num:1", "num:2", "]", "END"}));
    EXPECT_EQ(tokens_of("{\"a\":1}"), (Tokens{"{", "key:a", "num:1", "}", "END"}));
    EXPECT_EQ(tokens_of("[1"), (Tokens{"[", "num:1", "INVALID"}));
    EXPECT_EQ(tokens_of("[1}"), (Tokens{"[", "num:1", "INVALID"}));
    EXPECT_EQ(tokens_of("[1 \"a\"]"), (Tokens{"[", "INVALID"}));
    EXPECT_EQ(tokens_of("[1:2]"), (Tokens{"[", "INVALID"}));
}

TEST(JsonReader, ReadsALiteralAsAWordAsPostgreSQLsLexerDoes) {
    // PostgreSQL's lexer reads letters, digits, '_' and bytes above ASCII after a literal as one
    // word, which is no token: the literal is never returned, so a member's name before it is
    // never built either (jsonb_in never gets it)
    for (const char* word :
         {"truex", "true1", "true_", "trueE", "null0", "falsee", "true\xC3\xA9"}) {
        EXPECT_EQ(tokens_of("[" + std::string(word) + "]"), (Tokens{"[", "INVALID"})) << word;
        EXPECT_EQ(tokens_of("{\"a\":" + std::string(word) + "}"), (Tokens{"{", "key:a", "INVALID"}))
            << word;
    }
    // any other character ends the word: the literal is a token, what follows it decides
    EXPECT_EQ(tokens_of("[true-1]"), (Tokens{"[", "true", "INVALID"}));
    EXPECT_EQ(tokens_of("[null\"x\"]"), (Tokens{"[", "null", "INVALID"}));
    EXPECT_EQ(tokens_of("[false\f]"), (Tokens{"[", "false", "INVALID"}));
    EXPECT_EQ(tokens_of("{\"a\":true}"), (Tokens{"{", "key:a", "true", "}", "END"}));
}

TEST(JsonReader, AcceptsNumbersByTheGrammar) {
    for (const char* text :
         {"0", "-0", "10", "0.5", "-0.0e0", "1E9", "1e-9", "1e+009", "123.456e78", "1e999999"}) {
        EXPECT_EQ(tokens_of(text), (Tokens{"num:" + std::string(text), "END"})) << text;
    }
}

TEST(JsonReader, LeavesDeepNestingUndecided) {
    std::string deep(json_reader_max_depth, '[');
    deep += std::string(json_reader_max_depth, ']');
    EXPECT_EQ(verdict(deep), "END");
    EXPECT_EQ(verdict("[" + deep + "]"), "TOO_DEEP");
    EXPECT_EQ(verdict("{\"a\":" + deep + "}"), "TOO_DEEP");
}

TEST(JsonReader, ReturnsItsFinalTokenAgain) {
    for (auto [text, final] :
         {std::pair{"[1]", JsonToken::end}, std::pair{"[1,", JsonToken::invalid}}) {
        std::string json = text;
        JsonReader reader = json_reader(json, json.data());
        std::string_view ignored;
        JsonToken token;
        do token = next_json_token(reader, ignored);
        while (token != JsonToken::end && token != JsonToken::invalid);
        EXPECT_EQ(token, final);
        EXPECT_EQ(next_json_token(reader, ignored), final);
    }
}

}  // namespace
}  // namespace callout::core
