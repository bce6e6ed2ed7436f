// Small facts about JSON text and JSON keys that ingestion needs before and after PostgreSQL
// parses a body. No parsing here: PostgreSQL's parser has already validated the text.
#pragma once
#include "no_postgres.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace callout::core {

// Rewrites every `\u0000` escape in already-validated JSON text to `\ufffd` (U+FFFD, the
// replacement character), in place and at the same length: jsonb cannot hold U+0000, and a
// caller name or metadata carrying one must not make a genuine delivery unstorable. Returns
// how many were rewritten. In valid JSON a backslash only ever starts an escape inside a
// string, so a scan that skips each escape as a unit cannot misread `\\u0000` (an escaped
// backslash followed by the text u0000).
std::size_t replace_nul_escapes(char* json, std::size_t length);

// True for a key whose value is a credential wherever it appears in a LiveKit payload (the
// room's TURN password, storage keys of an egress request, stream URLs carrying stream keys):
// stored payloads drop them.
bool is_secret_field(std::string_view key);

// text with its control characters (below U+0020, and U+007F) written as JSON escapes
// (`\u001b`) and every backslash doubled, so what a sender claims can be logged and shown without
// driving a terminal or forging a line; other bytes are left as they are.
std::string escape_control_characters(std::string_view text);

}  // namespace callout::core
