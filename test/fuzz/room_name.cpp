// Fuzzes room-name parsing (phone number and campaign id) with arbitrary names, against small
// reference readings of the same rules written differently (split on '_', prefix then '-').
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/ascii.hpp"
#include "core/livekit_event.hpp"
#include "core/room_name.hpp"
#include "fuzz_support.hpp"

namespace core = callout::core;
using callout::fuzz::as_text;
using callout::fuzz::is_view_into;

namespace {

// `+` and 7 to 15 ASCII digits, nothing else.
bool is_e164(std::string_view text) {
    if (text.size() < 8 || text.size() > 16 || text[0] != '+') return false;
    for (std::size_t i = 1; i < text.size(); ++i) {
        if (!core::is_ascii_digit(text[i])) return false;
    }
    return true;
}

// The reference: the name split on every '_'; the parts with an underscore on both sides are
// all but the first and the last; the first of them that is an E.164 number.
std::string_view reference_phone_number(std::string_view name) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= name.size(); ++i) {
        if (i == name.size() || name[i] == '_') {
            parts.push_back(name.substr(start, i - start));
            start = i + 1;
        }
    }
    for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
        if (is_e164(parts[i])) return parts[i];
    }
    return {};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view name = as_text(data, size);

    const std::string_view phone = core::phone_number_from_room(name);
    const std::string_view expected_phone = reference_phone_number(name);
    FUZZ_CHECK(phone == expected_phone);
    if (!phone.empty()) {
        // The very part of the name, between two underscores.
        FUZZ_CHECK(phone.data() == expected_phone.data());
        FUZZ_CHECK(is_view_into(phone, name));
        FUZZ_CHECK(phone.data() > name.data() && phone.data()[-1] == '_');
        FUZZ_CHECK(phone.data() + phone.size() < name.data() + name.size() &&
                   phone.data()[phone.size()] == '_');
    }

    constexpr std::string_view kPrefix = "outbound-campaign-";
    const std::string_view campaign = core::campaign_id_from_room(name);
    if (name.substr(0, kPrefix.size()) != kPrefix) {
        FUZZ_CHECK(campaign.empty());
    } else {
        FUZZ_CHECK(campaign.find('-') == std::string_view::npos);
        FUZZ_CHECK(campaign.empty() || campaign.data() == name.data() + kPrefix.size());
        const std::size_t after = kPrefix.size() + campaign.size();
        FUZZ_CHECK(after == name.size() || name[after] == '-');
    }

    // The event-level readings defer to the room name when LiveKit reports no number.
    core::LivekitEvent event;
    event.room_name = name;
    FUZZ_CHECK(core::event_phone_number(event) == phone);
    FUZZ_CHECK(core::event_campaign_id(event) == campaign);
    event.sip_phone_number = "+15550100";
    FUZZ_CHECK(core::event_phone_number(event) == "+15550100");
    return 0;
}
