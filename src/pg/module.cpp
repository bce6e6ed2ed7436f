// The module's entry: PG_MODULE_MAGIC, _PG_init, and the boundary self-test.
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

#include "pg/boundary.hpp"
#include "pg/settings.hpp"

extern "C" {
#include "miscadmin.h"
#include "utils/builtins.h"

PG_MODULE_MAGIC;

void _PG_init(void);

// Defines callout's settings when the library is loaded into a backend.
void _PG_init(void) {
    callout::pg::define_settings();
}
}

// cpp_boundary_selftest(kind text) RETURNS text: makes the C++ side fail on purpose so the
// tests can show each failure reaching the caller as an ERROR with a SQLSTATE while the
// session lives on. Kinds: 'none', 'runtime_error', 'bad_alloc', 'sql_error', 'non_std',
// 'postgres_error' (a PostgreSQL error raised while a C++ object is alive, carried across the
// C++ frames as an exception and re-raised unchanged). Superuser only: EXECUTE is revoked from
// PUBLIC, and the function itself refuses anyone else, should EXECUTE ever be granted.
CALLOUT_SQL_FUNCTION(callout_cpp_boundary_selftest) {
    if (!superuser())
        ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                        errmsg("only superusers may run cpp_boundary_selftest")));
    text* kind_text = PG_GETARG_TEXT_PP(0);
    std::string_view kind(VARDATA_ANY(kind_text), VARSIZE_ANY_EXHDR(kind_text));
    if (kind == "none") PG_RETURN_TEXT_P(cstring_to_text("no exception"));
    if (kind == "runtime_error") throw std::runtime_error("self-test: std::runtime_error thrown");
    if (kind == "bad_alloc") throw std::bad_alloc();
    if (kind == "sql_error")
        throw callout::pg::SqlError(ERRCODE_INVALID_PARAMETER_VALUE, "self-test: SqlError thrown",
                                    "Raised with SQLSTATE 22023.");
    if (kind == "non_std") throw 42;
    if (kind == "postgres_error") {
        std::string alive_across_the_error(64, 'x');  // its destructor runs during the unwind
        callout::pg::pg_guard([] { (void)DirectFunctionCall1(int4in, CStringGetDatum("x1")); });
        PG_RETURN_NULL();  // not reached: pg_guard has thrown
    }
    throw callout::pg::SqlError(ERRCODE_INVALID_PARAMETER_VALUE, "unknown self-test kind",
                                "Use none, runtime_error, bad_alloc, sql_error, non_std or "
                                "postgres_error.");
}
