// The matching rule (matching.hpp).
#include "core/matching.hpp"

#include <algorithm>

namespace callout::core {

bool key_may_touch(KeyTenant key_user_id, const CallCandidate& call) {
    if (key_user_id) return call.user_id == *key_user_id;
    return call.origin != "tenant_key";
}

std::optional<MatchedCandidate> matching_call(const CallCandidate* bound, std::size_t bound_count,
                                              const CallCandidate* named, std::size_t named_count,
                                              const std::string_view* sid_tenants,
                                              std::size_t sid_tenant_count, KeyTenant key_user_id) {
    std::optional<MatchedCandidate> chosen;
    if (bound_count > 0) {
        for (std::size_t i = 0; i < bound_count; ++i) {
            if (!key_may_touch(key_user_id, bound[i])) continue;
            if (chosen) return std::nullopt;  // two: none
            chosen = MatchedCandidate{true, i};
        }
        return chosen;
    }
    const std::string_view* sid_tenants_end = sid_tenants + sid_tenant_count;
    for (std::size_t i = 0; i < named_count; ++i) {
        if (!key_may_touch(key_user_id, named[i]) ||
            std::find(sid_tenants, sid_tenants_end, named[i].user_id) != sid_tenants_end)
            continue;
        if (chosen) return std::nullopt;
        chosen = MatchedCandidate{false, i};
    }
    return chosen;
}

}  // namespace callout::core
