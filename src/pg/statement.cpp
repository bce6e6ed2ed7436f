// Declared statements and composite results (statement.hpp): preparing, running and checking.
#include <cstddef>
#include <string>

#include "core/sql_parameters.hpp"
#include "pg/statement.hpp"

extern "C" {
#include "utils/lsyscache.h"
#include "utils/plancache.h"
}

namespace callout::pg {

namespace {

// The SQL with its `$name`s numbered, in PostgreSQL memory; a SqlError (XX000) for a parameter
// the declaration does not have or never uses.
char* numbered_sql(const char* sql, const Field* parameters, int parameter_count) {
    const char* names[max_statement_parameters];
    for (int i = 0; i < parameter_count; ++i) names[i] = parameters[i].name;
    char* copy = nullptr;
    std::string problem;
    std::optional<std::string> numbered =
        core::number_parameters(sql, names, std::size_t(parameter_count), problem);
    if (!numbered)
        throw SqlError(ERRCODE_INTERNAL_ERROR,
                       "a statement of callout does not match its declaration",
                       "The statement has " + problem + ".");
    pg_guard([&] { copy = pstrdup(numbered->c_str()); });
    return copy;
}

// Whether a value's type is the declared one (InvalidOid declares any type).
bool type_matches(Oid declared, Oid actual) {
    return declared == InvalidOid || declared == actual;
}

// An ERROR (XX000) when the descriptor's columns are not the declared ones, in order, by name
// and type; what names the columns' owner (a statement, a function's result type).
void check_columns(TupleDesc descriptor, const Field* columns, int column_count, const char* what) {
    int actual_count = descriptor != nullptr ? descriptor->natts : 0;
    if (actual_count != column_count)
        ereport(ERROR,
                (errcode(ERRCODE_INTERNAL_ERROR), errmsg("%s does not match its declaration", what),
                 errdetail("It has %d columns; callout declares %d.", actual_count, column_count)));
    for (int i = 0; i < column_count; ++i) {
        Form_pg_attribute attribute = TupleDescAttr(descriptor, i);
        if (strcmp(NameStr(attribute->attname), columns[i].name) != 0 ||
            !type_matches(columns[i].type, attribute->atttypid))
            ereport(
                ERROR,
                (errcode(ERRCODE_INTERNAL_ERROR), errmsg("%s does not match its declaration", what),
                 errdetail("Column %d is \"%s\" of type %s; callout declares \"%s\"%s%s.", i + 1,
                           NameStr(attribute->attname), format_type_be(attribute->atttypid),
                           columns[i].name, columns[i].type != InvalidOid ? " of type " : "",
                           columns[i].type != InvalidOid ? format_type_be(columns[i].type) : "")));
    }
}

}  // namespace

SPIPlanPtr prepare_statement(const char* sql, const Field* parameters, int parameter_count,
                             const Field* columns, int column_count) {
    if (parameter_count > max_statement_parameters)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                        errmsg("a statement of callout declares too many parameters")));
    char* numbered = numbered_sql(sql, parameters, parameter_count);
    Oid types[max_statement_parameters];
    for (int i = 0; i < parameter_count; ++i) types[i] = parameters[i].type;
    SPIPlanPtr plan = SPI_prepare(numbered, parameter_count, types);
    if (plan == nullptr)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                        errmsg("could not prepare a statement of callout: %s",
                               SPI_result_code_string(SPI_result))));
    List* sources = SPI_plan_get_plan_sources(plan);
    if (list_length(sources) != 1)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                        errmsg("a statement of callout must be one SQL statement")));
    auto* source = static_cast<CachedPlanSource*>(linitial(sources));
    check_columns(source->resultDesc, columns, column_count, "a statement of callout");
    if (SPI_keepplan(plan) != 0)
        ereport(ERROR,
                (errcode(ERRCODE_INTERNAL_ERROR), errmsg("could not keep a statement of callout")));
    return plan;
}

std::uint64_t execute_plan(SPIPlanPtr plan, Datum* values, const bool* nulls, int count) {
    char spi_nulls[max_statement_parameters] = {};
    for (int i = 0; i < count; ++i) spi_nulls[i] = nulls[i] ? 'n' : ' ';
    // read_only false: each statement takes a new snapshot (READ COMMITTED sees what the room
    // lock's previous holder committed)
    int status = SPI_execute_plan(plan, values, spi_nulls, false, 0);
    if (status < 0)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("a statement of callout failed: %s",
                                                                SPI_result_code_string(status))));
    return SPI_processed;
}

ResultType* checked_result_type(FunctionCallInfo fcinfo, const Field* columns, int column_count) {
    // Looked up (a catalog lookup and a copy) and mapped once per calling query, and kept in
    // fn_extra: a replay calls the function once per row of the same query.
    if (fcinfo->flinfo->fn_extra == nullptr) {
        MemoryContext caller_context = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
        TupleDesc descriptor;
        if (get_call_result_type(fcinfo, nullptr, &descriptor) != TYPEFUNC_COMPOSITE)
            ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                            errmsg("function returning a record called in a context that cannot "
                                   "accept one")));
        auto* type = static_cast<ResultType*>(
            palloc(offsetof(ResultType, declared_index) + sizeof(int) * descriptor->natts));
        type->descriptor = BlessTupleDesc(descriptor);
        for (int i = 0; i < descriptor->natts; ++i) {
            Form_pg_attribute attribute = TupleDescAttr(descriptor, i);
            int found = -1;
            for (int j = 0; j < column_count && found < 0; ++j)
                if (strcmp(NameStr(attribute->attname), columns[j].name) == 0) found = j;
            if (attribute->attisdropped) {
                type->declared_index[i] = -1;
                continue;
            }
            if (found < 0 || !type_matches(columns[found].type, attribute->atttypid))
                ereport(ERROR,
                        (errcode(ERRCODE_INTERNAL_ERROR),
                         errmsg("the result type of a callout function does not match its "
                                "declaration"),
                         errdetail("Its column \"%s\" of type %s is %s.",
                                   NameStr(attribute->attname), format_type_be(attribute->atttypid),
                                   found < 0 ? "not declared" : "declared with another type")));
            type->declared_index[i] = found;
        }
        fcinfo->flinfo->fn_extra = type;
        MemoryContextSwitchTo(caller_context);
    }
    return static_cast<ResultType*>(fcinfo->flinfo->fn_extra);
}

Datum form_result_row(const ResultType* type, const Datum* datums, const bool* nulls) {
    int natts = type->descriptor->natts;
    Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * natts));
    bool* is_null = static_cast<bool*>(palloc(sizeof(bool) * natts));
    for (int i = 0; i < natts; ++i) {
        int j = type->declared_index[i];
        values[i] = j >= 0 ? datums[j] : Datum(0);
        is_null[i] = j < 0 || nulls[j];
    }
    return HeapTupleGetDatum(heap_form_tuple(type->descriptor, values, is_null));
}

}  // namespace callout::pg
