// The sizes callout accepts, in one place: the bridge checks values against them before storing,
// and SQL reads them through callout._ingest_settings() (DESIGN.md §3, §4).
#pragma once
#include "no_postgres.hpp"

#include <cstddef>

namespace callout::core {

// Longest Authorization value looked at; anything longer is malformed (checked before hashing).
inline constexpr std::size_t max_authorization_bytes = 8192;

// Longest plain HMAC signature looked at; anything longer never verifies (checked before
// hashing).
inline constexpr std::size_t max_plain_signature_bytes = 256;

// Longest event id, room sid, phone number, tenant, campaign and agent config id callout stores:
// they are indexed, and a btree entry holds about 2.7 kB; LiveKit's own are far shorter.
inline constexpr std::size_t max_key_bytes = 256;

// Longest room name callout stores (indexed, as above).
inline constexpr std::size_t max_room_name_bytes = 1024;

}  // namespace callout::core
