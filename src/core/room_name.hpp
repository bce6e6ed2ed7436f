// Facts carried by LiveKit room names (DESIGN.md §4).
#pragma once
#include "no_postgres.hpp"

#include <string_view>

namespace callout::core {

// The E.164 number (`+` and 7-15 digits) standing between underscores in a dispatch-rule room
// name such as `call-_+14155550123_abc`; the first one found. Empty when there is none.
std::string_view phone_number_from_room(std::string_view room_name);

// The campaign id of an outbound room named `outbound-campaign-<id>-...`: the text between
// the prefix and the next `-`. Empty when the room is not a campaign room.
std::string_view campaign_id_from_room(std::string_view room_name);

}  // namespace callout::core
