// Base64 (RFC 4648 §4), base64url (§5) and hex, strict on input so that one value has one
// spelling: a signature or token segment is either canonical or rejected.
#include "base64.hpp"

#include "ascii.hpp"

#include <array>
#include <cstdint>

namespace callout::core {

namespace {

constexpr char kStdAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::int8_t kInvalid = -1;

using DecodeTable = std::array<std::int8_t, 256>;

// Builds the reverse lookup at compile time so no table is initialised at load time.
constexpr DecodeTable make_decode_table(const char* alphabet) {
    DecodeTable table{};
    for (auto& entry : table) entry = kInvalid;
    for (int i = 0; i < 64; ++i) {
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    }
    return table;
}

constexpr DecodeTable kStdDecode = make_decode_table(kStdAlphabet);
constexpr DecodeTable kUrlDecode = make_decode_table(kUrlAlphabet);

// Shared by both encoders: the alphabet differs, and only standard base64 pads.
std::string encode(std::string_view bytes, const char* alphabet, bool pad) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t n = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                                (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8) |
                                std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
        out.push_back(alphabet[(n >> 18) & 0x3F]);
        out.push_back(alphabet[(n >> 12) & 0x3F]);
        out.push_back(alphabet[(n >> 6) & 0x3F]);
        out.push_back(alphabet[n & 0x3F]);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const std::uint32_t n = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16;
        out.push_back(alphabet[(n >> 18) & 0x3F]);
        out.push_back(alphabet[(n >> 12) & 0x3F]);
        if (pad) out.append("==");
    } else if (rest == 2) {
        const std::uint32_t n = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16) |
                                (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8);
        out.push_back(alphabet[(n >> 18) & 0x3F]);
        out.push_back(alphabet[(n >> 12) & 0x3F]);
        out.push_back(alphabet[(n >> 6) & 0x3F]);
        if (pad) out.push_back('=');
    }
    return out;
}

// Decodes characters without padding. A tail of 2 or 3 characters carries 4 or 2 unused
// bits that must be zero; a tail of 1 character cannot encode a byte and is rejected.
std::optional<std::string> decode_unpadded(std::string_view text, const DecodeTable& table,
                                           bool canonical = true) {
    if (text.size() % 4 == 1) return std::nullopt;
    auto value = [&table](char c) { return table[static_cast<unsigned char>(c)]; };
    // whole groups of four characters, three bytes each, then the tail
    const std::size_t whole = text.size() / 4 * 4;
    std::string out(whole / 4 * 3, '\0');
    char* to = out.data();
    for (std::size_t i = 0; i < whole; i += 4) {
        const std::int8_t a = value(text[i]), b = value(text[i + 1]), c = value(text[i + 2]),
                          d = value(text[i + 3]);
        if ((a | b | c | d) < 0) return std::nullopt;  // kInvalid is the only negative value
        const std::uint32_t n = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12) |
                                (std::uint32_t(c) << 6) | std::uint32_t(d);
        *to++ = static_cast<char>(n >> 16);
        *to++ = static_cast<char>((n >> 8) & 0xFF);
        *to++ = static_cast<char>(n & 0xFF);
    }
    std::uint32_t acc = 0;
    int bits = 0;
    for (std::size_t i = whole; i < text.size(); ++i) {
        const std::int8_t v = value(text[i]);
        if (v == kInvalid) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xFF));
        }
    }
    // Left-over bits (2 or 4 of them) must be zero so that the spelling is canonical.
    if (canonical && bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

}  // namespace

// JWT segments are unpadded base64url; anything else (padding included) is not a segment.
std::optional<std::string> base64url_decode(std::string_view text) {
    return decode_unpadded(text, kUrlDecode);
}

// What both of LiveKit's receivers decode (base64.hpp): whitespace they both skip is dropped,
// then unpadded base64url with the unused trailing bits ignored.
std::optional<std::string> base64url_decode_signature(std::string_view text) {
    std::string characters;
    characters.reserve(text.size());
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r') continue;
        characters.push_back(c);
    }
    return decode_unpadded(characters, kUrlDecode, false);
}

// Padded base64 as written by LiveKit's `sha256` claim and plain-HMAC senders. Besides the
// length and padding rules, non-zero trailing bits are rejected, like base64url_decode.
std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::size_t padding = 0;
    while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
        ++padding;
    }
    // A third '=' (or one in the middle) is not in the alphabet and fails below.
    return decode_unpadded(text.substr(0, text.size() - padding), kStdDecode);
}

// Used to compare with the `sha256` claim, which is padded standard base64.
std::string base64_encode(std::string_view bytes) {
    return encode(bytes, kStdAlphabet, true);
}

// Used to build JWT segments (tests and tools mint tokens with it).
std::string base64url_encode(std::string_view bytes) {
    return encode(bytes, kUrlAlphabet, false);
}

// Plain-HMAC signatures are commonly hex; either case is accepted.
std::optional<std::string> hex_decode(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const int hi = ascii_hex_value(text[i]);
        const int lo = ascii_hex_value(text[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>((hi << 4) | lo));
    }
    return out;
}

}  // namespace callout::core
