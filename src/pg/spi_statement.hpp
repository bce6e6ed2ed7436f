// Statements callout runs through SPI on its hot paths: prepared once per backend and kept
// (SPI_keepplan), so no delivery parses or plans SQL; PostgreSQL's plan cache revalidates a
// kept plan after DDL. Plain data only: a statement's failure is a PostgreSQL ERROR.
#pragma once

#include <cstdint>
#include <string_view>

extern "C" {
#include "postgres.h"
#include "executor/spi.h"
}

namespace callout::pg {

// One statement: its SQL, its parameter types, and the plan kept once prepared. Declared as
// static aggregates (no constructor runs at load).
struct Statement {
    const char* sql;
    int parameter_count;
    Oid parameter_types[24];
    SPIPlanPtr plan;
};

// Runs a statement (SPI is connected), preparing and keeping its plan the first time; nulls as
// SPI takes them ('n' for NULL; nullptr when none is). Returns how many rows it produced or
// touched; they are in SPI_tuptable.
std::uint64_t run(Statement& statement, Datum* values, const char* nulls);

// Column `column` (1-based) of the last result's row `row`; is_null tells SQL NULL.
Datum result_value(std::uint64_t row, int column, bool& is_null);

// A text column of the last result's row as a view; empty for NULL.
std::string_view result_text(std::uint64_t row, int column);

}  // namespace callout::pg
