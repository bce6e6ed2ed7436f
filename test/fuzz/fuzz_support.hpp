// What every fuzz target shares: reading an input as newline-separated fields (the format the
// seed generator writes), reading numbers out of them, and stopping the run with a message when
// a property does not hold (libFuzzer then saves the input that broke it).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

// Aborts with the failed property and where it is; unlike assert() it is never compiled out.
#define FUZZ_CHECK(condition)                                                                     \
    do {                                                                                          \
        if (!(condition)) {                                                                       \
            std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                         \
        }                                                                                         \
    } while (false)

namespace callout::fuzz {

// Hex of bytes in either case, written independently of the code under test (core's hex).
inline std::string to_hex(std::string_view bytes, bool upper = false) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string out;
    for (const char c : bytes) {
        out.push_back(digits[static_cast<unsigned char>(c) >> 4]);
        out.push_back(digits[static_cast<unsigned char>(c) & 0xF]);
    }
    return out;
}

// The fuzzer's bytes as text (any bytes, NUL included).
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Hands out an input's fields one line (or one separator-delimited word) at a time; a missing
// field is empty, and the last field can take the rest of the input, line ends and all (a
// body, JSON text).
class Fields {
  public:
    explicit Fields(std::string_view text, char separator = '\n')
        : rest_(text), separator_(separator) {}

    std::string_view line() {
        const std::size_t end = rest_.find(separator_);
        const std::string_view field = rest_.substr(0, end);
        rest_ = end == std::string_view::npos ? std::string_view{} : rest_.substr(end + 1);
        return field;
    }

    std::string_view rest() const { return rest_; }

  private:
    std::string_view rest_;
    char separator_;
};

// A whole field as a decimal int64 (optional sign); nullopt for anything else or an overflow.
inline std::optional<std::int64_t> parse_int64(std::string_view text) {
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || ptr != end || text.empty()) return std::nullopt;
    return value;
}

// A whole field as a double (from_chars: no locale, no leading '+'); nullopt for anything else.
inline std::optional<double> parse_double(std::string_view text) {
    double value = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || ptr != end || text.empty()) return std::nullopt;
    return value;
}

// True when part is a view into whole (the core returns views, never copies, for these).
inline bool is_view_into(std::string_view part, std::string_view whole) {
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

}  // namespace callout::fuzz
