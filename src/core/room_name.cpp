// Facts carried by LiveKit room names (DESIGN.md §4).
#include "room_name.hpp"

#include "ascii.hpp"

#include <cstddef>

namespace callout::core {

namespace {

constexpr std::size_t kMinE164Digits = 7;
constexpr std::size_t kMaxE164Digits = 15;

// An E.164 number as a whole: `+` then 7-15 ASCII digits, nothing else.
bool is_e164(std::string_view text) {
    if (text.size() < 1 + kMinE164Digits || text.size() > 1 + kMaxE164Digits) return false;
    if (text.front() != '+') return false;
    for (std::size_t i = 1; i < text.size(); ++i) {
        if (!is_ascii_digit(text[i])) return false;
    }
    return true;
}

}  // namespace

// LiveKit's dispatch rules name an individual room `<prefix>_<caller>_<random>`. Only a
// segment closed by an underscore on both sides counts: a number at the very start or end of
// the name (`+14155550123_x`, `x_+14155550123`) is not in that shape and is not taken, so a
// free-form room name that merely ends in digits is never mistaken for a caller.
std::string_view phone_number_from_room(std::string_view room_name) {
    std::size_t open = room_name.find('_');
    while (open != std::string_view::npos) {
        const std::size_t close = room_name.find('_', open + 1);
        if (close == std::string_view::npos) break;
        const std::string_view segment = room_name.substr(open + 1, close - open - 1);
        if (is_e164(segment)) return segment;
        open = close;
    }
    return {};
}

// Outbound dialers name campaign rooms `outbound-campaign-<id>-<lead>-<random>`; the id is the
// text after the prefix up to the next `-`, or to the end of the name when no `-` follows
// (`outbound-campaign-4711`). The prefix is matched case-sensitively, as room names are.
std::string_view campaign_id_from_room(std::string_view room_name) {
    constexpr std::string_view kPrefix = "outbound-campaign-";
    if (room_name.substr(0, kPrefix.size()) != kPrefix) return {};
    const std::string_view rest = room_name.substr(kPrefix.size());
    return rest.substr(0, rest.find('-'));
}

}  // namespace callout::core
