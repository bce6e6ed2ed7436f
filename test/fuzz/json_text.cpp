// Fuzzes the JSON text helpers ingestion runs before and after PostgreSQL parses a body:
// rewriting `\u0000` escapes, and recognising secret keys. The rewrite touches only the four
// digits of each escape it counts, stays inside the length it is given, finds nothing left on
// a second pass, and (checked with nlohmann::json as an independent parser) turns valid JSON
// into valid JSON that reads the same with U+0000 replaced by U+FFFD.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/json_text.hpp"
#include "fuzz_support.hpp"

namespace core = callout::core;
using callout::fuzz::as_text;
using callout::fuzz::Fields;
using Json = nlohmann::json;

namespace {

constexpr std::string_view kNulEscape = "\\u0000";
constexpr std::string_view kReplacementEscape = "\\ufffd";

// Every string (key or value) of value with U+0000 replaced by U+FFFD. Clears keys_kept when
// two keys of one object become the same key, where "the last one wins" could then pick a
// different member than the rewritten text does.
Json replace_nul_characters(const Json& value, bool& keys_kept) {
    const auto replace = [](std::string text) {
        for (std::size_t at = text.find('\0'); at != std::string::npos; at = text.find('\0', at)) {
            text.replace(at, 1, "\xEF\xBF\xBD");
        }
        return text;
    };
    if (value.is_string()) return replace(value.get<std::string>());
    if (value.is_array()) {
        Json out = Json::array();
        for (const Json& item : value) out.push_back(replace_nul_characters(item, keys_kept));
        return out;
    }
    if (value.is_object()) {
        Json out = Json::object();
        for (auto it = value.begin(); it != value.end(); ++it) {
            out[replace(it.key())] = replace_nul_characters(it.value(), keys_kept);
        }
        if (out.size() != value.size()) keys_kept = false;
        return out;
    }
    return value;
}

// The rewrite of text in a copy, with its count checked against the bytes it changed.
std::string rewritten(const std::string& text, std::size_t& count) {
    std::string out = text;
    count = core::replace_nul_escapes(out.data(), out.size());
    std::size_t escapes = 0;
    std::size_t changed = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != out[i]) ++changed;
        if (text.compare(i, kNulEscape.size(), kNulEscape) == 0 &&
            out.compare(i, kReplacementEscape.size(), kReplacementEscape) == 0) {
            ++escapes;
        }
    }
    FUZZ_CHECK(escapes == count);
    FUZZ_CHECK(changed == 4 * count);
    return out;
}

// The secret keys, listed again here so that a change to the list is a deliberate one: names
// secret anywhere, and names secret only under their parent (and grandparent).
bool reference_is_secret(std::string_view key, std::string_view parent,
                         std::string_view grandparent) {
    constexpr std::string_view kSecrets[] = {
        "turnPassword",         "accessKey",   "secret",     "sessionToken",
        "assumeRoleExternalId", "credentials", "accountKey", "urls",
        "websocketUrl",         "signingKey",  "streamKey",  "authPassword",
    };
    if (std::find(std::begin(kSecrets), std::end(kSecrets), key) != std::end(kSecrets)) return true;
    if ((key == "username" || key == "password") && parent == "proxy") return true;
    if (key == "accountName" && parent == "azure") return true;
    return key == "url" &&
           (parent == "streamResults" || (parent == "info" && grandparent == "stream"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(as_text(data, size));

    std::size_t count = 0;
    const std::string once = rewritten(text, count);
    std::size_t count_again = 0;
    FUZZ_CHECK(rewritten(once, count_again) == once);
    FUZZ_CHECK(count_again == 0);

    // Given a shorter length, nothing past it is touched.
    std::string prefix_only = text;
    const std::size_t length = size / 2;
    core::replace_nul_escapes(prefix_only.data(), length);
    FUZZ_CHECK(prefix_only.compare(length, std::string::npos, text, length) == 0);

    const Json before = Json::parse(text, nullptr, false);
    if (!before.is_discarded()) {
        const Json after = Json::parse(once, nullptr, false);
        FUZZ_CHECK(!after.is_discarded());
        bool keys_kept = true;
        const Json expected = replace_nul_characters(before, keys_kept);
        if (keys_kept) FUZZ_CHECK(after == expected);
    }

    // lines as keys, each with the two lines before it as its parent and grandparent
    Fields fields(text);
    std::string_view parent, grandparent;
    for (std::string_view key = fields.line(); !key.empty(); key = fields.line()) {
        FUZZ_CHECK(core::is_secret_field(key) == reference_is_secret(key, {}, {}));
        FUZZ_CHECK(core::is_secret_field(key, parent, grandparent) ==
                   reference_is_secret(key, parent, grandparent));
        grandparent = parent;
        parent = key;
    }
    FUZZ_CHECK(core::is_secret_field(text) == reference_is_secret(text, {}, {}));
    return 0;
}
