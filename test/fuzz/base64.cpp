// Fuzzes the base64, base64url and hex decoders with arbitrary text. The decoders are strict
// (one value, one spelling), so whatever they accept must encode back to exactly the same
// text, and whatever bytes are encoded must decode back to themselves. The one lenient decoder,
// of JWS signature segments, accepts exactly the strict spelling with its unused trailing bits
// in any state and whitespace (tab, line feed, form feed, carriage return, space) anywhere.
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

// The text without the whitespace the signature decoder skips.
std::string without_skipped_whitespace(std::string_view text) {
    std::string kept;
    for (char c : text)
        if (c != ' ' && c != '\t' && c != '\n' && c != '\f' && c != '\r') kept.push_back(c);
    return kept;
}

// The signature decoder: what it accepts is the canonical spelling of its bytes once the
// whitespace is gone and the unused trailing bits cleared; what strict base64url accepts, it
// decodes the same.
void check_signature_decoder(std::string_view text) {
    const std::optional<std::string> bytes = core::base64url_decode_signature(text);
    const std::string kept = without_skipped_whitespace(text);
    const bool decodable = only_from(kept, kUrl) && kept.size() % 4 != 1;
    FUZZ_CHECK(bytes.has_value() == decodable);
    if (!bytes) return;
    const std::string canonical = core::base64url_encode(*bytes);
    FUZZ_CHECK(canonical.size() == kept.size());
    // equal but for the last character, which differs only in its unused bits
    FUZZ_CHECK(canonical.substr(0, kept.empty() ? 0 : kept.size() - 1) ==
               kept.substr(0, kept.empty() ? 0 : kept.size() - 1));
    if (!kept.empty()) {
        const unsigned unused = kept.size() % 4 == 2 ? 15u : kept.size() % 4 == 3 ? 3u : 0u;
        FUZZ_CHECK((kUrl.find(canonical.back()) | unused) == (kUrl.find(kept.back()) | unused));
    }
    if (const std::optional<std::string> strict = core::base64url_decode(text))
        FUZZ_CHECK(*strict == *bytes);
}

// The input as text to decode: accepted text is canonical, so it re-encodes to itself.
void check_decoders(std::string_view text) {
    check_signature_decoder(text);
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
