// JSON text and key facts for ingestion.
#include "json_text.hpp"

#include <cstring>

namespace callout::core {

std::size_t replace_nul_escapes(char* json, std::size_t length) {
    constexpr std::string_view nul_escape = "\\u0000";
    std::size_t replaced = 0;
    std::size_t i = 0;
    // from one backslash to the next (memchr: a body has few, and every delivery is scanned)
    while (i < length) {
        const void* backslash = std::memchr(json + i, '\\', length - i);
        if (backslash == nullptr) break;
        i = static_cast<std::size_t>(static_cast<const char*>(backslash) - json);
        if (length - i >= nul_escape.size() &&
            std::string_view(json + i, nul_escape.size()) == nul_escape) {
            json[i + 2] = 'f';
            json[i + 3] = 'f';
            json[i + 4] = 'f';
            json[i + 5] = 'd';
            ++replaced;
            i += nul_escape.size();
        } else {
            i += 2;  // the escaped character, whatever it is, is not the start of an escape
        }
    }
    return replaced;
}

namespace {

// The credentials of every message a webhook can carry, by their protojson (lowerCamelCase) names.
// WebhookEvent (livekit/protocol, protobufs/livekit_webhook.proto) holds a Room, a
// ParticipantInfo, a TrackInfo (livekit_models.proto), an EgressInfo (livekit_egress.proto) and
// an IngressInfo (livekit_ingress.proto). Sources: the fields LiveKit marks
// `[(logger.redact) = true]` as credentials (livekit/protocol pull request 1286, "Add redacted
// field options to egress fields"), the fields its egress/redact.go blanks (RedactUpload: S3
// access_key, secret, session_token, assume_role_external_id; GCP credentials; Azure
// account_name, account_key; AliOSS access_key, secret; RedactStreamKeys: StreamOutput urls),
// and the credentials of livekit_models.proto (Room.turn_password, WebhookConfig.signing_key),
// livekit_ingress.proto (IngressInfo.stream_key) and livekit_sip.proto (auth_password), files
// as of protobufs/livekit_models.proto 8ac0f55, livekit_egress.proto 27989cb (and the S3Upload
// and ProxyConfig fields added after it), livekit_ingress.proto bd486bd. By message:
//   Room                    turnPassword
//   S3Upload (s3)           accessKey, secret, sessionToken, assumeRoleExternalId, proxy
//   GCPUpload (gcp)         credentials, proxy
//   AzureBlobUpload (azure) accountName, accountKey
//   AliOSSUpload (aliOSS)   accessKey, secret
//   ProxyConfig (proxy)     username, password
//   StreamOutput            urls (RTMP URLs with their stream keys)
//   StreamInfo              url: EgressInfo.streamResults[] and the deprecated stream.info[]
//   TrackEgressRequest      websocketUrl (where the audio goes, with its access token)
//   WebhookConfig           signingKey (an egress request's webhooks[])
//   IngressInfo             streamKey
//   SIP trunks              authPassword (no webhook carries one today; dropped if one does)
// Kept: what LiveKit redacts from its logs as personal data, not credentials (Room and
// ParticipantInfo metadata, ParticipantInfo name and attributes, TrackInfo name): they are the
// tenant's call data, read by ingestion (the SIP attributes) and protected by row-level security.
// Also kept: S3Upload.assumeRoleArn (names a role, grants nothing), ProxyConfig.url,
// WebEgressRequest.url (the page recorded), IngressInfo.url (where encoders connect),
// FileInfo.location (the recording).
constexpr std::string_view secret_anywhere[] = {
    "turnPassword",         "accessKey",   "secret",     "sessionToken",
    "assumeRoleExternalId", "credentials", "accountKey", "urls",
    "websocketUrl",         "signingKey",  "streamKey",  "authPassword",
};

// Names that are credentials only under one parent (and grandparent, when the parent's name is
// not LiveKit's alone).
struct SecretUnder {
    std::string_view key;
    std::string_view parent;
    std::string_view grandparent;  // empty: any
};
constexpr SecretUnder secret_under[] = {
    {"username", "proxy", {}},    {"password", "proxy", {}}, {"accountName", "azure", {}},
    {"url", "streamResults", {}}, {"url", "info", "stream"},
};

}  // namespace

bool is_secret_field(std::string_view key, std::string_view parent, std::string_view grandparent) {
    for (std::string_view secret : secret_anywhere)
        if (key == secret) return true;
    for (const SecretUnder& secret : secret_under) {
        if (key == secret.key && parent == secret.parent &&
            (secret.grandparent.empty() || grandparent == secret.grandparent))
            return true;
    }
    return false;
}

std::string escape_control_characters(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string escaped;
    escaped.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\\') {
            escaped += "\\\\";
        } else if (byte < 0x20 || byte == 0x7f) {
            escaped += "\\u00";
            escaped += hex[byte >> 4];
            escaped += hex[byte & 0xf];
        } else {
            escaped += c;
        }
    }
    return escaped;
}

}  // namespace callout::core
