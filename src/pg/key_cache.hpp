// The signing keys a backend verified with, kept between deliveries so a token's issuer is not
// looked up by a statement each time (DESIGN.md §3). Every change to callout.signing_key sends
// an invalidation (the statement trigger callout._signing_keys_changed) that empties the cache in
// every backend of the database, as PostgreSQL's own caches are kept.
#pragma once

#include <optional>
#include <string_view>

extern "C" {
#include "postgres.h"
#include "utils/relcache.h"
}

namespace callout::pg {

// The key a delivery verified with: views into PostgreSQL memory; api_key empty when none did.
struct SigningKey {
    std::string_view api_key;
    std::string_view api_secret;
    std::string_view user_id;  // empty for an unbound key
};

// The cached key of this issuer, copied into the current memory context (an invalidation during
// the delivery cannot free it); none when it is not cached. Reads the invalidations that arrived
// first, so a change another session committed before is seen.
std::optional<SigningKey> cached_key(std::string_view issuer);

// Keeps a key a statement just read, when that statement's snapshot was taken after the
// invalidations were read (READ COMMITTED): an older snapshot might predate a change whose
// invalidation was already read, and the entry would outlive it.
void remember_key(const SigningKey& key);

// Registers the end-of-transaction callback (from _PG_init).
void define_key_cache_callbacks();

// Empties the cache when callout.signing_key changed (relid; InvalidOid: every relation, as when
// every cache was reset). For the module's invalidation callback: no catalog access (it may run
// while invalidations are read), nothing that raises.
void forget_cached_keys(Oid relid);

// For the trigger (before each statement that changes the keys): empties this backend's cache,
// which keeps no key until the transaction ends, and sends the invalidation of
// callout.signing_key (relation) to the other backends at commit.
void invalidate_key_caches(Relation relation);

}  // namespace callout::pg
