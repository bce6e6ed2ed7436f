// SPI statements and composite results, each declared once (DESIGN.md §2). A statement is its
// SQL, which names its parameters `$name`, with the enums of its parameters and of its result
// columns; a composite result is the enum of its columns. Each enum is made by CALLOUT_FIELDS
// from one list of (name, type), and the C++ writes and reads every value through those names.
// The declaration is checked against the plan when the statement is first prepared (the result
// columns' names and types) and against the result type when a function first builds it, so a
// column added, moved or renamed on one side only is an ERROR on first use, never a value read
// from the wrong column. Plain data only: every failure is a PostgreSQL ERROR.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "pg/boundary.hpp"
#include "pg/pg_compat.hpp"
#include "pg/unix_time.hpp"

extern "C" {
#include "postgres.h"
#include "access/htup_details.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
}

namespace callout::pg {

// One declared value: its name (a parameter's `$name`, a column's name) and its type
// (InvalidOid: any type, for the schema's own enums, whose OIDs differ between databases).
struct Field {
    const char* name;
    Oid type;
};

#define CALLOUT_FIELD_ENUMERATOR(name, type) name,
#define CALLOUT_FIELD_ENTRY(name, type) ::callout::pg::Field{#name, type},

// Declares `enum class Name`, one enumerator per X(name, type) of LIST, and, from the same list,
// fields_of(Name) and field_count(Name): the names and types in the same order (found by
// argument-dependent lookup, so a declaration may stand in an anonymous namespace).
#define CALLOUT_FIELDS(Name, LIST)                                                       \
    enum class Name { LIST(CALLOUT_FIELD_ENUMERATOR) };                                  \
    inline constexpr ::callout::pg::Field Name##_fields[] = {LIST(CALLOUT_FIELD_ENTRY)}; \
    constexpr const ::callout::pg::Field* fields_of(Name) {                              \
        return Name##_fields;                                                            \
    }                                                                                    \
    constexpr int field_count(Name) {                                                    \
        return static_cast<int>(sizeof Name##_fields / sizeof Name##_fields[0]);         \
    }

// No fields: a statement without parameters, or one that returns no rows.
enum class NoFields {};
constexpr const Field* fields_of(NoFields) {
    return nullptr;
}
constexpr int field_count(NoFields) {
    return 0;
}

// The values of an enum's fields, each set by name: a statement's parameters or a composite
// result's columns. Empty text and absent optionals are SQL NULL.
template <typename Enum>
struct Values {
    static constexpr int count = field_count(Enum{});
    Datum datums[count > 0 ? count : 1];
    bool nulls[count > 0 ? count : 1];
    bool set[count > 0 ? count : 1] = {};

    void put(Enum field, Datum value) { put(field, value, false); }
    void put_null(Enum field) { put(field, Datum(0), true); }
    void put_bool(Enum field, bool value) { put(field, BoolGetDatum(value), false); }
    void put_text(Enum field, std::string_view value) {
        if (value.empty()) return put_null(field);
        put(field, PointerGetDatum(cstring_to_text_with_len(value.data(), int(value.size()))));
    }
    void put_text(Enum field, const char* value) { put_text(field, std::string_view(value)); }
    void put_text(Enum field, std::optional<std::string_view> value) {
        if (!value) return put_null(field);
        put(field, PointerGetDatum(cstring_to_text_with_len(value->data(), int(value->size()))));
    }
    // An instant in unix seconds, as timestamptz; NULL when absent or out of range.
    void put_unix_time(Enum field, std::optional<std::int64_t> unix_seconds) {
        std::optional<TimestampTz> at;
        if (unix_seconds) at = timestamptz_from_unix(*unix_seconds);
        if (!at) return put_null(field);
        put(field, TimestampTzGetDatum(*at));
    }
    // An instant already in PostgreSQL's microseconds, as timestamptz; NULL when absent.
    void put_timestamptz(Enum field, std::optional<std::int64_t> at) {
        if (!at) return put_null(field);
        put(field, TimestampTzGetDatum(*at));
    }
    // A number as integer; NULL when absent or beyond int4.
    void put_int4(Enum field, std::optional<std::int64_t> number) {
        if (!number || *number < PG_INT32_MIN || *number > PG_INT32_MAX) return put_null(field);
        put(field, Int32GetDatum(int32(*number)));
    }
    void put_int8(Enum field, std::optional<std::int64_t> number) {
        if (!number) return put_null(field);
        put(field, Int64GetDatum(*number));
    }

    // An ERROR naming the first field no value was put in.
    void check_complete() const {
        for (int i = 0; i < count; ++i)
            if (!set[i])
                ereport(ERROR,
                        (errcode(ERRCODE_INTERNAL_ERROR),
                         errmsg("callout set no value for \"%s\"", fields_of(Enum{})[i].name)));
    }

  private:
    void put(Enum field, Datum value, bool is_null) {
        int i = static_cast<int>(field);
        datums[i] = value;
        nulls[i] = is_null;
        set[i] = true;
    }
};

CALLOUT_PLAIN_DATA(Values<NoFields>);

// A statement: its SQL (parameters named `$name` after the Parameter enum's fields) and the plan
// kept once prepared. Declared as static aggregates: nothing runs at load.
template <typename Parameter, typename Column>
struct Statement {
    const char* sql;
    SPIPlanPtr plan;
};

// A text Datum as a view of its (detoasted) bytes.
inline std::string_view text_view(Datum value) {
    text* detoasted = DatumGetTextPP(value);
    return {VARDATA_ANY(detoasted), VARSIZE_ANY_EXHDR(detoasted)};
}

// The rows the last statement run produced (in SPI_tuptable), read by column name.
template <typename Column>
struct Rows {
    std::uint64_t count;

    Datum value(std::uint64_t row, Column column, bool& is_null) const {
        return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc,
                             static_cast<int>(column) + 1, &is_null);
    }
    bool is_null(std::uint64_t row, Column column) const {
        bool null;
        value(row, column, null);
        return null;
    }
    std::optional<Datum> optional(std::uint64_t row, Column column) const {
        bool null;
        Datum datum = value(row, column, null);
        if (null) return std::nullopt;
        return datum;
    }
    // A text column as a view; nullopt for NULL.
    std::optional<std::string_view> optional_text(std::uint64_t row, Column column) const {
        std::optional<Datum> datum = optional(row, column);
        if (!datum) return std::nullopt;
        return text_view(*datum);
    }
    // A text column as a view; empty for NULL.
    std::string_view text(std::uint64_t row, Column column) const {
        return optional_text(row, column).value_or(std::string_view());
    }
    // A bigint or timestamptz column (PostgreSQL's microseconds); nullopt for NULL.
    std::optional<std::int64_t> int8(std::uint64_t row, Column column) const {
        std::optional<Datum> datum = optional(row, column);
        if (!datum) return std::nullopt;
        return DatumGetInt64(*datum);
    }
    std::optional<std::int64_t> int4(std::uint64_t row, Column column) const {
        std::optional<Datum> datum = optional(row, column);
        if (!datum) return std::nullopt;
        return DatumGetInt32(*datum);
    }
    // A boolean column; false for NULL.
    bool boolean(std::uint64_t row, Column column) const {
        std::optional<Datum> datum = optional(row, column);
        return datum && DatumGetBool(*datum);
    }
};

CALLOUT_PLAIN_DATA(Rows<NoFields>);

// Prepares and keeps a statement's plan: its `$name`s numbered, its result columns checked
// against the declaration (an ERROR, XX000, naming the first that differs).
SPIPlanPtr prepare_statement(const char* sql, const Field* parameters, int parameter_count,
                             const Field* columns, int column_count);

// Runs a prepared plan (SPI is connected); how many rows it produced or touched.
std::uint64_t execute_plan(SPIPlanPtr plan, Datum* values, const bool* nulls, int count);

// The most parameters a statement may declare.
inline constexpr int max_statement_parameters = 64;

// Runs a statement with its parameters (SPI is connected), preparing it the first time.
template <typename Parameter, typename Column>
Rows<Column> run(Statement<Parameter, Column>& statement, Values<Parameter>& parameters) {
    parameters.check_complete();
    if (statement.plan == nullptr)
        statement.plan =
            prepare_statement(statement.sql, fields_of(Parameter{}), field_count(Parameter{}),
                              fields_of(Column{}), field_count(Column{}));
    return {execute_plan(statement.plan, parameters.datums, parameters.nulls,
                         field_count(Parameter{}))};
}

template <typename Column>
Rows<Column> run(Statement<NoFields, Column>& statement) {
    Values<NoFields> none;
    return run(statement, none);
}

// The composite type a function returns, as a call found it: blessed for building tuples, and for
// each of its columns the declared field of the same name (-1 for a dropped column). Kept in
// fn_extra.
struct ResultType {
    TupleDesc descriptor;
    int declared_index[FLEXIBLE_ARRAY_MEMBER];
};

// The composite type this call returns, its columns matched by name with the declared fields
// (looked up once per calling query). A column of the type that is not declared, or declared
// with another type, is an ERROR (XX000). A declared field the type lacks is left out: the type
// of an older version of the schema, which the library still serves until it is updated.
ResultType* checked_result_type(FunctionCallInfo fcinfo, const Field* columns, int column_count);

// A tuple of the type from declared values, by name.
Datum form_result_row(const ResultType* type, const Datum* datums, const bool* nulls);

// The composite result of this call, from values set by column name.
template <typename Column>
Datum result_row(FunctionCallInfo fcinfo, Values<Column>& values) {
    values.check_complete();
    return form_result_row(checked_result_type(fcinfo, fields_of(Column{}), field_count(Column{})),
                           values.datums, values.nulls);
}

}  // namespace callout::pg
