// The delivery's body as the jsonb that is stored: read once, by core::JsonReader or by
// PostgreSQL's own JSON parser (DESIGN.md §2), and without the values of credential fields.
#pragma once

extern "C" {
#include "postgres.h"
#include "utils/jsonb.h"
}

namespace callout::pg {

// Whether credential values (core::is_secret_field) are kept in a parsed body.
enum class Credentials { kept, dropped };

// The body as jsonb, or nullptr when it is not JSON (`\u0000` becomes U+FFFD: jsonb cannot hold
// U+0000). A body that is not JSON is an answer, not an error.
// With Credentials::dropped, the jsonb redact_payload would make of it, built in the same pass.
Jsonb* parse_json_body(text* body, Credentials credentials = Credentials::kept);

// The payload without the values of credential keys (core::is_secret_field) at any depth.
Jsonb* redact_payload(Jsonb* payload);

}  // namespace callout::pg
