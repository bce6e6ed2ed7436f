// PostgreSQL's JSON parser behind postgres_json.hpp. Works with the jsonapi.h of PostgreSQL 15
// (callbacks return nothing, the parser allocates its lexer) and of 16 and later (callbacks
// return an error code; from 17 the lexer is made and freed by makeJsonLexContextCstringLen and
// freeJsonLexContext).
#include "postgres_json.hpp"

#include <climits>

#include <sanitizer/lsan_interface.h>

extern "C" {
#include "postgres_fe.h"

#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
}

namespace callout::fuzz {

namespace {

#if PG_VERSION_NUM >= 160000
using ActionResult = JsonParseErrorType;
#define ACTION_DONE return JSON_SUCCESS
#else
using ActionResult = void;
#define ACTION_DONE return
#endif

std::vector<JsonTokenText>& tokens_of(void* state) {
    return *static_cast<std::vector<JsonTokenText>*>(state);
}

ActionResult object_start(void* state) {
    tokens_of(state).push_back({'{', {}});
    ACTION_DONE;
}

ActionResult object_end(void* state) {
    tokens_of(state).push_back({'}', {}});
    ACTION_DONE;
}

ActionResult array_start(void* state) {
    tokens_of(state).push_back({'[', {}});
    ACTION_DONE;
}

ActionResult array_end(void* state) {
    tokens_of(state).push_back({']', {}});
    ACTION_DONE;
}

// fname and token are the parser's palloc'd copies, handed to the action to keep or free.
ActionResult object_field_start(void* state, char* fname, bool) {
    tokens_of(state).push_back({'k', fname});
    pfree(fname);
    ACTION_DONE;
}

ActionResult scalar(void* state, char* token, JsonTokenType type) {
    char kind = '?';
    switch (type) {
        case JSON_TOKEN_STRING:
            kind = 's';
            break;
        case JSON_TOKEN_NUMBER:
            kind = 'n';
            break;
        case JSON_TOKEN_TRUE:
            kind = 't';
            break;
        case JSON_TOKEN_FALSE:
            kind = 'f';
            break;
        case JSON_TOKEN_NULL:
            kind = 'z';
            break;
        default:
            break;
    }
    tokens_of(state).push_back({kind, token});
    pfree(token);
    ACTION_DONE;
}

// One parse of text, with the actions that record tokens when tokens is given.
bool parse(std::string_view text, std::vector<JsonTokenText>* tokens) {
    std::string copy(text);  // the lexer takes a char * (15, 16)
    JsonSemAction actions{};
    if (tokens != nullptr) {
        actions.semstate = tokens;
        actions.object_start = object_start;
        actions.object_end = object_end;
        actions.array_start = array_start;
        actions.array_end = array_end;
        actions.object_field_start = object_field_start;
        actions.scalar = scalar;
    }
#if PG_VERSION_NUM >= 170000
    JsonLexContext* lex =
        makeJsonLexContextCstringLen(nullptr, copy.data(), copy.size(), PG_UTF8, true);
    const JsonParseErrorType result = pg_parse_json(lex, &actions);
    freeJsonLexContext(lex);
#else
    JsonLexContext* lex =
        makeJsonLexContextCstringLen(copy.data(), int(copy.size()), PG_UTF8, true);
    const JsonParseErrorType result = pg_parse_json(lex, &actions);
    pfree(lex->strval->data);
    pfree(lex->strval);
    pfree(lex);
#endif
    return result == JSON_SUCCESS;
}

}  // namespace

bool postgres_parses_json(std::string_view text, std::vector<JsonTokenText>* tokens) {
    if (text.size() > INT_MAX / 2) return false;
    // The verdict first, without actions: the parser hands a key or scalar to its action only
    // after reading the token behind it, so on an error it drops the copy it made (a leak that
    // the backend's memory contexts absorb, LeakSanitizer would not). A second parse with the
    // actions, of text known to be accepted, then reports the tokens.
    if (!parse(text, nullptr)) return false;
    if (tokens != nullptr) {
        tokens->clear();
        if (!parse(text, tokens)) return false;
    }
    return true;
}

std::vector<JsonTokenText> postgres_actions(std::string_view text) {
    std::vector<JsonTokenText> tokens;
    if (text.size() > INT_MAX / 2) return tokens;
    // a refused text's parse drops the copy of the key or scalar it read last (above): the
    // parser's, not the target's, so not LeakSanitizer's concern
    __lsan::ScopedDisabler parser_leaks_on_refusal;
    parse(text, &tokens);
    return tokens;
}

std::size_t postgres_valid_utf8_prefix(std::string_view text) {
    if (text.size() > INT_MAX) return 0;
    return std::size_t(pg_encoding_verifymbstr(PG_UTF8, text.data(), int(text.size())));
}

}  // namespace callout::fuzz
