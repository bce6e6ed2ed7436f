// Verification of LiveKit's webhook token (DESIGN.md §3). The header and claims are small JSON
// objects read with nlohmann::json's SAX parser, without exceptions and without building a
// document; the body is never parsed here.
#include "livekit_token.hpp"

#include "ascii.hpp"
#include "base64.hpp"
#include "crypto.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace callout::core {

namespace {

using Json = nlohmann::json;

using Member = TokenMember;

// The members a segment is read for, by name.
struct WantedMember {
    const char* name;
    Member* member;
};

// nlohmann's SAX interface over one JSON text: fills the wanted top-level members of an object
// (the last of duplicate keys wins, as in a parsed document) and builds no document, so a
// segment costs one pass and no allocation per member. Anything but an object fails the parse.
class MemberReader {
  public:
    using number_integer_t = Json::number_integer_t;
    using number_unsigned_t = Json::number_unsigned_t;
    using number_float_t = Json::number_float_t;
    using string_t = Json::string_t;
    using binary_t = Json::binary_t;

    MemberReader(const WantedMember* wanted, std::size_t count) : wanted_(wanted), count_(count) {}

    bool null() { return scalar(Member::Kind::other); }
    bool boolean(bool) { return scalar(Member::Kind::other); }
    bool number_integer(number_integer_t value) {
        if (Member* m = take()) m->integer = value;
        return scalar(Member::Kind::integer);
    }
    bool number_unsigned(number_unsigned_t value) {
        if (Member* m = take()) m->unsigned_integer = value;
        return scalar(Member::Kind::unsigned_integer);
    }
    bool number_float(number_float_t value, const string_t&) {
        if (Member* m = take()) m->floating = value;
        return scalar(Member::Kind::floating);
    }
    bool string(string_t& value) {
        if (Member* m = take()) m->text = std::move(value);
        return scalar(Member::Kind::string);
    }
    bool binary(binary_t&) { return false; }
    bool start_object(std::size_t) { return open(); }
    bool end_object() { return close(); }
    bool start_array(std::size_t) { return depth_ > 0 && open(); }
    bool end_array() { return close(); }
    bool key(string_t& name) {
        current_ = nullptr;
        if (depth_ != 1) return true;
        for (std::size_t i = 0; i < count_; ++i)
            if (name == wanted_[i].name) current_ = wanted_[i].member;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
        return false;
    }

  private:
    // The wanted member the value being read belongs to (a member of the object itself).
    Member* take() const { return depth_ == 1 ? current_ : nullptr; }
    // A scalar value: the whole text when at depth 0, which is not an object.
    bool scalar(Member::Kind kind) {
        if (depth_ == 0) return false;
        if (Member* m = take()) m->kind = kind;
        current_ = nullptr;
        return true;
    }
    bool open() {
        if (Member* m = take()) m->kind = Member::Kind::other;
        current_ = nullptr;
        ++depth_;
        return true;
    }
    bool close() {
        --depth_;
        return true;
    }

    const WantedMember* wanted_;
    std::size_t count_;
    Member* current_ = nullptr;
    int depth_ = 0;
};

// Decodes one JWT segment and reads the wanted members of the JSON object it must hold; false
// when it is not base64url of a JSON object.
bool read_object(std::string_view segment, const WantedMember* wanted, std::size_t count) {
    if (segment.empty()) return false;
    const std::optional<std::string> text = base64url_decode(segment);
    if (!text) return false;
    MemberReader reader(wanted, count);
    return Json::sax_parse(*text, &reader);
}

// Sign of (t - claim), computed exactly for any JSON number, so that an attacker-chosen
// `exp` or `nbf` (huge, negative, fractional, beyond int64) can neither overflow nor round.
int compare_to_claim(std::int64_t t, const Member& claim) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    if (claim.kind == Member::Kind::unsigned_integer) {
        const std::uint64_t c = claim.unsigned_integer;
        if (c > static_cast<std::uint64_t>(kMax)) return -1;
        const auto ci = static_cast<std::int64_t>(c);
        return t < ci ? -1 : (t > ci ? 1 : 0);
    }
    if (claim.kind == Member::Kind::integer) {
        const std::int64_t c = claim.integer;
        return t < c ? -1 : (t > c ? 1 : 0);
    }
    // A float: beyond [-2^63, 2^63) it is outside every int64; inside, its floor is an
    // int64 and the fractional part decides ties. JSON has no NaN or infinity.
    const double c = claim.floating;
    if (c >= 0x1p63) return -1;
    if (c < -0x1p63) return 1;
    const double f = std::floor(c);
    const auto fi = static_cast<std::int64_t>(f);
    if (t < fi) return -1;
    if (t > fi) return 1;
    return c == f ? 0 : -1;
}

// now - leeway and now + leeway without overflow: they saturate at the int64 bounds, which
// only matters for instants no clock produces. A negative leeway counts as none.
std::int64_t minus_leeway(std::int64_t now, std::int64_t leeway) {
    if (leeway <= 0) return now;
    if (now < std::numeric_limits<std::int64_t>::min() + leeway) {
        return std::numeric_limits<std::int64_t>::min();
    }
    return now - leeway;
}

std::int64_t plus_leeway(std::int64_t now, std::int64_t leeway) {
    if (leeway <= 0) return now;
    if (now > std::numeric_limits<std::int64_t>::max() - leeway) {
        return std::numeric_limits<std::int64_t>::max();
    }
    return now + leeway;
}

// A compact JWT's three segments, and the signing input (the first two with their dot).
struct TokenSegments {
    std::string_view header;
    std::string_view claims;
    std::string_view signature;
    std::string_view signing_input;
};

// Splits a token into exactly three '.'-separated segments; nullopt for any other count.
std::optional<TokenSegments> split_token(std::string_view token) {
    const std::size_t dot1 = token.find('.');
    if (dot1 == std::string_view::npos) return std::nullopt;
    const std::size_t dot2 = token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos) return std::nullopt;
    if (token.find('.', dot2 + 1) != std::string_view::npos) return std::nullopt;
    return TokenSegments{token.substr(0, dot1), token.substr(dot1 + 1, dot2 - dot1 - 1),
                         token.substr(dot2 + 1), token.substr(0, dot2)};
}

}  // namespace

std::optional<std::string> token_issuer(std::string_view authorization) {
    const ReadToken token = read_livekit_token(authorization);
    std::optional<std::string_view> issuer = token.claimed_issuer();
    if (!issuer) return std::nullopt;
    return std::string(*issuer);
}

// Reads what verification needs: empty, too long, not three segments, header or claims not JSON
// objects, signature encoding, each unreadable (the claims are read even when the header is not,
// so a rejection is recorded under the key it claims).
ReadToken read_livekit_token(std::string_view authorization) {
    ReadToken token;
    // A header that is empty or only whitespace says nothing at all.
    if (trim_ascii_space(authorization).empty()) {
        token.unreadable = Reason::empty_authorization;
        return token;
    }
    token.unreadable = Reason::malformed_jwt;
    if (authorization.size() > max_authorization_bytes) return token;
    // Exactly three segments. A "Bearer " prefix puts a space in the first segment, which
    // base64url rejects, so it is malformed as LiveKit sends a bare token.
    const std::optional<TokenSegments> segments = split_token(authorization);
    if (!segments) return token;
    const WantedMember header[] = {{"alg", &token.alg}};
    const WantedMember claims[] = {{"iss", &token.iss},
                                   {"exp", &token.exp},
                                   {"nbf", &token.nbf},
                                   {"sha256", &token.claimed_hash}};
    token.claims_read = read_object(segments->claims, claims, 4);
    if (!read_object(segments->header, header, 1) || !token.claims_read) return token;
    // May be empty (an unsigned token ends in '.'); such a token fails on alg or HMAC. Decoded
    // as leniently as LiveKit's receivers decode it (base64url_decode_signature), so a segment
    // they read but that does not match is bad_signature; the header and claims stay canonical
    // (the receivers disagree on other spellings: go-jose signs them re-encoded, jose as sent).
    std::optional<std::string> signature = base64url_decode_signature(segments->signature);
    if (!signature) return token;
    token.signature = std::move(*signature);
    token.signing_input = segments->signing_input;
    token.unreadable = Reason::ok;
    return token;
}

Reason verify_livekit_token(const TokenCheck& check) {
    return verify_livekit_token(read_livekit_token(check.authorization), check);
}

// The claims' checks, after the HMAC's (trusted only once it matched): exp, nbf, sha256. Alone,
// they tell whether a token refused for its key is one LiveKit's server could have sent now for
// this body.
Reason verify_livekit_token_claims(const ReadToken& token, const TokenCheck& check) {
    if (token.unreadable != Reason::ok) return token.unreadable;
    const Member& exp = token.exp;
    if (!exp.is_number()) return Reason::missing_exp;
    // Expired when now - leeway >= exp, as LiveKit's SDK decides it.
    if (compare_to_claim(minus_leeway(check.now_unix, check.leeway_seconds), exp) >= 0) {
        return Reason::expired;
    }

    const Member& nbf = token.nbf;
    if (nbf.kind != Member::Kind::absent) {
        if (!nbf.is_number()) return Reason::not_yet_valid;
        // Not yet valid when nbf > now + leeway.
        if (compare_to_claim(plus_leeway(check.now_unix, check.leeway_seconds), nbf) < 0) {
            return Reason::not_yet_valid;
        }
    }

    if (token.claimed_hash.kind != Member::Kind::string) return Reason::missing_sha256;
    if (!check.body) return Reason::sha256_mismatch;
    const std::string digest = check.body_sha256 ? std::string() : sha256(*check.body);
    if (!constant_time_equal(base64_encode(check.body_sha256 ? *check.body_sha256 : digest),
                             token.claimed_hash.text)) {
        return Reason::sha256_mismatch;
    }
    return Reason::ok;
}

// The checks run in the order of the header's contract, cheapest and unauthenticated first;
// every claim after the HMAC is trusted only because the HMAC matched. Additional rules:
// - an empty api_key matches no `iss` (unknown_api_key) and an empty api_secret verifies no
//   signature (bad_signature), so a half-configured key can never accept a token;
// - `exp` that is not a JSON number counts as missing; `nbf` that is present but not a
//   number (null included) cannot show the token is already valid: not_yet_valid.
Reason verify_livekit_token(const ReadToken& token, const TokenCheck& check) {
    if (token.unreadable != Reason::ok) return token.unreadable;

    if (token.alg.kind != Member::Kind::string || token.alg.text != "HS256")
        return Reason::alg_not_allowed;

    if (token.iss.kind != Member::Kind::string) return Reason::missing_iss;
    if (check.api_key.empty() || token.iss.text != check.api_key) return Reason::unknown_api_key;

    if (check.api_secret.empty()) return Reason::bad_signature;
    // The signing input is the first two segments exactly as received, dot included.
    const std::string expected = hmac_sha256(check.api_secret, token.signing_input);
    if (!constant_time_equal(expected, token.signature)) return Reason::bad_signature;

    return verify_livekit_token_claims(token, check);
}

}  // namespace callout::core
