// Reading SQL arguments and making SQL results in the bridge: plain views and Datums only.
#pragma once

#include <cstring>
#include <optional>
#include <string_view>

#include "pg/pg_compat.hpp"

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
}

namespace callout::pg {

// A text argument as a view of its (detoasted) bytes; nullopt for SQL NULL.
inline std::optional<std::string_view> text_arg(FunctionCallInfo fcinfo, int n) {
    if (PG_ARGISNULL(n)) return std::nullopt;
    text* value = PG_GETARG_TEXT_PP(n);
    return std::string_view(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value));
}

// A text argument as PostgreSQL holds it (detoasted); nullptr for SQL NULL.
inline text* optional_text_arg(FunctionCallInfo fcinfo, int n) {
    return PG_ARGISNULL(n) ? nullptr : PG_GETARG_TEXT_PP(n);
}

// The bytes a webhook's sender signed: its body in UTF-8, as LiveKit signs it. A database in
// another encoding received the body converted from the client's, so it is converted back (every
// character a server encoding holds has a UTF-8 form); in UTF-8 and SQL_ASCII, whose bytes are as
// sent, it is the body itself. A conversion's result is a new NUL-ended string, but PostgreSQL
// hands back what it did not convert (an empty body) as it was, with no NUL after it.
inline std::string_view signed_bytes(std::string_view body) {
    const int encoding = GetDatabaseEncoding();
    if (encoding == PG_UTF8 || encoding == PG_SQL_ASCII) return body;
    const char* utf8 = pg_server_to_any(body.data(), static_cast<int>(body.size()), PG_UTF8);
    if (utf8 == body.data()) return body;
    return {utf8, std::strlen(utf8)};
}

// A view returned as text, or SQL NULL when it is empty.
inline Datum text_or_null(FunctionCallInfo fcinfo, std::string_view value) {
    if (value.empty()) PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text_with_len(value.data(), int(value.size())));
}

}  // namespace callout::pg
