// The lock registration and delivery share on a room (DESIGN.md §6).
#pragma once

extern "C" {
#include "postgres.h"
}

namespace callout::pg {

// Takes the transaction-scoped lock that registration and delivery share on a room name, so
// neither can miss the other; an ERROR (0A000) outside READ COMMITTED.
void lock_room(text* room_name);

}  // namespace callout::pg
