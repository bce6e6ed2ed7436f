// The body parsed into jsonb in one pass, and the payload as stored (json_body.hpp).
#include <cstring>

#include "core/json_text.hpp"
#include "pg/boundary.hpp"
#include "pg/json_body.hpp"
#include "pg/pg_compat.hpp"

extern "C" {
#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/numeric.h"
}

namespace core = callout::core;

namespace callout::pg {

namespace {

// One open container while a payload is built or copied: the name it sits under (for an element
// of an array, the array's name) and whether it is an array. The names point into the payload.
struct OpenContainer {
    const char* name;
    int name_length;
    bool is_array;
};
CALLOUT_PLAIN_DATA(OpenContainer);

// The open containers, innermost last, in palloc'd memory that grows with the depth.
struct ContainerStack {
    OpenContainer* items;
    int depth;
    int capacity;

    // Grows by doubling: nesting is as deep as the payload's, which jsonb allows to be deep.
    void push(OpenContainer item) {
        if (depth == capacity) {
            capacity *= 2;
            items = static_cast<OpenContainer*>(repalloc(items, sizeof(OpenContainer) * capacity));
        }
        items[depth++] = item;
    }
    // The name of the n-th enclosing object from the innermost (0: the innermost), arrays
    // skipped: an object that is an array's element already carries the array's name.
    std::string_view object_name(int n) const {
        for (int i = depth - 1; i >= 0; --i) {
            if (items[i].is_array) continue;
            if (n-- == 0) return {items[i].name, std::size_t(items[i].name_length)};
        }
        return {};
    }
};
CALLOUT_PLAIN_DATA(ContainerStack);

// Dropping credential values (core::is_secret_field) while a payload is built or copied: the
// open containers' names, and where a dropped value is.
struct SecretFilter {
    ContainerStack open;
    OpenContainer last_key;  // the key of the value that comes next
    int skipping_depth;      // > 0 while inside a dropped container value
    bool skip_next_value;    // after a secret key

    // Whether a token of the payload is dropped: inside or the whole of a dropped value, or a
    // secret key. Keeps the open containers' names for the tokens kept.
    bool drops(JsonbIteratorToken token, std::string_view key = {}) {
        bool opens = token == WJB_BEGIN_ARRAY || token == WJB_BEGIN_OBJECT;
        bool closes = token == WJB_END_ARRAY || token == WJB_END_OBJECT;
        if (skipping_depth > 0) {
            skipping_depth += opens ? 1 : closes ? -1 : 0;
            return true;
        }
        if (skip_next_value) {
            skip_next_value = false;
            if (opens) skipping_depth = 1;
            return true;
        }
        if (opens) {
            // an array's element sits under the array's name; an object's value under its key
            bool in_array = open.depth > 0 && open.items[open.depth - 1].is_array;
            OpenContainer container = in_array ? open.items[open.depth - 1] : last_key;
            if (open.depth == 0) container = {"", 0, false};
            container.is_array = token == WJB_BEGIN_ARRAY;
            open.push(container);
        } else if (closes) {
            --open.depth;
        } else if (token == WJB_KEY) {
            last_key = {key.data(), int(key.size()), false};
            if (core::is_secret_field(key, open.object_name(0), open.object_name(1))) {
                skip_next_value = true;
                return true;
            }
        }
        return false;
    }
};
CALLOUT_PLAIN_DATA(SecretFilter);

SecretFilter secret_filter() {
    return {{static_cast<OpenContainer*>(palloc(sizeof(OpenContainer) * 16)), 0, 16},
            {"", 0, false},
            0,
            false};
}

// The jsonb being built while PostgreSQL's JSON parser walks the body once (the semantic
// actions jsonb_in uses, so the value is the one jsonb_in would build), without credential
// values when filter is set.
struct JsonbBuilder {
    JsonbParseState* state;
    JsonbValue* result;
    SecretFilter* filter;  // nullptr: every value kept
};
CALLOUT_PLAIN_DATA(JsonbBuilder);

void push_token(void* builder, JsonbIteratorToken token, JsonbValue* value = nullptr) {
    auto* b = static_cast<JsonbBuilder*>(builder);
    std::string_view key;
    if (token == WJB_KEY) key = {value->val.string.val, std::size_t(value->val.string.len)};
    if (b->filter != nullptr && b->filter->drops(token, key)) return;
    b->result = pushJsonbValue(&b->state, token, value);
}

// A JSON string as a jsonb string; an ERROR (54000) beyond what jsonb can hold, as jsonb_in.
JsonbValue jsonb_string(char* text) {
    std::size_t length = strlen(text);
    if (length > JENTRY_OFFLENMASK)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("string too long to represent as jsonb string"),
                        errdetail("Due to an implementation restriction, jsonb strings cannot "
                                  "exceed %d bytes.",
                                  JENTRY_OFFLENMASK)));
    JsonbValue value;
    value.type = jbvString;
    value.val.string.len = int(length);
    value.val.string.val = text;
    return value;
}

void object_start(void* builder) {
    push_token(builder, WJB_BEGIN_OBJECT);
}
void object_end(void* builder) {
    push_token(builder, WJB_END_OBJECT);
}
void array_start(void* builder) {
    push_token(builder, WJB_BEGIN_ARRAY);
}
void array_end(void* builder) {
    push_token(builder, WJB_END_ARRAY);
}
void object_field_start(void* builder, char* name, bool) {
    JsonbValue key = jsonb_string(name);
    push_token(builder, WJB_KEY, &key);
}

// A scalar: an array element, an object's value, or the whole document (a raw scalar, which
// jsonb keeps as a one-element array).
void scalar(void* builder, char* token, JsonTokenType type) {
    JsonbValue value;
    switch (type) {
        case JSON_TOKEN_STRING:
            value = jsonb_string(token);
            break;
        case JSON_TOKEN_NUMBER:
            value.type = jbvNumeric;
            value.val.numeric = DatumGetNumeric(
                DirectFunctionCall3(numeric_in, CStringGetDatum(token),
                                    ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
            break;
        case JSON_TOKEN_TRUE:
        case JSON_TOKEN_FALSE:
            value.type = jbvBool;
            value.val.boolean = type == JSON_TOKEN_TRUE;
            break;
        default:
            value.type = jbvNull;
            break;
    }
    auto* b = static_cast<JsonbBuilder*>(builder);
    if (b->state == nullptr) {
        JsonbValue raw_scalar;
        raw_scalar.type = jbvArray;
        raw_scalar.val.array.rawScalar = true;
        raw_scalar.val.array.nElems = 1;
        push_token(builder, WJB_BEGIN_ARRAY, &raw_scalar);
        push_token(builder, WJB_ELEM, &value);
        push_token(builder, WJB_END_ARRAY);
    } else {
        push_token(builder, b->state->contVal.type == jbvArray ? WJB_ELEM : WJB_VALUE, &value);
    }
}

}  // namespace

Jsonb* parse_json_body(text* body_text, Credentials credentials) {
    char* body = text_to_cstring(body_text);
    std::size_t length = strlen(body);
    // same length, same validity: `\u0000` becomes `\uFFFD` before the parser sees it
    core::replace_nul_escapes(body, length);
    SecretFilter filter = {};
    JsonbBuilder builder = {nullptr, nullptr, nullptr};
    if (credentials == Credentials::dropped) {
        filter = secret_filter();
        builder.filter = &filter;
    }
    JsonSemAction actions = {&builder,
                             compat::JsonAction<object_start>::call,
                             compat::JsonAction<object_end>::call,
                             compat::JsonAction<array_start>::call,
                             compat::JsonAction<array_end>::call,
                             compat::JsonAction<object_field_start>::call,
                             nullptr,
                             nullptr,
                             nullptr,
                             compat::JsonAction<scalar>::call};
    JsonLexContext* lexer = compat::json_lexer(body, length, GetDatabaseEncoding(), true);
    if (pg_parse_json(lexer, &actions) != JSON_SUCCESS) return nullptr;
    return JsonbValueToJsonb(builder.result);
}

Jsonb* redact_payload(Jsonb* payload) {
    JsonbIterator* iterator = JsonbIteratorInit(&payload->root);
    JsonbParseState* state = nullptr;
    JsonbValue* result = nullptr;
    JsonbValue value;
    JsonbIteratorToken token;
    SecretFilter filter = secret_filter();
    while ((token = JsonbIteratorNext(&iterator, &value, false)) != WJB_DONE) {
        std::string_view key;
        if (token == WJB_KEY) key = {value.val.string.val, std::size_t(value.val.string.len)};
        if (filter.drops(token, key)) continue;
        bool scalar_token = token == WJB_KEY || token == WJB_VALUE || token == WJB_ELEM;
        bool raw_scalar = token == WJB_BEGIN_ARRAY && value.val.array.rawScalar;
        result = pushJsonbValue(&state, token, scalar_token || raw_scalar ? &value : nullptr);
    }
    return JsonbValueToJsonb(result);
}

}  // namespace callout::pg
