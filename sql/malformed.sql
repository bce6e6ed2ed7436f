--
-- Bad input never crashes the server: every malformed payload, token or signature gives a
-- clean answer or an ERROR with a SQLSTATE, and the session goes on.
--
\set ECHO none
\i test/fixtures/livekit_signer.sql
\set ECHO all

-- Runs a statement and reports its SQLSTATE and message (never its result, which may be huge).
CREATE FUNCTION pg_temp.outcome_of(statement text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;

--
-- JSON that is not JSON never reaches callout: PostgreSQL's jsonb input rejects it
--

-- truncated JSON
SELECT callout.transform_livekit_event('{"event":"participant_left",'::jsonb);
SELECT pg_temp.outcome_of($$ SELECT callout.transform_livekit_event('{"event":"participant_left",'::jsonb) $$)
       AS truncated;

-- NUL escapes: "\u0000" is rejected by jsonb
SELECT callout.transform_livekit_event('{"event":"room_started","id":"EV_1","room":{"name":"r\u0000"}}');

-- a raw control character inside a JSON string is rejected too ...
SELECT pg_temp.outcome_of($$ SELECT E'{"event":"room_started","id":"EV_1","room":{"name":"a\x01b"}}'::jsonb $$)
       AS raw_control_character;

-- ... while escaped control characters are ordinary text
SELECT e ->> 'room_name' = E'line1\nline2\ttab\x01' AS escaped_controls_kept
FROM callout.transform_livekit_event('{"event":"room_started","id":"EV_1","room":{"name":"line1\nline2\ttab\u0001"}}')
     AS e;

-- (Invalid UTF-8 cannot reach the functions at all in a UTF8 database, so it is not tested.)

--
-- payloads that are JSON but not a LiveKit event
--

-- transform of a JSON array (and, below, of a string, a number, a boolean and null)
SELECT callout.transform_livekit_event('[{"event":"room_started"}]');

-- NULL payload: STRICT, so NULL
SELECT callout.transform_livekit_event(NULL) IS NULL AS null_payload;

-- createdAt as an object
SELECT callout.transform_livekit_event('{"event":"room_started","id":"EV_1","room":{"name":"r"},"createdAt":{"seconds":1767268800}}');

-- Every processable payload below is refused with SQLSTATE 22023 and a message naming the
-- field (or what is missing); the detail says what was expected.
CREATE FUNCTION pg_temp.transform_error(payload jsonb, OUT state text, OUT message text)
LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    PERFORM callout.transform_livekit_event(payload);
    state := '00000';
    message := 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    state := SQLSTATE;
    message := SQLERRM || coalesce(' / ' || nullif(detail, ''), '');
END
$$;

SELECT t.name, r.state AS sqlstate, r.message
FROM (VALUES
    -- not an object
    ('a JSON string', '"room_started"'::jsonb),
    ('a JSON number', '42'),
    ('a JSON boolean', 'true'),
    ('JSON null', 'null'),
    -- the event name
    ('event a number', '{"event":3,"id":"EV_1","room":{"name":"r"}}'),
    -- createdAt as an object / array / boolean
    ('createdAt an object', '{"event":"room_started","id":"EV_1","room":{"name":"r"},"createdAt":{"seconds":1767268800}}'),
    ('createdAt an array', '{"event":"room_started","id":"EV_1","room":{"name":"r"},"createdAt":[1767268800]}'),
    ('createdAt a boolean', '{"event":"room_started","id":"EV_1","room":{"name":"r"},"createdAt":true}'),
    ('room.creationTime an object', '{"event":"room_finished","id":"EV_1","room":{"name":"r","creationTime":{}}}'),
    ('participant.joinedAt an array', '{"event":"participant_left","id":"EV_1","room":{"name":"r"},"participant":{"joinedAt":[]}}'),
    -- id as a number
    ('id a number', '{"event":"room_started","id":12345,"room":{"name":"r"}}'),
    -- room as a string
    ('room a string', '{"event":"room_started","id":"EV_1","room":"r"}'),
    ('room.name a number', '{"event":"room_started","id":"EV_1","room":{"name":42}}'),
    -- participant as an array
    ('participant an array', '{"event":"participant_left","id":"EV_1","room":{"name":"r"},"participant":[{"identity":"sip_1"}]}'),
    ('participant.kind an object', '{"event":"participant_left","id":"EV_1","room":{"name":"r"},"participant":{"kind":{"name":"SIP"}}}'),
    ('participant.identity a number', '{"event":"participant_left","id":"EV_1","room":{"name":"r"},"participant":{"identity":42}}'),
    ('participant.disconnectReason a boolean', '{"event":"participant_left","id":"EV_1","room":{"name":"r"},"participant":{"disconnectReason":false}}'),
    ('participant.attributes an array', '{"event":"participant_left","id":"EV_1","room":{"name":"r"},"participant":{"kind":"SIP","attributes":["sip.callStatus"]}}'),
    -- attributes with non-string values, for the sip.* attributes callout reads
    ('sip.phoneNumber a number', '{"event":"participant_left","id":"EV_1","room":{"name":"r"},"participant":{"kind":"SIP","attributes":{"sip.phoneNumber":14155550123}}}'),
    ('sip.callStatus an object', '{"event":"participant_left","id":"EV_1","room":{"name":"r"},"participant":{"kind":"SIP","attributes":{"sip.callStatus":{"state":"hangup"}}}}'),
    -- egress fields
    ('egressInfo an array', '{"event":"egress_ended","id":"EV_1","room":{"name":"r"},"egressInfo":[]}'),
    ('egressInfo.status an array', '{"event":"egress_ended","id":"EV_1","room":{"name":"r"},"egressInfo":{"status":["EGRESS_FAILED"]}}'),
    ('egressInfo.roomName an object', '{"event":"egress_ended","id":"EV_1","egressInfo":{"roomName":{}}}'),
    -- empty strings for id and room name
    ('id empty', '{"event":"room_started","id":"","room":{"name":"r"}}'),
    ('room.name empty', '{"event":"room_started","id":"EV_1","room":{"name":""}}'),
    ('room without name', '{"event":"room_started","id":"EV_1","room":{}}')
) AS t(name, payload),
LATERAL pg_temp.transform_error(t.payload) AS r;

-- enums written as JSON numbers (protobuf's number for a value the writer did not know) are
-- read as their number: kind 3 is SIP, egress status 4 is EGRESS_FAILED
SELECT e ->> 'participant_kind' AS kind, e -> 'is_sip' AS is_sip,
       e ->> 'disconnect_reason' AS reason
FROM callout.transform_livekit_event('{"event":"participant_left","id":"EV_1","room":{"name":"r"},"participant":{"kind":3,"disconnectReason":13}}') AS e;
SELECT e ->> 'egress_status' AS status, e ? 'recording_location' AS has_recording
FROM callout.transform_livekit_event('{"event":"egress_ended","id":"EV_1","room":{"name":"r"},"egressInfo":{"status":4,"fileResults":[{"location":"s3://b/x.ogg"}]}}') AS e;

-- createdAt as JSON null is absent; a string or number that is no instant is left out
SELECT callout.transform_livekit_event('{"event":"room_started","id":"EV_1","room":{"name":"r"},"createdAt":null}') AS null_created_at;
SELECT callout.transform_livekit_event('{"event":"room_started","id":"EV_1","room":{"name":"r"},"createdAt":"soon"}') AS unreadable_created_at;
SELECT callout.transform_livekit_event('{"event":"room_started","id":"EV_1","room":{"name":"r"},"createdAt":-1}') AS negative_created_at;
SELECT callout.transform_livekit_event('{"event":"room_started","id":"EV_1","room":{"name":"r"},"createdAt":1e300}') AS huge_created_at;

-- attributes callout does not read, and those of a participant that is not SIP, are not looked at
SELECT e ->> 'sip_call_status' AS sip_call_status
FROM callout.transform_livekit_event('{"event":"participant_left","id":"EV_1","room":{"name":"r"},"participant":{"kind":"SIP","attributes":{"sip.callStatus":"hangup","lead_id":5,"flags":[1,2],"sip.x":null}}}') AS e;
SELECT e -> 'is_sip' AS is_sip
FROM callout.transform_livekit_event('{"event":"participant_left","id":"EV_1","room":{"name":"r"},"participant":{"kind":"AGENT","attributes":{"sip.phoneNumber":42}}}') AS e;
-- a JSON null attribute is absent
SELECT e ? 'sip_phone_number' AS has_sip_phone_number, e ->> 'phone_number' AS phone_number
FROM callout.transform_livekit_event('{"event":"participant_left","id":"EV_1","room":{"name":"call_+14155550123_x"},"participant":{"kind":"SIP","attributes":{"sip.phoneNumber":null}}}') AS e;

-- duplicate keys: jsonb keeps the last one
SELECT e ->> 'event_id' AS event_id
FROM callout.transform_livekit_event('{"event":"room_started","id":"EV_first","id":"EV_last","room":{"name":"r"}}') AS e;

--
-- 10 MB bodies
--
CREATE TEMP TABLE big AS
SELECT body, livekit_test.livekit_token(body, 'APIkey', 'big-secret', 1767268800) AS token
FROM (SELECT '{"event":"room_started","id":"EV_big","room":{"name":"call-_+14155550123_big","metadata":"'
             || repeat('x', 10 * 1024 * 1024) || '"},"createdAt":"1767268800"}' AS body) AS b;

SELECT octet_length(body) AS body_bytes FROM big;

-- a 10 MB body signed by the signer: ok
SELECT callout.verify_livekit_signature(body, token, 'APIkey', 'big-secret',
                                        to_timestamp(1767268802), 10) AS signed_10mb
FROM big;

-- unsigned (a token over another body): sha256_mismatch
SELECT callout.verify_livekit_signature(body, livekit_test.livekit_token('{}', 'APIkey', 'big-secret', 1767268800),
                                        'APIkey', 'big-secret', to_timestamp(1767268802), 10) AS unsigned_10mb,
       callout.verify_livekit_signature(body || ' ', token, 'APIkey', 'big-secret',
                                        to_timestamp(1767268802), 10) AS one_byte_more
FROM big;

-- the plain scheme over 10 MB
SELECT callout.verify_hmac_signature(body, livekit_test.plain_hmac_hex(body, 'big-secret'), 'big-secret') AS plain_10mb,
       callout.verify_hmac_signature(body, livekit_test.plain_hmac_hex('{}', 'big-secret'), 'big-secret') AS plain_10mb_other
FROM big;

-- transform of a valid event with a 10 MB string field: the field is not copied out
SELECT e ->> 'event_id' AS event_id, e ->> 'phone_number' AS phone_number,
       octet_length(e::text) AS output_bytes
FROM big, callout.transform_livekit_event(body::jsonb) AS e;

-- a 10 MB room name is carried through (it is the event's room name)
SELECT octet_length(e ->> 'room_name') AS room_name_bytes, e ? 'phone_number' AS has_phone_number
FROM callout.transform_livekit_event(jsonb_build_object(
         'event', 'room_started', 'id', 'EV_big2',
         'room', jsonb_build_object('name', repeat('r_', 5 * 1024 * 1024)))) AS e;

-- the extractors over 10 MB names
SELECT callout.extract_phone_number(repeat('_+1', 3 * 1024 * 1024) || '_+14155550123_x') AS phone,
       callout.extract_campaign_id('outbound-campaign-' || repeat('9', 10 * 1024 * 1024)) IS NOT NULL AS campaign,
       callout.call_duration(repeat('1', 10 * 1024 * 1024), '1767268988') AS duration;

DROP TABLE big;

--
-- deep nesting
--

-- 10000 nested arrays inside an event field: jsonb accepts them, transform reads past them
SELECT e ->> 'event_id' AS event_id, octet_length(e::text) AS output_bytes
FROM callout.transform_livekit_event(('{"event":"participant_left","id":"EV_deep","room":{"name":"r","metadata":'
                                      || repeat('[', 10000) || repeat(']', 10000)
                                      || '},"participant":{"kind":"SIP","attributes":{"x":'
                                      || repeat('{"a":', 10000) || '1' || repeat('}', 10000)
                                      || '}}}')::jsonb) AS e;

-- a million levels: PostgreSQL's jsonb input stops at its stack depth limit, cleanly
SELECT pg_temp.outcome_of($$ SELECT callout.transform_livekit_event(('{"event":"room_started","id":"EV_1","room":{"name":"r"},"deep":'
                                    || repeat('[', 1000000) || repeat(']', 1000000) || '}')::jsonb) $$) LIKE '54001: %'
       AS stack_depth_error;

-- deeply nested JWT claims (as deep as fits under the 8 KB cap)
SELECT callout.verify_livekit_signature('{}', livekit_test.sign_jwt('{"alg":"HS256"}',
           '{"iss":"APIkey","x":' || repeat('[', 2900) || repeat(']', 2900) || '}', 'secret'),
           'APIkey', 'secret', to_timestamp(1767268802), 10) AS deep_claims,
       callout.verify_livekit_signature('{}', livekit_test.sign_jwt('{"alg":' || repeat('[', 2900) || repeat(']', 2900) || '}',
           '{"iss":"APIkey"}', 'secret'),
           'APIkey', 'secret', to_timestamp(1767268802), 10) AS deep_header;

--
-- malformed tokens
--
SELECT t.name, callout.verify_livekit_signature('{}', t.auth, 'APIkey', 'secret',
                                                to_timestamp(1767268802), 10) AS reason
FROM (VALUES
    ('invalid base64url characters', '!!!.@@@.###'),
    ('standard base64 alphabet', translate(livekit_test.sign_jwt('{"alg":"HS256","typ":"JWT"}', '{"iss":"APIkey??>>"}', 'secret'), '-_', '+/')),
    ('a space inside', 'eyJhbGciOiJIUzI1NiJ9 .e30.c2ln'),
    ('segment of one character', 'e.e30.c2ln'),
    ('non-zero trailing bits', 'eyJhbGciOiJIUzI1NiJ9.e31.c2ln'),
    ('empty segments', '..'),
    ('only dots', '....'),
    ('header not an object', livekit_test.base64url('"HS256"') || '.e30.c2ln'),
    ('header invalid UTF-8', livekit_test.base64url('\xff7b7d'::bytea) || '.e30.c2ln'),
    ('claims invalid JSON', livekit_test.base64url('{"alg":"HS256"}') || '.' || livekit_test.base64url('{"iss":') || '.c2ln'),
    ('claims with a NUL byte', livekit_test.base64url('{"alg":"HS256"}') || '.' || livekit_test.base64url('\x7b22697373223a2200227d'::bytea) || '.c2ln'),
    ('unicode text', 'jeton.invalide.ü'),
    ('newline in the token', E'eyJhbGciOiJIUzI1NiJ9.e30\n.c2ln'),
    ('signature not base64url', livekit_test.sign_jwt('{"alg":"HS256"}', '{"iss":"APIkey"}', 'secret') || '*'),
    ('signature empty', livekit_test.base64url('{"alg":"HS256"}') || '.' || livekit_test.base64url('{"iss":"APIkey"}') || '.')
) AS t(name, auth);

-- a signature segment LiveKit's receivers decode (unused trailing bits set, whitespace in it)
-- but that does not match is bad_signature; one they do not decode (padded, the standard
-- alphabet) is malformed_jwt
SELECT t.name, callout.verify_livekit_signature('{}', t.auth, 'APIkey', 'secret',
                                                to_timestamp(1767268802), 10) AS reason
FROM (SELECT livekit_test.sign_jwt('{"alg":"HS256"}', '{"iss":"APIkey"}', 'another-secret') AS tok,
             'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_' AS a) AS x,
LATERAL (VALUES
    ('canonical', tok),
    ('unused trailing bits set', left(tok, -1) || substr(a, ((strpos(a, right(tok, 1)) - 1) | 3) + 1, 1)),
    ('a line end after it', tok || E'\r\n'),
    ('spaces inside it', left(tok, -8) || ' ' || right(tok, 8)),
    ('padded', tok || '='),
    ('standard alphabet', left(tok, -1) || '+')
) AS t(name, auth);

-- claims of odd values, correctly signed (at 1767268802 with a leeway of 10 s; the sha256 is
-- that of the body '{}')
SELECT c.name, callout.verify_livekit_signature('{}', livekit_test.sign_jwt('{"alg":"HS256"}', c.claims, 'secret'),
                                                'APIkey', 'secret', to_timestamp(1767268802), 10) AS reason
FROM (VALUES
    ('exp huge', '{"iss":"APIkey","exp":1e30,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="}'),
    ('exp beyond JSON doubles', '{"iss":"APIkey","exp":1e400,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="}'),
    ('exp beyond int64', '{"iss":"APIkey","exp":18446744073709551616,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="}'),
    ('exp negative', '{"iss":"APIkey","exp":-1,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="}'),
    ('exp fractional, 0.5 s left', '{"iss":"APIkey","exp":1767268792.5,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="}'),
    ('exp whole, at the limit', '{"iss":"APIkey","exp":1767268792,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="}'),
    ('exp null', '{"iss":"APIkey","exp":null,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="}'),
    ('nbf null', '{"iss":"APIkey","exp":1767269100,"nbf":null,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="}'),
    ('nbf huge', '{"iss":"APIkey","exp":1767269100,"nbf":1e30,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="}'),
    ('nbf very negative', '{"iss":"APIkey","exp":1767269100,"nbf":-1e30,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="}'),
    ('iss null', '{"iss":null,"exp":1767269100,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="}'),
    ('sha256 a number', '{"iss":"APIkey","exp":1767269100,"sha256":1}'),
    ('sha256 unpadded', '{"iss":"APIkey","exp":1767269100,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o"}'),
    ('sha256 correct', '{"iss":"APIkey","exp":1767269100,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="}'),
    ('duplicate iss', '{"iss":"other","iss":"APIkey","exp":1767269100,"sha256":"RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="}')
) AS c(name, claims);

--
-- malformed plain HMAC signatures
--
SELECT s.name, callout.verify_hmac_signature('{}', s.signature, 'secret') AS valid
FROM (VALUES
    ('44 characters, invalid base64', repeat('!', 43) || '='),
    ('44 characters, = in the middle', repeat('A', 20) || '=' || repeat('A', 22) || '='),
    ('44 characters, three =', repeat('A', 41) || '==='),
    ('44 characters of =', repeat('=', 44)),
    ('base64 of 33 bytes', encode(hmac('{}', 'secret', 'sha256') || '\x00'::bytea, 'base64')),
    -- the last character before '=' carries 2 unused bits, here set to 1
    ('base64 non-zero trailing bits',
     (SELECT left(m, 42) || substr(a, strpos(a, substr(m, 43, 1)) + 1, 1) || '='
      FROM (SELECT encode(hmac('{}', 'secret', 'sha256'), 'base64') AS m,
                   'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/' AS a) AS x)),
    ('sha256= then invalid base64', 'sha256=' || repeat('*', 44)),
    ('sha256= twice', 'sha256=sha256=' || livekit_test.plain_hmac_hex('{}', 'secret')),
    ('another prefix', 'hmac=' || livekit_test.plain_hmac_hex('{}', 'secret')),
    ('non-ASCII', repeat('é', 32)),
    ('at the length cap (256 bytes)', repeat(' ', 192) || livekit_test.plain_hmac_hex('{}', 'secret')),
    ('just over the length cap', repeat(' ', 193) || livekit_test.plain_hmac_hex('{}', 'secret')),
    ('correct', livekit_test.plain_hmac_hex('{}', 'secret'))
) AS s(name, signature);

-- base64 in the URL alphabet is not the plain scheme's spelling (this MAC has a '/')
SELECT encode(hmac('{"a":2}', 'secret', 'sha256'), 'base64') AS mac,
       callout.verify_hmac_signature('{"a":2}', encode(hmac('{"a":2}', 'secret', 'sha256'), 'base64'), 'secret') AS standard,
       callout.verify_hmac_signature('{"a":2}', translate(encode(hmac('{"a":2}', 'secret', 'sha256'), 'base64'), '+/', '-_'), 'secret') AS url_alphabet;

-- after every error above the session is fine: a normal call succeeds
SELECT e ->> 'event' AS event, e ->> 'phone_number' AS phone_number,
       callout.classify_outcome((e ->> 'call_duration_s')::numeric, e ->> 'disconnect_reason',
                                e ->> 'sip_call_status') AS outcome
FROM callout.transform_livekit_event($${"event": "participant_left", "id": "EV_end",
    "createdAt": "1767268988", "room": {"sid": "RM_1", "name": "call-_+14155550123_end"},
    "participant": {"identity": "sip_+14155550123", "kind": "SIP", "joinedAt": "1767268801",
                    "attributes": {"sip.callStatus": "hangup", "sip.phoneNumber": "+14155550123"},
                    "disconnectReason": "CLIENT_INITIATED"}}$$) AS e;

SET client_min_messages = warning;
DROP SCHEMA livekit_test CASCADE;
RESET client_min_messages;
