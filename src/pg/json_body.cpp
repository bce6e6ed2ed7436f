// The body parsed into jsonb in one pass, and the payload as stored (json_body.hpp).
#include <algorithm>
#include <cstring>

#include "core/json_reader.hpp"
#include "core/json_text.hpp"
#include "pg/boundary.hpp"
#include "pg/json_body.hpp"
#include "pg/pg_compat.hpp"

extern "C" {
#include "common/jsonapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
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
    int object_at;  // in a ContainerStack: where the innermost object at or below it is, or -1
};
CALLOUT_PLAIN_DATA(OpenContainer);

// The open containers, innermost last, in palloc'd memory that grows with the depth.
struct ContainerStack {
    OpenContainer* items;
    int depth;
    int capacity;

    // Grows by doubling: nesting is as deep as the payload's, which jsonb allows to be deep.
    void push(OpenContainer item) {
        items = with_room_for_one_more(items, depth, capacity);
        item.object_at = !item.is_array ? depth : depth > 0 ? items[depth - 1].object_at : -1;
        items[depth++] = item;
    }
    // The name of the n-th enclosing object from the innermost (0: the innermost), arrays
    // skipped: an object that is an array's element already carries the array's name. Each
    // container knows its innermost object, so arrays around an object cost nothing per key.
    std::string_view object_name(int n) const {
        int at = depth > 0 ? items[depth - 1].object_at : -1;
        for (; at >= 0 && n > 0; --n) at = at > 0 ? items[at - 1].object_at : -1;
        if (at < 0) return {};
        return {items[at].name, std::size_t(items[at].name_length)};
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
            if (open.depth == 0) container = {"", 0, false, -1};
            container.is_array = token == WJB_BEGIN_ARRAY;
            open.push(container);
        } else if (closes) {
            --open.depth;
        } else if (token == WJB_KEY) {
            last_key = {key.data(), int(key.size()), false, -1};
            if (core::is_secret_field(key, open.object_name(0), open.object_name(1))) {
                skip_next_value = true;
                return true;
            }
        }
        return false;
    }
};
CALLOUT_PLAIN_DATA(SecretFilter);

// A filter with no container open and nothing dropped yet.
SecretFilter secret_filter() {
    return {{static_cast<OpenContainer*>(palloc(sizeof(OpenContainer) * 16)), 0, 16},
            {"", 0, false, -1},
            0,
            false};
}

// One open container while a body is built, kept as pushJsonbValue keeps it: its elements or
// members so far in an array of its own, which starts at 4 and doubles when full. So a container
// too large for palloc (past 2^24 elements or 2^23 members, the doubling asks for more than
// 1 GB) fails where jsonb_in's does, with the same request, and one container's values never
// count against another's (JSONB_MAX_ELEMS and JSONB_MAX_PAIRS lie beyond those sizes).
struct OpenBuild {
    JsonbValue container;  // jbvArray or jbvObject; an object's next pair may have its key only
    int size;              // how many elements or pairs the array holds
};
CALLOUT_PLAIN_DATA(OpenBuild);

// The body's value built bottom-up, as pushJsonbValue would build it for jsonb_in: each open
// container holds its own values, and is finished, its members in jsonb's order, when it closes.
// Credential values are left out when filter is set. Fed by core::JsonReader or by PostgreSQL's
// parser, token by token.
struct TreeBuilder {
    OpenBuild* open;
    int depth;
    int open_capacity;
    JsonbValue result;     // the document's value, once its last token has come
    SecretFilter* filter;  // nullptr: every value kept
};
CALLOUT_PLAIN_DATA(TreeBuilder);

// A builder with nothing built yet (its open containers in palloc'd memory that doubles).
TreeBuilder tree_builder(SecretFilter* filter) {
    TreeBuilder builder = {};
    builder.open_capacity = 16;
    builder.open = static_cast<OpenBuild*>(palloc(sizeof(OpenBuild) * 16));
    builder.filter = filter;
    return builder;
}

// A value joins its container (an array's next element, or the value of the object's pair whose
// key came last: pushJsonbValue's appendElement and appendValue), or is the document's value.
void add_value(TreeBuilder& builder, const JsonbValue& value) {
    if (builder.depth == 0) {
        builder.result = value;
        return;
    }
    OpenBuild& open = builder.open[builder.depth - 1];
    if (open.container.type == jbvObject) {
        open.container.val.object.pairs[open.container.val.object.nPairs++].value = value;
        return;
    }
    auto& array = open.container.val.array;
    array.elems = with_room_for_one_more(array.elems, array.nElems, open.size);
    array.elems[array.nElems++] = value;
}

// A key starts the innermost object's next pair (pushJsonbValue's appendKey).
void start_pair(TreeBuilder& builder, const JsonbValue& key) {
    OpenBuild& open = builder.open[builder.depth - 1];
    auto& object = open.container.val.object;
    object.pairs = with_room_for_one_more(object.pairs, object.nPairs, open.size);
    object.pairs[object.nPairs].key = key;
    object.pairs[object.nPairs].order = uint32(object.nPairs);
}

// jsonb's order of keys: shorter first, then by bytes; of equal keys the one written last first,
// so that it is the one kept (uniqueifyJsonbObject's rule).
bool precedes(const JsonbPair& a, const JsonbPair& b) {
    int a_length = a.key.val.string.len;
    int b_length = b.key.val.string.len;
    if (a_length != b_length) return a_length < b_length;
    int bytes = std::memcmp(a.key.val.string.val, b.key.val.string.val, std::size_t(a_length));
    if (bytes != 0) return bytes < 0;
    return a.order > b.order;
}

// Whether two pairs have one key (sorted, equal keys are next to each other).
bool same_key(const JsonbPair& a, const JsonbPair& b) {
    return a.key.val.string.len == b.key.val.string.len &&
           std::memcmp(a.key.val.string.val, b.key.val.string.val,
                       std::size_t(a.key.val.string.len)) == 0;
}

// The innermost container finished (an object's pairs in jsonb's order, equal keys once) and
// handed to its own container.
void close_container(TreeBuilder& builder) {
    JsonbValue made = builder.open[--builder.depth].container;
    if (made.type == jbvObject) {
        JsonbPair* pairs = made.val.object.pairs;
        int pairs_count = made.val.object.nPairs;
        std::sort(pairs, pairs + pairs_count, precedes);
        int kept = 0;
        for (int i = 0; i < pairs_count; ++i) {
            if (kept == 0 || !same_key(pairs[kept - 1], pairs[i])) pairs[kept++] = pairs[i];
        }
        made.val.object.nPairs = kept;
    }
    add_value(builder, made);
}

// A container opens, unless it is a credential's value.
void begin_container(TreeBuilder& builder, bool is_object) {
    if (builder.filter != nullptr &&
        builder.filter->drops(is_object ? WJB_BEGIN_OBJECT : WJB_BEGIN_ARRAY))
        return;
    builder.open = with_room_for_one_more(builder.open, builder.depth, builder.open_capacity);
    OpenBuild& open = builder.open[builder.depth++];
    open.size = 4;
    if (is_object) {
        open.container.type = jbvObject;
        open.container.val.object.nPairs = 0;
        open.container.val.object.pairs = static_cast<JsonbPair*>(palloc(sizeof(JsonbPair) * 4));
    } else {
        open.container.type = jbvArray;
        open.container.val.array.nElems = 0;
        open.container.val.array.elems = static_cast<JsonbValue*>(palloc(sizeof(JsonbValue) * 4));
        open.container.val.array.rawScalar = false;
    }
}

// A container closes, unless it is (inside) a credential's value.
void end_container(TreeBuilder& builder, bool is_object) {
    if (builder.filter != nullptr &&
        builder.filter->drops(is_object ? WJB_END_OBJECT : WJB_END_ARRAY))
        return;
    close_container(builder);
}

// A JSON string as a jsonb string; an ERROR (54000) beyond what jsonb can hold, as jsonb_in.
JsonbValue jsonb_string(std::string_view text) {
    if (text.size() > JENTRY_OFFLENMASK)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("string too long to represent as jsonb string"),
                        errdetail("Due to an implementation restriction, jsonb strings cannot "
                                  "exceed %d bytes.",
                                  JENTRY_OFFLENMASK)));
    JsonbValue value;
    value.type = jbvString;
    value.val.string.len = int(text.size());
    value.val.string.val = const_cast<char*>(text.data());
    return value;
}

// A JSON number as jsonb's numeric, read by numeric_in as jsonb_in reads it (an ERROR, 22003 or
// 22P02, for one numeric cannot hold).
JsonbValue jsonb_number(std::string_view text) {
    JsonbValue value;
    value.type = jbvNumeric;
    value.val.numeric = DatumGetNumeric(
        DirectFunctionCall3(numeric_in, CStringGetDatum(pnstrdup(text.data(), text.size())),
                            ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1)));
    return value;
}

// A member's name, unless it names a credential.
void add_key(TreeBuilder& builder, std::string_view name) {
    if (builder.filter != nullptr && builder.filter->drops(WJB_KEY, name)) return;
    start_pair(builder, jsonb_string(name));
}

// A scalar value, unless it is (inside) a credential's value.
void add_scalar(TreeBuilder& builder, const JsonbValue& value) {
    if (builder.filter != nullptr && builder.filter->drops(WJB_VALUE)) return;
    add_value(builder, value);
}

// A scalar token of the reader as jsonb's value.
JsonbValue jsonb_scalar(core::JsonToken token, std::string_view text) {
    JsonbValue value;
    switch (token) {
        case core::JsonToken::string:
            return jsonb_string(text);
        case core::JsonToken::number:
            return jsonb_number(text);
        case core::JsonToken::true_value:
        case core::JsonToken::false_value:
            value.type = jbvBool;
            value.val.boolean = token == core::JsonToken::true_value;
            return value;
        default:  // null_value
            value.type = jbvNull;
            return value;
    }
}

// What a token of the reader makes of builder. A container's start is made at once; a key, a
// scalar and a container's end wait for the token after them (read_with_core).
void apply_token(TreeBuilder& builder, core::JsonToken token, std::string_view text) {
    switch (token) {
        case core::JsonToken::begin_object:
        case core::JsonToken::begin_array:
            begin_container(builder, token == core::JsonToken::begin_object);
            return;
        case core::JsonToken::end_object:
        case core::JsonToken::end_array:
            end_container(builder, token == core::JsonToken::end_object);
            return;
        case core::JsonToken::key:
            add_key(builder, text);
            return;
        case core::JsonToken::end:  // nothing waits
            return;
        default:
            add_scalar(builder, jsonb_scalar(token, text));
            return;
    }
}

// The body read by core::JsonReader into builder. False when the reader does not accept it (not
// JSON, or nested deeper than it follows): PostgreSQL's parser then decides, from the start. What
// was built until then is left, but it is no more than PostgreSQL's parser does before it gets as
// far, so an ERROR raised while building (numeric_in's, palloc's) is one jsonb_in raises too:
// PostgreSQL hands a scalar, a member's name and a container's end to jsonb_in only once it has
// read the token after it, so each of those waits here until the reader has returned the next
// token (the reader returns a token only once it has read what PostgreSQL reads before it).
bool read_with_core(std::string_view body, TreeBuilder& builder) {
    char* unescaped = static_cast<char*>(palloc(body.size() + 1));
    core::JsonReader reader = core::json_reader(body, unescaped);
    std::string_view text;
    core::JsonToken waiting = core::JsonToken::end;  // end: nothing waits
    std::string_view waiting_text;
    for (;;) {
        core::JsonToken token = core::next_json_token(reader, text);
        if (token > core::JsonToken::end) return false;
        apply_token(builder, waiting, waiting_text);
        if (token == core::JsonToken::end) return true;
        bool opens =
            token == core::JsonToken::begin_object || token == core::JsonToken::begin_array;
        if (opens) apply_token(builder, token, text);
        waiting = opens ? core::JsonToken::end : token;
        waiting_text = text;
    }
}

// PostgreSQL's parser's semantic actions, feeding the builder as jsonb_in's feed pushJsonbValue.
void object_start(void* builder) {
    begin_container(*static_cast<TreeBuilder*>(builder), true);
}
void object_end(void* builder) {
    end_container(*static_cast<TreeBuilder*>(builder), true);
}
void array_start(void* builder) {
    begin_container(*static_cast<TreeBuilder*>(builder), false);
}
void array_end(void* builder) {
    end_container(*static_cast<TreeBuilder*>(builder), false);
}
void object_field_start(void* builder, char* name, bool) {
    add_key(*static_cast<TreeBuilder*>(builder), name);
}
void scalar(void* builder, char* token, JsonTokenType type) {
    core::JsonToken kind = type == JSON_TOKEN_STRING   ? core::JsonToken::string
                           : type == JSON_TOKEN_NUMBER ? core::JsonToken::number
                           : type == JSON_TOKEN_TRUE   ? core::JsonToken::true_value
                           : type == JSON_TOKEN_FALSE  ? core::JsonToken::false_value
                                                       : core::JsonToken::null_value;
    add_scalar(*static_cast<TreeBuilder*>(builder), jsonb_scalar(kind, token));
}

// The body read by PostgreSQL's own parser into builder (`\u0000` rewritten first); false when
// it is not JSON. An escape the database's encoding cannot hold is jsonb_in's ERROR (22P05) on
// every major.
bool read_with_postgres(std::string_view body_text, TreeBuilder& builder) {
    // a copy of every byte (pnstrdup would stop at a NUL, short of the length read below)
    char* body = static_cast<char*>(palloc(body_text.size() + 1));
    memcpy(body, body_text.data(), body_text.size());
    body[body_text.size()] = '\0';
    // same length, same validity: `\u0000` becomes `\uFFFD` before the parser sees it
    core::replace_nul_escapes(body, body_text.size());
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
    JsonLexContext* lexer = compat::json_lexer(body, body_text.size(), GetDatabaseEncoding(), true);
    const JsonParseErrorType result = pg_parse_json(lexer, &actions);
    compat::raise_unrepresentable_escape(result, lexer);
    return result == JSON_SUCCESS;
}

}  // namespace

Jsonb* parse_json_body(text* body_text, Credentials credentials) {
    std::string_view body(VARDATA_ANY(body_text), VARSIZE_ANY_EXHDR(body_text));
    // The build (the decoded strings, the tree, the numbers) lives in a memory context of its
    // own: a reading abandoned for PostgreSQL's parser is freed before it starts, and only the
    // jsonb, a copy, outlives the call.
    MemoryContext caller = CurrentMemoryContext;
    MemoryContext build =
        AllocSetContextCreate(caller, "callout JSON body", ALLOCSET_DEFAULT_SIZES);
    MemoryContextSwitchTo(build);
    SecretFilter filter = {};
    SecretFilter* kept_out = nullptr;
    if (credentials == Credentials::dropped) kept_out = &filter;
    // core::JsonReader reads as PostgreSQL's parser does in UTF-8 (test/fuzz/json_reader.cpp
    // compares the two); what it leaves undecided, and every body in another encoding, is read
    // by PostgreSQL's parser.
    bool read = false;
    TreeBuilder builder = {};
    if (GetDatabaseEncoding() == PG_UTF8) {
        if (kept_out != nullptr) filter = secret_filter();
        builder = tree_builder(kept_out);
        read = read_with_core(body, builder);
        if (!read) MemoryContextReset(build);
    }
    if (!read) {
        if (kept_out != nullptr) filter = secret_filter();
        builder = tree_builder(kept_out);
        read = read_with_postgres(body, builder);
    }
    MemoryContextSwitchTo(caller);
    Jsonb* payload = read ? JsonbValueToJsonb(&builder.result) : nullptr;
    MemoryContextDelete(build);
    return payload;
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
