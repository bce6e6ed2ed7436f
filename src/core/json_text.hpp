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

// True for a field whose value is a credential in one of the messages a LiveKit webhook carries
// (the list, and where it comes from, is in json_text.cpp): stored payloads drop it, at any
// depth. `key` is the field's JSON name; `parent` the name under which the object holding it
// sits (for an element of an array, the array's name; empty at the top), `grandparent` the same
// for the object holding that one. Most names are credentials wherever they are; a few only
// under their parent (`url` of a stream result, not of a web egress).
bool is_secret_field(std::string_view key, std::string_view parent = {},
                     std::string_view grandparent = {});

// text with its control characters (below U+0020, and U+007F) written as JSON escapes
// (`\u001b`) and every backslash doubled, so what a sender claims can be logged and shown without
// driving a terminal or forging a line; other bytes are left as they are.
std::string escape_control_characters(std::string_view text);

}  // namespace callout::core
