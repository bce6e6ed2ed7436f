// cpp_boundary_selftest: the C++/PostgreSQL boundary failing on purpose (DESIGN.md §2).
#include <new>
#include <stdexcept>
#include <string_view>

#include "pg/args.hpp"
#include "pg/boundary.hpp"

extern "C" {
#include "miscadmin.h"
#include "utils/builtins.h"
}
namespace {

// How many SelftestProbe objects are alive: a destructor skipped by a longjmp leaves it above 0.
int live_selftest_probes = 0;

// A C++ object with a destructor, alive across the PostgreSQL error of the 'postgres_error' kind.
struct SelftestProbe {
    SelftestProbe() { ++live_selftest_probes; }
    ~SelftestProbe() { --live_selftest_probes; }
    SelftestProbe(const SelftestProbe&) = delete;
    SelftestProbe& operator=(const SelftestProbe&) = delete;
};

}  // namespace

// cpp_boundary_selftest(kind text) RETURNS text: makes the C++ side fail on purpose so the
// tests can show each failure reaching the caller as an ERROR with a SQLSTATE while the
// session lives on. Kinds: 'none', 'runtime_error', 'bad_alloc', 'sql_error', 'non_std',
// 'postgres_error' (a PostgreSQL error raised while a C++ object is alive, carried across the
// C++ frames as an exception and re-raised unchanged), and 'live_objects': how many such C++
// objects are alive now (0 unless a destructor was skipped). Superuser only: EXECUTE is revoked
// from PUBLIC, and the function itself refuses anyone else, should EXECUTE ever be granted.
CALLOUT_SQL_FUNCTION(callout_cpp_boundary_selftest) {
    if (!superuser())
        ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                        errmsg("only superusers may run cpp_boundary_selftest")));
    std::string_view kind = *callout::pg::text_arg(fcinfo, 0);
    if (kind == "none") PG_RETURN_TEXT_P(cstring_to_text("no exception"));
    if (kind == "live_objects")
        PG_RETURN_TEXT_P(cstring_to_text(psprintf("%d", live_selftest_probes)));
    if (kind == "runtime_error") throw std::runtime_error("self-test: std::runtime_error thrown");
    if (kind == "bad_alloc") throw std::bad_alloc();
    if (kind == "sql_error")
        throw callout::pg::SqlError(ERRCODE_INVALID_PARAMETER_VALUE, "self-test: SqlError thrown",
                                    "Raised with SQLSTATE 22023.");
    if (kind == "non_std") throw 42;
    if (kind == "postgres_error") {
        SelftestProbe alive_across_the_error;  // its destructor runs during the unwind
        callout::pg::pg_guard([] { (void)DirectFunctionCall1(int4in, CStringGetDatum("x1")); });
        PG_RETURN_NULL();  // not reached: pg_guard has thrown
    }
    throw callout::pg::SqlError(ERRCODE_INVALID_PARAMETER_VALUE, "unknown self-test kind",
                                "Use none, runtime_error, bad_alloc, sql_error, non_std, "
                                "postgres_error or live_objects.");
}
