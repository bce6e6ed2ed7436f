// Fuzzes the plain HMAC-SHA256 signature forms. Input: the secret, the signature as sent, then
// the body (the rest of the input). Beyond "never crashes", it checks that routing and
// verification agree, that every accepted spelling of the true MAC verifies, and that a MAC
// with one bit flipped, a changed body or another secret never does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base64.hpp"
#include "core/crypto.hpp"
#include "core/plain_hmac.hpp"
#include "fuzz_support.hpp"

namespace core = callout::core;
using callout::fuzz::as_text;
using callout::fuzz::Fields;
using callout::fuzz::to_hex;

namespace {

// The ways a sender may write mac: hex in either case or padded base64, each bare, after
// "sha256=", with the optional whitespace around it, or both; which of the four decorations
// is tried varies with the input (every one of them on each input would halve the speed).
void check_spellings(std::string_view body, std::string_view secret, const std::string& mac,
                     bool expect_valid, std::size_t variant) {
    const std::string forms[] = {to_hex(mac, false), to_hex(mac, true), core::base64_encode(mac)};
    for (const std::string& form : forms) {
        const std::string decorated[] = {form, "sha256=" + form, " \t" + form + "\t ",
                                         "\tsha256=" + form + " "};
        const std::string& signature = decorated[variant % 4];
        FUZZ_CHECK(core::looks_like_plain_hmac(signature));
        FUZZ_CHECK(core::verify_plain_hmac(body, signature, secret) == expect_valid);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Fields fields(as_text(data, size));
    const std::string_view secret = fields.line();
    const std::string_view signature = fields.line();
    const std::string_view body = fields.rest();

    // The signature as sent: verification never accepts what routing would send elsewhere,
    // nor anything without a secret.
    const bool looks_plain = core::looks_like_plain_hmac(signature);
    const bool valid = core::verify_plain_hmac(body, signature, secret);
    if (valid) {
        FUZZ_CHECK(looks_plain);
        FUZZ_CHECK(!secret.empty());
        FUZZ_CHECK(!core::verify_plain_hmac(std::string(body) + "x", signature, secret));
    }
    if (signature.size() > core::max_plain_signature_bytes) FUZZ_CHECK(!looks_plain && !valid);
    FUZZ_CHECK(!core::verify_plain_hmac(body, signature, ""));

    // The true MAC in every spelling verifies (given a secret), and no near miss does.
    std::string mac = core::hmac_sha256(secret, body);
    check_spellings(body, secret, mac, !secret.empty(), size);
    if (secret.empty()) return 0;
    for (const std::string& other_secret :
         {std::string(secret) + "x", std::string(secret.substr(1))}) {
        FUZZ_CHECK(!core::verify_plain_hmac(body, to_hex(mac, false), other_secret) ||
                   core::hmac_sha256(other_secret, body) == mac);
    }
    const std::size_t bit = size % (mac.size() * 8);
    mac[bit / 8] = static_cast<char>(mac[bit / 8] ^ (1 << (bit % 8)));
    check_spellings(body, secret, mac, false, size / 4);
    return 0;
}
