// ASCII character tests shared by the core's parsers. Locale-free on purpose: the texts are
// protocol fields (timestamps, reason codes, room names), never prose.
#pragma once
#include "no_postgres.hpp"

#include <string_view>

namespace callout::core {

constexpr bool is_ascii_digit(char c) {
    return c >= '0' && c <= '9';
}

// The value of one hexadecimal digit (either case), or -1.
constexpr int ascii_hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Spaces, tabs and line ends.
constexpr bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

constexpr char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

// text without the ASCII spaces, tabs and line ends around it.
constexpr std::string_view trim_ascii_space(std::string_view text) {
    while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);
    return text;
}

}  // namespace callout::core
