// cpp_boundary_selftest: the C++/PostgreSQL boundary failing on purpose (DESIGN.md §2).
#include <new>
#include <stdexcept>
#include <string_view>

#include "pg/args.hpp"
#include "pg/boundary.hpp"
#include "pg/statement.hpp"

extern "C" {
#include "catalog/pg_type_d.h"
#include "executor/spi.h"
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

#define SELFTEST_PARAMETERS(X) \
    X(room, TEXTOID)           \
    X(sid, TEXTOID)
CALLOUT_FIELDS(SelftestParameter, SELFTEST_PARAMETERS);
#define SELFTEST_COLUMNS(X) \
    X(room_name, TEXTOID)   \
    X(room_sid, TEXTOID)
CALLOUT_FIELDS(SelftestColumn, SELFTEST_COLUMNS);

// Statements whose SQL does not match their declaration: their columns in another order, a
// parameter the declaration lacks, one it declares but the SQL never uses.
using SelftestStatement = callout::pg::Statement<SelftestParameter, SelftestColumn>;
SelftestStatement moved_column = {"SELECT $sid AS room_sid, $room AS room_name", nullptr};
SelftestStatement undeclared_parameter = {"SELECT $room AS room_name, $sidd AS room_sid", nullptr};
SelftestStatement unused_parameter = {"SELECT $room AS room_name, $room AS room_sid", nullptr};

// Runs a self-test statement (it fails when it is prepared, before it runs).
void run_selftest_statement(SelftestStatement& statement) {
    if (SPI_connect() != SPI_OK_CONNECT)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("SPI_connect failed")));
    callout::pg::Values<SelftestParameter> parameters;
    parameters.put_text(SelftestParameter::room, "room-1");
    parameters.put_text(SelftestParameter::sid, "RM_1");
    callout::pg::run(statement, parameters);
    SPI_finish();
}

}  // namespace

// cpp_boundary_selftest(kind text) RETURNS text: makes the C++ side fail on purpose so the
// tests can show each failure reaching the caller as an ERROR with a SQLSTATE while the
// session lives on. Kinds: 'none', 'runtime_error', 'bad_alloc', 'sql_error', 'non_std',
// 'postgres_error' (a PostgreSQL error raised while a C++ object is alive, carried across the
// C++ frames as an exception and re-raised unchanged), and 'live_objects': how many such C++
// objects are alive now (0 unless a destructor was skipped); 'moved_column', 'undeclared_parameter'
// and 'unused_parameter': a statement that does not match its declaration (statement.hpp), which
// must fail when it is prepared rather than read or write the wrong values. Superuser only: EXECUTE
// is revoked from PUBLIC, and the function itself refuses anyone else, should EXECUTE ever be
// granted.
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
    if (kind == "moved_column") run_selftest_statement(moved_column);
    if (kind == "undeclared_parameter") run_selftest_statement(undeclared_parameter);
    if (kind == "unused_parameter") run_selftest_statement(unused_parameter);
    if (kind == "moved_column" || kind == "undeclared_parameter" || kind == "unused_parameter")
        PG_RETURN_TEXT_P(cstring_to_text("the statement ran"));
    throw callout::pg::SqlError(ERRCODE_INVALID_PARAMETER_VALUE, "unknown self-test kind",
                                "Use none, runtime_error, bad_alloc, sql_error, non_std, "
                                "postgres_error, live_objects, moved_column, "
                                "undeclared_parameter or unused_parameter.");
}
