// Writes the fuzz targets' starting corpora from the real LiveKit vectors
// (test/vectors/livekit-webhooks.jsonl, see its README): one folder per target, one small file
// per vector in the input format that target reads, plus a few hand-picked spellings the
// vectors do not contain. Usage: seeds <vectors.jsonl> <output folder>.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base64.hpp"
#include "core/crypto.hpp"
#include "fuzz_support.hpp"

namespace core = callout::core;
namespace fs = std::filesystem;
using Json = nlohmann::json;
using callout::fuzz::to_hex;

namespace {

// Writes one seed file, creating its target's folder; a failed write stops the program.
void write_seed(const fs::path& root, const std::string& target, const std::string& name,
                std::string_view content) {
    const fs::path folder = root / target;
    fs::create_directories(folder);
    std::ofstream out(folder / name, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) {
        std::cerr << "seeds: cannot write " << (folder / name) << "\n";
        std::exit(1);
    }
}

// A member's value as the bridge reads it: a string as is, a number in its JSON spelling;
// empty when absent or of another type.
std::string text_of(const Json& object, const char* key) {
    if (!object.is_object()) return {};
    const auto it = object.find(key);
    if (it == object.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();
    return {};
}

// The member key of object when it is an object, else an empty object.
Json member_object(const Json& object, const char* key) {
    if (!object.is_object()) return Json::object();
    const auto it = object.find(key);
    return it != object.end() && it->is_object() ? *it : Json::object();
}

// A token's three '.'-separated segments (fewer or more when it is malformed).
std::vector<std::string> segments_of(const std::string& token) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t dot = token.find('.'); dot != std::string::npos;
         dot = token.find('.', start)) {
        parts.push_back(token.substr(start, dot - start));
        start = dot + 1;
    }
    parts.push_back(token.substr(start));
    return parts;
}

// A segment decoded, or empty when it is not base64url.
std::string decoded(const std::string& segment) {
    return core::base64url_decode(segment).value_or(std::string());
}

// One vector's seed for every target.
void write_vector_seeds(const fs::path& root, const Json& vector) {
    const std::string name = vector.at("name").get<std::string>();
    const std::string body = vector.at("body").get<std::string>();
    const std::string key = vector.at("api_key").get<std::string>();
    const std::string secret = vector.at("api_secret").get<std::string>();
    const std::string now = std::to_string(vector.at("now").get<long long>());
    const std::string token = vector.at("authorization").get<std::string>();
    const std::vector<std::string> segments = segments_of(token);

    // livekit_token: key, secret, now, leeway (the SDK's 10 s), token, header, claims, body.
    const std::string header = segments.size() == 3 ? decoded(segments[0]) : std::string();
    const std::string claims = segments.size() == 3 ? decoded(segments[1]) : std::string();
    write_seed(root, "livekit_token", name,
               key + "\n" + secret + "\n" + now + "\n10\n" + token + "\n" + header + "\n" + claims +
                   "\n" + body);

    // base64: the body as sent in base64, its hash, and the token's segments.
    write_seed(root, "base64", name + "-body", vector.at("body_b64").get<std::string>());
    write_seed(root, "base64", name + "-sha256", vector.at("body_sha256_b64").get<std::string>());
    for (std::size_t i = 0; i < segments.size(); ++i) {
        write_seed(root, "base64", name + "-segment" + std::to_string(i), segments[i]);
    }

    // plain_hmac: secret, signature, body, with the signature in hex and in base64.
    const std::string mac = core::hmac_sha256(secret, body);
    write_seed(root, "plain_hmac", name + "-hex", secret + "\n" + to_hex(mac) + "\n" + body);
    write_seed(root, "plain_hmac", name + "-base64",
               secret + "\nsha256=" + core::base64_encode(mac) + "\n" + body);

    // json_text and json_reader: the body itself.
    write_seed(root, "json_text", name, body);
    write_seed(root, "json_reader", name, body);

    const Json event = Json::parse(body, nullptr, false);
    if (event.is_discarded() || !event.is_object()) return;
    const Json room = member_object(event, "room");
    const Json egress = member_object(event, "egressInfo");
    std::string room_name = text_of(room, "name");
    if (room_name.empty()) room_name = text_of(egress, "roomName");
    write_seed(root, "room_name", name, room_name);

    // timestamps: each instant alone, and a start with an end.
    const Json participant = member_object(event, "participant");
    const std::string created = text_of(event, "createdAt");
    const std::string joined = text_of(participant, "joinedAt");
    const std::string creation = text_of(room, "creationTime");
    write_seed(root, "timestamps", name + "-created", created);
    if (!joined.empty()) {
        write_seed(root, "timestamps", name + "-joined-ms", text_of(participant, "joinedAtMs"));
        write_seed(root, "timestamps", name + "-call", joined + "\n" + created);
    }
    if (!creation.empty())
        write_seed(root, "timestamps", name + "-room", creation + "\n" + created);

    // livekit_event: the fields the bridge reads, with its defaults for omitted enums.
    const bool has_participant = event.contains("participant");
    std::string kind = text_of(participant, "kind");
    if (has_participant && kind.empty()) kind = "STANDARD";
    std::string reason = text_of(participant, "disconnectReason");
    if (has_participant && reason.empty()) reason = "UNKNOWN_REASON";
    const Json attributes = member_object(participant, "attributes");
    write_seed(root, "livekit_event", name,
               text_of(event, "event") + "\n" + created + "\n" + room_name + "\n" + creation +
                   "\n" + kind + "\n" + joined + "\n" + reason + "\n" +
                   text_of(attributes, "sip.callStatus") + "\n" +
                   text_of(attributes, "sip.phoneNumber") + "\n" + text_of(egress, "status") +
                   "\n3 10");
}

// Spellings the vectors do not show but the parsers accept (or must reject cleanly).
void write_extra_seeds(const fs::path& root) {
    const char* const instants[] = {
        "2026-01-01T12:00:00Z",
        "2026-01-01 12:00:00.123456+02:00",
        "2024-02-29t23:59:60-0130",
        "1970-01-01T00:00:00+01",
        "1767268800.5",
        "1767268800297",
        "1767268800297321",
        "1767268800297321000",
        "  1767268800\t",
        "0000000000001767268800",
        "2026-01-01T12:00:00.5Z\n2026-01-01T12:03:07.25+00:00",
    };
    int i = 0;
    for (const char* instant : instants) {
        write_seed(root, "timestamps", "extra-" + std::to_string(i++), instant);
    }
    write_seed(root, "room_name", "extra-dispatch", "_+4930901800311_");
    write_seed(root, "room_name", "extra-campaign", "outbound-campaign-4711");
    write_seed(root, "json_text", "extra-nul",
               R"({"participant":{"name":"a\u0000b","metadata":"\\u0000","\u0000":["\u0000"]}})");
    write_seed(root, "json_text", "extra-keys", "turnPassword\nurls\naccessKey\nsecretX");

    // json_reader: escapes, surrogates, numbers, literals, whitespace, nesting at and past the
    // reader's depth, and near misses of each (one document a seed, so each is read through).
    const std::string documents[] = {
        R"({"a\"b\\c\/d\be\ff\ng\rh\ti":"\u0041\u00e9\u20AC\uFFFF"})",
        R"(["\ud83d\ude00","\uD800\uDC00","\udbff\udfff"])",
        R"({"\u0000":"\u0000","\\u0000":"a\u0000b","\\\u0000":"\\\\u0000"})",
        "[\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\x7F\"]",
        "[0,-0,10,0.5,-0.0e0,1E9,1e-9,1e+009,123.456e78,1e999999,-1.5E-300]",
        "[true,false,null]",
        " \t\r\n{ \"a\" \n:\t[ 1 ,{ } , [ ] ] } \r\n",
        "{\"a\":1,\"a\":2,\"\":{},\"b\":[{},[],\"\"]}",
        "\"\"",
        "0",
        "null",
        std::string(64, '[') + std::string(64, ']'),
        std::string(65, '[') + std::string(65, ']'),
        std::string(63, '[') + R"({"a":{"b":1}})" + std::string(63, ']'),
        std::string(66, '[') + "1" + std::string(65, ']'),
        R"("\ud800")",
        R"("\udc00")",
        R"("\ud800\u0041")",
        R"("\ud800\ud800")",
        R"("\ud800\u0000")",
        R"("\ud800\n")",
        R"("\ud800x")",
        R"("\u00")",
        R"("\u12g4")",
        R"("\x")",
        "\"a\tb\"",
        "\"\x01\"",
        "\"a",
        "01",
        "-01",
        "-",
        "--1",
        "+1",
        "1.",
        ".5",
        "1e",
        "1e+",
        "0x10",
        "1x",
        "1.5.3",
        "1e5e5",
        "NaN",
        "-Infinity",
        "tru",
        "nulll",
        "True",
        "true1",
        "[true]x",
        "{\"a\":1,}",
        "[1,]",
        "{\"a\" 1}",
        "{\"a\"}",
        "{1:1}",
        "[1 2]",
        "\xEF\xBB\xBF{}",
        "{}\v",
        "\f1",
        "",
        " ",
    };
    i = 0;
    for (const std::string& document : documents) {
        write_seed(root, "json_reader", "extra-" + std::to_string(i++), document);
    }
    write_seed(root, "livekit_event", "extra-free-text",
               "participant_left\n1767268988.9\ncall-_+14155550123_x\n\n3\n1767268801.1\n"
               "Busy Here\nRINGING\n\nEGRESS_ABORTED\n2.5 2.5 nan");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: seeds <vectors.jsonl> <output folder>\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        std::cerr << "seeds: cannot read " << argv[1] << "\n";
        return 1;
    }
    const fs::path root = argv[2];
    int vectors = 0;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        const Json vector = Json::parse(line, nullptr, false);
        if (vector.is_discarded() || !vector.is_object()) {
            std::cerr << "seeds: line " << vectors + 1 << " is not a JSON object\n";
            return 1;
        }
        write_vector_seeds(root, vector);
        ++vectors;
    }
    write_extra_seeds(root);
    std::cout << "seeds: " << vectors << " vectors written to " << root.string() << "\n";
    return vectors > 0 ? 0 : 1;
}
