// Reading fields out of a jsonb value with PostgreSQL's own container functions (the JSON was
// parsed once, by PostgreSQL). Every result is plain data pointing into the jsonb or palloc'd
// memory, so these helpers may raise PostgreSQL errors without stranding a C++ object.
#pragma once

#include <optional>
#include <string_view>

extern "C" {
#include "postgres.h"
#include "utils/jsonb.h"
}

namespace callout::pg {

// One field as found: absent (or JSON null), a string, or some other JSON type.
struct JsonField {
    JsonbValue value;  // valid when present
    bool present = false;

    bool is_string() const { return present && value.type == jbvString; }
    bool is_number() const { return present && value.type == jbvNumeric; }
    bool is_container() const { return present && value.type == jbvBinary; }
    std::string_view text() const {
        return {value.val.string.val, std::size_t(value.val.string.len)};
    }
    JsonbContainer* container() const { return value.val.binary.data; }
};

// The field `key` of an object container; absent when the container is not an object, the key
// is missing or its value is JSON null.
JsonField json_field(JsonbContainer* object, const char* key);

// A string field's text. Absent gives an empty view; any other JSON type is an ERROR (22023)
// naming the field, since LiveKit writes these fields as strings.
std::string_view json_string(JsonbContainer* object, const char* key, const char* field_name);

// A field LiveKit writes as a string or a number, as text: int64 instants (strings in protobuf
// JSON, numbers from other writers) and enums (names, or numbers for values the writer did not
// know). Absent gives an empty view; an object, array or boolean is an ERROR (22023).
std::string_view json_string_or_number(JsonbContainer* object, const char* key,
                                       const char* field_name);

// The object stored under `key`; nullptr when absent. Any other JSON type is an ERROR (22023).
JsonbContainer* json_object(JsonbContainer* object, const char* key, const char* field_name);

// The field `key` as `->>` reads it: a string's text, any other JSON value printed; nullopt when
// absent or JSON null.
std::optional<std::string_view> json_field_text(JsonbContainer* object, const char* key);

// A short name for a JsonbValue's type, for error details ("an object", "a number", ...).
const char* json_type_name(const JsonbValue& value);

}  // namespace callout::pg
