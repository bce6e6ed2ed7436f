// jsonb field access for the bridge.
#include <cstring>

#include "pg/json_fields.hpp"
#include "pg/pg_compat.hpp"

extern "C" {
#include "utils/builtins.h"
#include "utils/numeric.h"
}

namespace callout::pg {

JsonField json_field(JsonbContainer* object, const char* key) {
    JsonField field;
    if (object == nullptr || !JsonContainerIsObject(object)) return field;
    if (getKeyJsonValueFromContainer(object, key, int(std::strlen(key)), &field.value) == nullptr)
        return field;
    field.present = field.value.type != jbvNull;
    return field;
}

const char* json_type_name(const JsonbValue& value) {
    switch (value.type) {
        case jbvNull:
            return "null";
        case jbvString:
            return "a string";
        case jbvNumeric:
            return "a number";
        case jbvBool:
            return "a boolean";
        case jbvBinary:
            return JsonContainerIsArray(value.val.binary.data) ? "an array" : "an object";
        default:
            return "an unexpected value";
    }
}

// Raises the ERROR for a field whose JSON type is not the one LiveKit writes.
static void wrong_type(const char* field_name, const char* expected, const JsonbValue& value) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("LiveKit event field \"%s\" has the wrong type", field_name),
                    errdetail("Expected %s, got %s.", expected, json_type_name(value))));
}

std::string_view json_string(JsonbContainer* object, const char* key, const char* field_name) {
    JsonField field = json_field(object, key);
    if (!field.present) return {};
    if (!field.is_string()) wrong_type(field_name, "a string", field.value);
    return field.text();
}

JsonbContainer* json_object(JsonbContainer* object, const char* key, const char* field_name) {
    JsonField field = json_field(object, key);
    if (!field.present) return nullptr;
    if (!field.is_container() || !JsonContainerIsObject(field.container()))
        wrong_type(field_name, "an object", field.value);
    return field.container();
}

std::string_view json_string_or_number(JsonbContainer* object, const char* key,
                                       const char* field_name) {
    JsonField field = json_field(object, key);
    if (!field.present) return {};
    if (field.is_string()) return field.text();
    if (!field.is_number()) wrong_type(field_name, "a string or a number", field.value);
    const char* digits =
        DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(field.value.val.numeric)));
    return {digits, std::strlen(digits)};
}

std::optional<std::string_view> json_field_text(JsonbContainer* object, const char* key) {
    JsonField field = json_field(object, key);
    if (!field.present) return std::nullopt;
    if (field.is_string()) return field.text();
    Jsonb* value = JsonbValueToJsonb(&field.value);
    char* printed = JsonbToCString(nullptr, &value->root, int(VARSIZE(value)));
    return std::string_view(printed, std::strlen(printed));
}

}  // namespace callout::pg
