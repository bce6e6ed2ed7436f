// What differs between the PostgreSQL majors the bridge builds against (15 and later): every
// PG_VERSION_NUM check of callout is in this file, each with why. Bridge files that use one of
// these APIs include it instead of spelling the difference out. The core never sees it.
#pragma once

#include <cstddef>
#include <cstdlib>

extern "C" {
#include "postgres.h"
#include "access/genam.h"
#include "common/jsonapi.h"
#include "utils/guc.h"
#if PG_VERSION_NUM >= 160000
// 16 moved the varlena macros (VARDATA_ANY, VARSIZE_ANY_EXHDR, SET_VARSIZE, ...) out of
// postgres.h into a header of their own.
#include "varatt.h"
#endif
}

namespace callout::pg::compat {

// Memory for a GUC check hook's `extra`, which the server keeps and frees itself. Until 15 it
// frees it with free(), so it must come from malloc; from 16 GUC memory is the server's own
// (it frees with guc_free), so it must come from guc_malloc. At LOG level both answer nullptr
// when out of memory, and the check hook then fails.
inline void* guc_extra_alloc(std::size_t size) {
#if PG_VERSION_NUM >= 160000
    return guc_malloc(LOG, size);
#else
    return std::malloc(size);
#endif
}

// What a JSON semantic action returns: nothing until 15; from 16 a JsonParseErrorType, where
// JSON_SUCCESS lets the parse go on.
#if PG_VERSION_NUM >= 160000
using JsonActionResult = JsonParseErrorType;
inline JsonActionResult json_action_done() {
    return JSON_SUCCESS;
}
#else
using JsonActionResult = void;
inline void json_action_done() {}
#endif

// A semantic action written as a plain void function, in the shape the server's JSON parser
// calls (JsonAction<object_start>::call), so the actions themselves read the same on every
// major. Plain data only: an ERROR in the action passes through unchanged.
template <auto Action>
struct JsonAction;
template <typename... Args, void (*Action)(Args...)>
struct JsonAction<Action> {
    static JsonActionResult call(Args... args) {
        Action(args...);
        return json_action_done();
    }
};

// A lexer over a JSON text of known length. From 17 makeJsonLexContextCstringLen takes the
// context to fill as its first argument (nullptr: it allocates one, as 15 always did) and a
// size_t length.
inline JsonLexContext* json_lexer(char* json, std::size_t length, int encoding, bool need_escapes) {
#if PG_VERSION_NUM >= 170000
    return makeJsonLexContextCstringLen(nullptr, json, length, encoding, need_escapes);
#else
    return makeJsonLexContextCstringLen(json, int(length), encoding, need_escapes);
#endif
}

// An index scan of nkeys keys, no ordering. From 18 index_beginscan takes the instrumentation
// EXPLAIN fills (nullptr: none) before the key counts.
inline IndexScanDesc index_scan(Relation heap, Relation index, Snapshot snapshot, int nkeys) {
#if PG_VERSION_NUM >= 180000
    return index_beginscan(heap, index, snapshot, nullptr, nkeys, 0);
#else
    return index_beginscan(heap, index, snapshot, nkeys, 0);
#endif
}

}  // namespace callout::pg::compat
