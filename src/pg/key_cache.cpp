// The key cache (key_cache.hpp): a hash table in a memory context of its own, emptied by a
// relcache invalidation of callout.signing_key (or a reset of every cache).
#include <cstdint>
#include <cstring>

#include "core/limits.hpp"
#include "pg/key_cache.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/namespace.h"
#include "storage/sinval.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
}

namespace callout::pg {
namespace {

// Issuers longer than a stored key are looked up by the statement each time; a backend keeps at
// most this many keys (then starts again).
constexpr std::size_t cached_issuer_bytes = core::max_key_bytes;
constexpr long max_cached_keys = 1024;

// The hash key: the issuer's exact bytes, zero-padded (an issuer may hold any byte, NUL too).
struct Issuer {
    std::uint16_t size;
    char bytes[cached_issuer_bytes];
};

struct CachedKey {
    Issuer issuer;  // first: the hash key
    char* api_secret;
    std::size_t api_secret_size;
    char* user_id;  // nullptr: unbound
    std::size_t user_id_size;
};

MemoryContext cache_context = nullptr;  // under TopMemoryContext; reset empties the cache
HTAB* cached_keys = nullptr;            // in cache_context; nullptr while empty
// resolved each time the cache starts: callout dropped and created again is a new table
Oid signing_key_relid = InvalidOid;
// this transaction changed the keys: until it ends, every key is read by its statement (the
// change may be in the very statement that delivers, before its triggers' invalidation is read)
bool keys_changed_in_transaction = false;

// A transaction that changed the keys has ended: the cache may keep keys again.
void end_key_changes(XactEvent event, void*) {
    if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_PARALLEL_COMMIT ||
        event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT ||
        event == XACT_EVENT_PREPARE)
        keys_changed_in_transaction = false;
}

Issuer issuer_of(std::string_view name) {
    Issuer issuer = {};
    issuer.size = std::uint16_t(name.size());
    std::memcpy(issuer.bytes, name.data(), name.size());
    return issuer;
}

// A copy of size bytes at data in memory context (never NULL: an empty view has a data pointer).
char* copy_bytes(MemoryContext context, const char* data, std::size_t size) {
    char* copy = static_cast<char*>(MemoryContextAlloc(context, size + 1));
    std::memcpy(copy, data, size);
    copy[size] = '\0';
    return copy;
}

}  // namespace

std::optional<SigningKey> cached_key(std::string_view issuer) {
    AcceptInvalidationMessages();
    if (cached_keys == nullptr || keys_changed_in_transaction || issuer.empty() ||
        issuer.size() > cached_issuer_bytes)
        return std::nullopt;
    const Issuer wanted = issuer_of(issuer);
    auto* found = static_cast<CachedKey*>(hash_search(cached_keys, &wanted, HASH_FIND, nullptr));
    if (found == nullptr) return std::nullopt;
    MemoryContext here = CurrentMemoryContext;
    return SigningKey{
        {copy_bytes(here, issuer.data(), issuer.size()), issuer.size()},
        {copy_bytes(here, found->api_secret, found->api_secret_size), found->api_secret_size},
        found->user_id == nullptr
            ? std::string_view()
            : std::string_view(copy_bytes(here, found->user_id, found->user_id_size),
                               found->user_id_size)};
}

void remember_key(const SigningKey& key) {
    if (XactIsoLevel != XACT_READ_COMMITTED || keys_changed_in_transaction || key.api_key.empty() ||
        key.api_key.size() > cached_issuer_bytes)
        return;
    if (cached_keys != nullptr && hash_get_num_entries(cached_keys) >= max_cached_keys)
        forget_cached_keys(InvalidOid);
    if (cached_keys == nullptr) {
        signing_key_relid = get_relname_relid("signing_key", get_namespace_oid("callout", false));
        if (cache_context == nullptr)
            cache_context =
                AllocSetContextCreate(TopMemoryContext, "callout keys", ALLOCSET_SMALL_SIZES);
        HASHCTL control = {};
        control.keysize = sizeof(Issuer);
        control.entrysize = sizeof(CachedKey);
        control.hcxt = cache_context;
        cached_keys =
            hash_create("callout keys", 16, &control, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    }
    // copied first: an entry is entered only whole
    char* api_secret = copy_bytes(cache_context, key.api_secret.data(), key.api_secret.size());
    char* user_id = key.user_id.empty()
                        ? nullptr
                        : copy_bytes(cache_context, key.user_id.data(), key.user_id.size());
    const Issuer issuer = issuer_of(key.api_key);
    auto* entry = static_cast<CachedKey*>(hash_search(cached_keys, &issuer, HASH_ENTER, nullptr));
    entry->api_secret = api_secret;
    entry->api_secret_size = key.api_secret.size();
    entry->user_id = user_id;
    entry->user_id_size = key.user_id.size();
}

void define_key_cache_callbacks() {
    RegisterXactCallback(end_key_changes, nullptr);
}

void forget_cached_keys(Oid relid) {
    if (cached_keys == nullptr || (relid != InvalidOid && relid != signing_key_relid)) return;
    cached_keys = nullptr;
    MemoryContextReset(cache_context);
}

void invalidate_key_caches(Relation relation) {
    keys_changed_in_transaction = true;
    forget_cached_keys(InvalidOid);
    CacheInvalidateRelcache(relation);
}

}  // namespace callout::pg
