// JSON text and key facts for ingestion.
#include "json_text.hpp"

namespace callout::core {

std::size_t replace_nul_escapes(char* json, std::size_t length) {
    constexpr std::string_view nul_escape = "\\u0000";
    std::size_t replaced = 0;
    for (std::size_t i = 0; i < length; ++i) {
        if (json[i] != '\\') continue;
        if (length - i >= nul_escape.size() &&
            std::string_view(json + i, nul_escape.size()) == nul_escape) {
            json[i + 2] = 'f';
            json[i + 3] = 'f';
            json[i + 4] = 'f';
            json[i + 5] = 'd';
            ++replaced;
            i += nul_escape.size() - 1;
        } else {
            ++i;  // the escaped character, whatever it is, is not the start of an escape
        }
    }
    return replaced;
}

namespace {

// Key names of LiveKit's protocol that hold credentials: Room.turnPassword; the S3, GCP, Azure
// and AliOSS upload settings of an egress request (accessKey, secret, sessionToken,
// credentials, accountKey); stream outputs' URLs, which embed stream keys.
constexpr std::string_view secret_fields[] = {
    "turnPassword", "accessKey", "secret", "sessionToken", "credentials", "accountKey", "urls",
};

}  // namespace

bool is_secret_field(std::string_view key) {
    for (std::string_view secret : secret_fields)
        if (key == secret) return true;
    return false;
}

std::string escape_control_characters(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string escaped;
    escaped.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\\') {
            escaped += "\\\\";
        } else if (byte < 0x20 || byte == 0x7f) {
            escaped += "\\u00";
            escaped += hex[byte >> 4];
            escaped += hex[byte & 0xf];
        } else {
            escaped += c;
        }
    }
    return escaped;
}

}  // namespace callout::core
