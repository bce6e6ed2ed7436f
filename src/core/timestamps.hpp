// Instants as LiveKit and applications write them, and call durations between two of them.
#pragma once
#include "no_postgres.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace callout::core {

// Parses an instant into unix milliseconds. Accepted: unix seconds (optionally with a
// fraction), unix milliseconds, microseconds or nanoseconds (told apart by magnitude: below
// 1e11 seconds, below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds), and
// ISO 8601 / RFC 3339 (`2026-01-01T12:00:00Z`, `+02:00` offsets, fractions, a space instead
// of `T`). Surrounding spaces are ignored. nullopt for anything else, including an empty text.
std::optional<std::int64_t> parse_instant_ms(std::string_view text);

// Whole seconds from started to ended (truncated). nullopt when either is missing or
// unparseable, or when ended is before started (a duration is never negative).
std::optional<std::int64_t> call_duration_seconds(std::string_view started, std::string_view ended);

}  // namespace callout::core
