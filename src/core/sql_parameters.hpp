// The statements callout prepares name their parameters, `$event_id`, where PostgreSQL numbers
// them, `$1`: a parameter is then written and read by one name, never by a position two lists
// must agree on.
#pragma once
#include "no_postgres.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace callout::core {

// The SQL with every `$name` replaced by `$N`, N being the name's 1-based position in names.
// Quoted literals and identifiers are left alone. nullopt, with what is wrong in problem, for a
// name not in names, a positional `$1` or a dollar quote (the statements use neither), or a name
// of names the SQL never uses.
std::optional<std::string> number_parameters(std::string_view sql, const char* const* names,
                                             std::size_t count, std::string& problem);

}  // namespace callout::core
