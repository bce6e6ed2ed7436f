// SHA-256, HMAC-SHA256 and constant-time comparison through OpenSSL 3's non-deprecated API.
#include "crypto.hpp"

#include <climits>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace callout::core {

namespace {

// OpenSSL wants a valid pointer even for zero bytes; an empty std::string_view may hold null.
const unsigned char* bytes_of(std::string_view data) {
    static constexpr unsigned char kEmpty[1] = {0};
    return data.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(data.data());
}

}  // namespace

// The body hash LiveKit puts in the `sha256` claim; one-shot EVP_Digest, no context to leak.
std::string sha256(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(bytes_of(data), data.size(), digest, &length, EVP_sha256(), nullptr) != 1 ||
        length != 32) {
        throw std::runtime_error("OpenSSL SHA-256 failed");
    }
    return std::string(reinterpret_cast<const char*>(digest), length);
}

// Signs JWTs (HS256) and plain-HMAC bodies; the one-shot HMAC() keeps no state between calls.
std::string hmac_sha256(std::string_view key, std::string_view data) {
    if (key.size() > static_cast<std::size_t>(INT_MAX)) {
        throw std::runtime_error("HMAC key too long");
    }
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), bytes_of(key), static_cast<int>(key.size()), bytes_of(data), data.size(),
             mac, &length) == nullptr ||
        length != 32) {
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
