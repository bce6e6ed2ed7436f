// SHA-256, HMAC-SHA256 and constant-time comparison through OpenSSL 3's non-deprecated API.
#include "crypto.hpp"

#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

namespace callout::core {

namespace {

// OpenSSL wants a valid pointer even for zero bytes; an empty std::string_view may hold null.
const unsigned char* bytes_of(std::string_view data) {
    static constexpr unsigned char kEmpty[1] = {0};
    return data.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(data.data());
}

// SHA-256 fetched once from OpenSSL's providers and kept (a plain pointer, never freed): the
// legacy EVP_sha256() handle makes every digest and HMAC fetch its implementation again, a lock
// and a lookup per call.
const EVP_MD* sha256_md() {
    static EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched != nullptr ? fetched : EVP_sha256();
}

}  // namespace

// The body hash LiveKit puts in the `sha256` claim; one-shot EVP_Digest, no context to leak.
std::string sha256(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes_of(data), data.size(), digest, &length, sha256_md(), nullptr) != 1 ||
        length != 32) {
        throw std::runtime_error("OpenSSL SHA-256 failed");
    }
    return std::string(reinterpret_cast<const char*>(digest), length);
}

// An HMAC-SHA256 context made once and kept (a plain pointer, never freed); each use sets its
// key anew. The one-shot HMAC() would allocate three digest contexts and look the algorithm up
// again on every call. nullptr when OpenSSL cannot provide one.
EVP_MAC_CTX* hmac_sha256_context() {
    static EVP_MAC_CTX* const context = [] {
        EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
        EVP_MAC_CTX* made = mac != nullptr ? EVP_MAC_CTX_new(mac) : nullptr;
        EVP_MAC_free(mac);  // the context keeps its own reference
        char digest[] = "SHA256";
        const OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
            OSSL_PARAM_construct_end()};
        if (made != nullptr && EVP_MAC_CTX_set_params(made, params) != 1) {
            EVP_MAC_CTX_free(made);
            made = nullptr;
        }
        return made;
    }();
    return context;
}

// Signs JWTs (HS256) and plain-HMAC bodies.
std::string hmac_sha256(std::string_view key, std::string_view data) {
    EVP_MAC_CTX* context = hmac_sha256_context();
    unsigned char mac[EVP_MAX_MD_SIZE];
    std::size_t length = 0;
    if (context == nullptr || EVP_MAC_init(context, bytes_of(key), key.size(), nullptr) != 1 ||
        EVP_MAC_update(context, bytes_of(data), data.size()) != 1 ||
        EVP_MAC_final(context, mac, &length, sizeof mac) != 1 || length != 32) {
        throw std::runtime_error("OpenSSL HMAC-SHA256 failed");
    }
    return std::string(reinterpret_cast<const char*>(mac), length);
}

// Compares secrets (MACs, hashes) without leaking where the first difference is.
bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace callout::core
