// Fuzzes the base64, base64url and hex decoders with arbitrary text. The decoders are strict
// (one value, one spelling), so whatever they accept must encode back to exactly the same
// text, and whatever bytes are encoded must decode back to themselves.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/ascii.hpp"
#include "core/base64.hpp"
#include "fuzz_support.hpp"

namespace core = callout::core;
using callout::fuzz::as_text;
using callout::fuzz::to_hex;

namespace {

// True when every character of text is in alphabet.
bool only_from(std::string_view text, std::string_view alphabet) {
    return text.find_first_not_of(alphabet) == std::string_view::npos;
}

constexpr std::string_view kStd =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The input as text to decode: accepted text is canonical, so it re-encodes to itself.
void check_decoders(std::string_view text) {
    if (const std::optional<std::string> bytes = core::base64url_decode(text)) {
        FUZZ_CHECK(core::base64url_encode(*bytes) == text);
        FUZZ_CHECK(bytes->size() == text.size() * 3 / 4);
    }
    if (const std::optional<std::string> bytes = core::base64_decode(text)) {
        FUZZ_CHECK(core::base64_encode(*bytes) == text);
        FUZZ_CHECK(text.size() % 4 == 0);
    }
    if (const std::optional<std::string> bytes = core::hex_decode(text)) {
        FUZZ_CHECK(bytes->size() * 2 == text.size());
        std::string lower(text);
        for (char& c : lower) c = core::ascii_lower(c);
        FUZZ_CHECK(to_hex(*bytes) == lower);
    }
}

// The input as bytes to encode: the encoders' output uses only their alphabet, has the
// length the RFC gives, and decodes back to the same bytes.
void check_encoders(std::string_view bytes) {
    const std::string url = core::base64url_encode(bytes);
    FUZZ_CHECK(only_from(url, kUrl));
    FUZZ_CHECK(url.size() == (bytes.size() * 4 + 2) / 3);
    FUZZ_CHECK(core::base64url_decode(url) == std::optional<std::string>(bytes));

    const std::string padded = core::base64_encode(bytes);
    FUZZ_CHECK(padded.size() == (bytes.size() + 2) / 3 * 4);
    const std::size_t unpadded = padded.find_last_not_of('=') + 1;
    FUZZ_CHECK(bytes.empty() || only_from(std::string_view(padded).substr(0, unpadded), kStd));
    FUZZ_CHECK(core::base64_decode(padded) == std::optional<std::string>(bytes));

    FUZZ_CHECK(core::hex_decode(to_hex(bytes)) == std::optional<std::string>(bytes));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input = as_text(data, size);
    check_decoders(input);
    check_encoders(input);
    return 0;
}
