#include "pg/pg_compat.hpp"
#include "pg/spi_statement.hpp"

extern "C" {
#include "utils/builtins.h"
}

namespace callout::pg {

std::uint64_t run(Statement& statement, Datum* values, const char* nulls) {
    if (statement.plan == nullptr) {
        SPIPlanPtr plan =
            SPI_prepare(statement.sql, statement.parameter_count, statement.parameter_types);
        if (plan == nullptr || SPI_keepplan(plan) != 0)
            ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                            errmsg("could not prepare a statement of callout: %s",
                                   SPI_result_code_string(SPI_result))));
        statement.plan = plan;
    }
    // read_only false: each statement takes a new snapshot (READ COMMITTED sees what the room
    // lock's previous holder committed)
    int status = SPI_execute_plan(statement.plan, values, nulls, false, 0);
    if (status < 0)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("a statement of callout failed: %s",
                                                                SPI_result_code_string(status))));
    return SPI_processed;
}

Datum result_value(std::uint64_t row, int column, bool& is_null) {
    return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, column, &is_null);
}

std::string_view result_text(std::uint64_t row, int column) {
    bool is_null;
    Datum value = result_value(row, column, is_null);
    if (is_null) return {};
    text* detoasted = DatumGetTextPP(value);
    return {VARDATA_ANY(detoasted), VARSIZE_ANY_EXHDR(detoasted)};
}

}  // namespace callout::pg
