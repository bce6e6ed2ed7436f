// Reading SQL arguments and making SQL results in the bridge: plain views and Datums only.
#pragma once

#include <optional>
#include <string_view>

#include "pg/pg_compat.hpp"

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "utils/builtins.h"
}

namespace callout::pg {

// A text argument as a view of its (detoasted) bytes; nullopt for SQL NULL.
inline std::optional<std::string_view> text_arg(FunctionCallInfo fcinfo, int n) {
    if (PG_ARGISNULL(n)) return std::nullopt;
    text* value = PG_GETARG_TEXT_PP(n);
    return std::string_view(VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value));
}

// A view returned as text, or SQL NULL when it is empty.
inline Datum text_or_null(FunctionCallInfo fcinfo, std::string_view value) {
    if (value.empty()) PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text_with_len(value.data(), int(value.size())));
}

}  // namespace callout::pg
