// The plain HMAC-SHA256 scheme (DESIGN.md §3): hex or base64 of HMAC(secret, raw body).
//
// Spelling rules, shared by looks_like_plain_hmac and verify_plain_hmac so that a value is
// routed and verified the same way:
// - leading and trailing ASCII whitespace is ignored (the one rule of ascii.hpp: HTTP's optional
//   whitespace around a header value, and a line end hand-written senders leave in);
// - an optional prefix "sha256=" (lower case, as GitHub-style senders write it);
// - then 64 hex digits in either case, or 44 characters of padded standard base64.
// The length cap (max_plain_signature_bytes) applies to the value as received, untrimmed.
#include "plain_hmac.hpp"

#include "ascii.hpp"
#include "base64.hpp"
#include "crypto.hpp"

#include <optional>
#include <string>

namespace callout::core {

namespace {

constexpr std::string_view kPrefix = "sha256=";
constexpr std::size_t kHexLength = 64;     // 32 bytes as hex
constexpr std::size_t kBase64Length = 44;  // 32 bytes as padded base64
constexpr std::size_t kMacLength = 32;

// The part that encodes the MAC: whitespace trimmed, "sha256=" removed when present.
std::string_view mac_text(std::string_view signature) {
    std::string_view text = trim_ascii_space(signature);
    if (text.substr(0, kPrefix.size()) == kPrefix) text.remove_prefix(kPrefix.size());
    return text;
}

bool is_hex_digit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

// Exactly 64 hex digits.
bool is_hex_mac_shape(std::string_view text) {
    if (text.size() != kHexLength) return false;
    for (const char c : text) {
        if (!is_hex_digit(c)) return false;
    }
    return true;
}

// 44 characters of standard base64 with at most two '=' at the end. The shape alone is
// checked here, so a near miss is routed to plain HMAC and fails there, not as a JWT.
bool is_base64_mac_shape(std::string_view text) {
    if (text.size() != kBase64Length) return false;
    std::size_t end = text.size();
    for (int i = 0; i < 2 && text[end - 1] == '='; ++i) --end;
    for (std::size_t i = 0; i < end; ++i) {
        if (!is_base64_char(text[i])) return false;
    }
    return true;
}

}  // namespace

// Decides which scheme a signature is read with; a JWT always contains '.', which neither
// hex nor base64 does, so the two schemes cannot be confused.
bool looks_like_plain_hmac(std::string_view signature) {
    if (signature.size() > max_plain_signature_bytes) return false;
    const std::string_view text = mac_text(signature);
    return is_hex_mac_shape(text) || is_base64_mac_shape(text);
}

// Decodes the written MAC to 32 bytes and compares it with the body's HMAC in constant time.
bool verify_plain_hmac(std::string_view body, std::string_view signature, std::string_view secret) {
    if (signature.empty() || secret.empty()) return false;
    if (signature.size() > max_plain_signature_bytes) return false;
    const std::string_view text = mac_text(signature);
    std::optional<std::string> mac;
    if (is_hex_mac_shape(text)) {
        mac = hex_decode(text);
    } else if (text.size() == kBase64Length) {
        mac = base64_decode(text);
    }
    if (!mac || mac->size() != kMacLength) return false;
    return constant_time_equal(hmac_sha256(secret, body), *mac);
}

}  // namespace callout::core
