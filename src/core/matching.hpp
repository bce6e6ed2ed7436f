// Which call an event belongs to (DESIGN.md §6): the one rule a delivery storing its event, a
// registration and an inbound call attaching the events that waited all use. The bridge finds
// the candidates (src/pg/matching.cpp); this chooses among them.
#pragma once
#include "no_postgres.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace callout::core {

// A call that may be the event's: its tenant and origin ("registered", "phone_route" or
// "tenant_key").
struct CallCandidate {
    std::string_view user_id;
    std::string_view origin;
};

// The tenant a key is bound to; none for an unbound key (the platform's).
using KeyTenant = std::optional<std::string_view>;

// Whether a key of tenant key_user_id may touch a call of that tenant and origin: a tenant's key
// only its tenant's calls; an unbound key every call but those a tenant's key created.
bool key_may_touch(KeyTenant key_user_id, const CallCandidate& call);

// Where the chosen call is: bound[index] or named[index].
struct MatchedCandidate {
    bool bound;
    std::size_t index;
};

// The call an event belongs to, for a key of tenant key_user_id:
// - bound: the calls bound to the event's room sid under the event's room name (any status).
//   When there is any, the one of them the key may touch, if exactly one; else none (a sid bound
//   under this name only to calls the key may not touch matches nothing, and a late event never
//   reaches a later call of the same name).
// - else named: the open calls of the event's room name whose sid is not bound; the one the key
//   may touch and whose tenant holds the event's sid on no other call (sid_tenants: the tenants
//   of every call bound to the sid, under any name: a sid is unique per tenant), if exactly one.
std::optional<MatchedCandidate> matching_call(const CallCandidate* bound, std::size_t bound_count,
                                              const CallCandidate* named, std::size_t named_count,
                                              const std::string_view* sid_tenants,
                                              std::size_t sid_tenant_count, KeyTenant key_user_id);

}  // namespace callout::core
