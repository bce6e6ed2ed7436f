--
-- Parked deliveries: a delivery refused only because its key is unknown or revoked, whose token
-- passes every other check and whose body is a JSON object, is kept (bounded), listed for the
-- admin, and run again through the delivery path by callout.replay_parked_deliveries() once the
-- key is added, verified at the instant it arrived. Its answer does not change.
--
\set ECHO none
\i test/fixtures/livekit_signer.sql
\set ECHO all
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';
SET callout.verify_at = '2026-01-01 12:00:00+00';
-- what earlier suites' unknown keys parked
TRUNCATE callout.parked_delivery;

CREATE FUNCTION pg_temp.leave(id text, room text) RETURNS text LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'event', 'participant_left', 'id', id, 'createdAt', '1767268890',
        'room', jsonb_build_object('sid', 'RM_' || room, 'name', room, 'creationTime', '1767268790'),
        'participant', jsonb_build_object('identity', 'sip_' || room, 'kind', 'SIP', 'joinedAt', '1767268800',
                                          'disconnectReason', 'CLIENT_INITIATED',
                                          'attributes', jsonb_build_object('sip.callStatus', 'hangup')))::text
$$;
-- a delivery signed at 2026-01-01 12:00:00 (valid five minutes), answered as status and reason
CREATE FUNCTION pg_temp.deliver(body text, api_key text, secret text, at bigint DEFAULT 1767268800)
RETURNS text LANGUAGE sql AS $$
    SELECT r.status || coalesce(' ' || r.reason, '')
    FROM callout.process_livekit_webhook(body, livekit_test.livekit_token(body, api_key, secret, at)) AS r
$$;
CREATE FUNCTION pg_temp.parked() RETURNS TABLE (api_key text, event_id text, event_type text, room_name text)
LANGUAGE sql AS $$
    SELECT p.api_key, p.event_id, p.event_type, p.room_name FROM callout.parked_delivery AS p ORDER BY p.id
$$;

SELECT callout.register_call('tenant-p', 'park-room-' || i, 'outbound') IS NOT NULL AS registered
FROM generate_series(1, 3) AS i;

-- LiveKit sends with a key that is not registered yet: refused as before (unknown_api_key), and
-- parked with the body and token as received, at the instant it was verified at.
SELECT pg_temp.deliver(pg_temp.leave('EV_park_1', 'park-room-1'), 'APIpark', 'park-secret-of-at-least-32-characters-x');
SELECT * FROM pg_temp.parked();
SELECT p.parked_at, p.body = pg_temp.leave('EV_park_1', 'park-room-1') AS body_as_received,
       p.bytes = octet_length(p.body) + octet_length(p.signature) AS bytes_counted,
       p.body_sha256 = sha256(convert_to(p.body, 'UTF8')) AS hashed
FROM callout.parked_delivery AS p;
-- its retry, the same token again, is parked once
SELECT pg_temp.deliver(pg_temp.leave('EV_park_1', 'park-room-1'), 'APIpark', 'park-secret-of-at-least-32-characters-x');
SELECT count(*) FROM callout.parked_delivery;
-- through PostgREST's endpoint too: the answer is still HTTP 401 without a reason
BEGIN;
SELECT set_config('request.headers',
                  json_build_object('authorization',
                                    livekit_test.livekit_token(pg_temp.leave('EV_park_2', 'park-room-2'), 'APIpark',
                                                               'park-secret-of-at-least-32-characters-x', 1767268800))::text,
                  true) IS NOT NULL AS headers_set;
SELECT status, reason FROM callout.livekit_webhook(pg_temp.leave('EV_park_2', 'park-room-2'));
SELECT current_setting('response.status') AS http_status;
COMMIT;
SELECT * FROM pg_temp.parked();

-- Nothing that fails another check is parked: a token expired or not yet valid, one whose sha256
-- names another body, one without exp or sha256, a body that is not a JSON object, a malformed
-- token, one without iss or with another alg, a known key's bad signature, a body over the limit.
SELECT pg_temp.deliver(pg_temp.leave('EV_park_x1', 'park-room-3'), 'APIpark', 'park-secret-of-at-least-32-characters-x', 1767268800 - 3600) AS expired;
SELECT pg_temp.deliver(pg_temp.leave('EV_park_x2', 'park-room-3'), 'APIpark', 'park-secret-of-at-least-32-characters-x', 1767268800 + 3600) AS not_yet_valid;
SELECT r.status, r.reason FROM callout.process_livekit_webhook(
    pg_temp.leave('EV_park_x3', 'park-room-3'),
    livekit_test.livekit_token(pg_temp.leave('EV_other', 'park-room-3'), 'APIpark', 'park-secret-of-at-least-32-characters-x', 1767268800)) AS r;
SELECT r.status, r.reason FROM callout.process_livekit_webhook(
    pg_temp.leave('EV_park_x4', 'park-room-3'),
    livekit_test.sign_jwt('{"alg":"HS256"}', json_build_object('iss', 'APIpark', 'nbf', 1767268800,
                          'sha256', livekit_test.body_sha256(pg_temp.leave('EV_park_x4', 'park-room-3')))::text,
                          'park-secret-of-at-least-32-characters-x')) AS r;
SELECT r.status, r.reason FROM callout.process_livekit_webhook(
    pg_temp.leave('EV_park_x5', 'park-room-3'),
    livekit_test.sign_jwt('{"alg":"HS256"}', '{"iss": "APIpark", "exp": 1767269100}',
                          'park-secret-of-at-least-32-characters-x')) AS r;
SELECT pg_temp.deliver('not json', 'APIpark', 'park-secret-of-at-least-32-characters-x') AS not_json;
SELECT pg_temp.deliver('["an", "array"]', 'APIpark', 'park-secret-of-at-least-32-characters-x') AS not_an_object;
SELECT r.status, r.reason FROM callout.process_livekit_webhook(pg_temp.leave('EV_park_x6', 'park-room-3'), 'not.a.token') AS r;
SELECT r.status, r.reason FROM callout.process_livekit_webhook(
    pg_temp.leave('EV_park_x7', 'park-room-3'),
    livekit_test.sign_jwt('{"alg":"HS256"}', json_build_object('exp', 1767269100,
                          'sha256', livekit_test.body_sha256(pg_temp.leave('EV_park_x7', 'park-room-3')))::text,
                          'park-secret-of-at-least-32-characters-x')) AS r;
SELECT r.status, r.reason FROM callout.process_livekit_webhook(
    pg_temp.leave('EV_park_x8', 'park-room-3'),
    livekit_test.sign_jwt('{"alg":"HS512"}', json_build_object('iss', 'APIpark', 'exp', 1767269100,
                          'sha256', livekit_test.body_sha256(pg_temp.leave('EV_park_x8', 'park-room-3')))::text,
                          'park-secret-of-at-least-32-characters-x')) AS r;
SELECT callout.add_signing_key('APIknown', 'known-secret-of-at-least-32-characters-x');
SELECT pg_temp.deliver(pg_temp.leave('EV_park_x9', 'park-room-3'), 'APIknown', 'not-the-known-secret-of-32-characters-x') AS bad_signature;
SET callout.max_body_bytes = 64;
SELECT pg_temp.deliver(pg_temp.leave('EV_park_x10', 'park-room-3'), 'APIpark', 'park-secret-of-at-least-32-characters-x') AS too_large;
RESET callout.max_body_bytes;
-- Nor a body the JSON parser raises an ERROR for (a number beyond numeric's range, nesting deeper
-- than the stack allows), which is answered as before parking: refused for its key.
SELECT pg_temp.deliver('{"event": "room_finished", "id": "EV_park_x11", "room": {"name": "park-room-3"}, "n": 1e999999}',
                       'APIpark', 'park-secret-of-at-least-32-characters-x') AS number_out_of_range;
SELECT pg_temp.deliver('{"event": "room_finished", "id": "EV_park_x12", "room": {"name": "park-room-3"}, "n": '
                       || repeat('[', 100000) || repeat(']', 100000) || '}',
                       'APIpark', 'park-secret-of-at-least-32-characters-x') AS too_deep;
-- nor a body the delivery path would not store: an event callout ignores, one without an id or a
-- room name, one with a field of the wrong JSON type
SELECT pg_temp.deliver('{"event": "track_published", "id": "EV_park_x13", "room": {"name": "park-room-3"}}',
                       'APIpark', 'park-secret-of-at-least-32-characters-x') AS ignored_event;
SELECT pg_temp.deliver('{"event": "room_finished", "room": {"name": "park-room-3"}}',
                       'APIpark', 'park-secret-of-at-least-32-characters-x') AS without_id;
SELECT pg_temp.deliver('{"event": "room_finished", "id": "EV_park_x14"}',
                       'APIpark', 'park-secret-of-at-least-32-characters-x') AS without_room;
SELECT pg_temp.deliver('{"event": "room_finished", "id": "EV_park_x15", "room": {"name": "park-room-3"}, "createdAt": {}}',
                       'APIpark', 'park-secret-of-at-least-32-characters-x') AS wrong_type;
SELECT count(*) AS still_parked FROM callout.parked_delivery;

-- A revoked key's deliveries are parked as an unknown key's.
SELECT callout.add_signing_key('APIrevoked', 'revoked-secret-of-at-least-32-characters');
UPDATE callout.signing_key SET revoked_at = now() WHERE api_key = 'APIrevoked';
SELECT pg_temp.deliver(pg_temp.leave('EV_park_3', 'park-room-3'), 'APIrevoked', 'revoked-secret-of-at-least-32-characters');
-- and a forgery: a sender without the secret, naming a key not yet registered
SELECT pg_temp.deliver(pg_temp.leave('EV_forged', 'park-room-3'), 'APIforged', 'a-guess-at-the-secret-of-32-characters');
SELECT * FROM pg_temp.parked();

-- Replayed while the key is still unknown: each is refused again and stays.
SELECT parked_id IS NOT NULL AS parked, parked_at, status, reason, event_id
FROM callout.replay_parked_deliveries('APIpark');
SELECT count(*) FROM callout.parked_delivery;

-- The key is added an hour later (the tokens have long expired): the replay verifies each at the
-- instant it arrived, stores its event and ends its call, and drops it.
SET callout.verify_at = '2026-01-01 13:00:00+00';
SELECT callout.add_signing_key('APIpark', 'park-secret-of-at-least-32-characters-x');
SELECT status, reason, event_id, outcome, call_id IS NOT NULL AS has_call
FROM callout.replay_parked_deliveries('APIpark');
SELECT room_name, status, outcome FROM callout.call_log WHERE room_name LIKE 'park-room-%' ORDER BY room_name;
SELECT * FROM pg_temp.parked();
-- LiveKit's retry, now that the key is known, is a duplicate of the replayed event
SELECT pg_temp.deliver(pg_temp.leave('EV_park_1', 'park-room-1'), 'APIpark', 'park-secret-of-at-least-32-characters-x', 1767272400);

-- The revoked key restored, and the forged key registered with its real secret: replaying all,
-- the first is processed, the forgery refused for its signature; both are answered, so dropped.
UPDATE callout.signing_key SET revoked_at = NULL WHERE api_key = 'APIrevoked';
SELECT callout.add_signing_key('APIforged', 'the-real-secret-of-at-least-32-characters');
SELECT status, reason, event_id, outcome FROM callout.replay_parked_deliveries() ORDER BY parked_id;
SELECT count(*) FROM callout.parked_delivery;
SELECT room_name, status, outcome FROM callout.call_log WHERE room_name = 'park-room-3';

-- A delivery is parked under its iss as claimed, whatever its characters, so a key named with a
-- backslash or a control character replays its own; an iss holding U+0000, which no key can be
-- named (text cannot hold it), is not parked.
SET callout.verify_at = '2026-01-01 12:00:00+00';
SELECT pg_temp.deliver(pg_temp.leave('EV_park_odd_1', 'park-room-odd'), E'API\\odd', 'odd-secret-of-at-least-32-characters-xx');
SELECT pg_temp.deliver(pg_temp.leave('EV_park_odd_2', 'park-room-odd'), E'API\todd', 'odd-secret-of-at-least-32-characters-xx');
SELECT r.status, r.reason FROM callout.process_livekit_webhook(
    pg_temp.leave('EV_park_odd_3', 'park-room-odd'),
    livekit_test.sign_jwt('{"alg":"HS256"}', '{"iss": "API\u0000odd", "nbf": 1767268800, "exp": 1767269100, "sha256": "'
                          || livekit_test.body_sha256(pg_temp.leave('EV_park_odd_3', 'park-room-odd')) || '"}',
                          'odd-secret-of-at-least-32-characters-xx')) AS r;
SELECT api_key = E'API\\odd' AS backslash, api_key = E'API\todd' AS tab, event_id FROM pg_temp.parked();
SELECT callout.add_signing_key(E'API\\odd', 'odd-secret-of-at-least-32-characters-xx');
SELECT callout.add_signing_key(E'API\todd', 'odd-secret-of-at-least-32-characters-xx');
SELECT status, reason, event_id FROM callout.replay_parked_deliveries(E'API\\odd');
SELECT status, reason, event_id FROM callout.replay_parked_deliveries(E'API\todd');
SELECT count(*) FROM callout.parked_delivery;

-- A key bound to a tenant is bounded as ever: a replay that goes past its bytes a minute
-- (callout.max_key_bytes_per_minute) is answered key_rate_limit, which LiveKit would retry (HTTP
-- 429), so the delivery stays parked, and is processed by a replay within the bound.
SELECT pg_temp.deliver(pg_temp.leave('EV_park_rate_' || i, 'park-room-rate'), 'APIrate', 'rate-secret-of-at-least-32-characters-xx')
FROM generate_series(1, 2) AS i;
SELECT callout.add_signing_key('APIrate', 'rate-secret-of-at-least-32-characters-xx', 'tenant-p');
SELECT set_config('callout.max_key_bytes_per_minute', octet_length(pg_temp.leave('EV_park_rate_1', 'park-room-rate'))::text,
                  false) IS NOT NULL AS one_delivery_a_minute;
SELECT status, reason, event_id FROM callout.replay_parked_deliveries('APIrate');
SELECT * FROM pg_temp.parked();
RESET callout.max_key_bytes_per_minute;
SELECT status, reason, event_id FROM callout.replay_parked_deliveries('APIrate');
SELECT count(*) FROM callout.parked_delivery;

-- A genuine delivery the delivery path answers with an ERROR (a room name longer than callout
-- stores) is answered `error` with its SQLSTATE and message, and stays parked for the admin; the
-- others replay all the same.
SET callout.verify_at = '2026-01-01 12:00:00+00';
SELECT pg_temp.deliver(pg_temp.leave('EV_park_long', repeat('l', 1100)), 'APIlong', 'long-secret-of-at-least-32-characters-xx');
SELECT pg_temp.deliver(pg_temp.leave('EV_park_short', 'park-room-short'), 'APIlong', 'long-secret-of-at-least-32-characters-xx');
SELECT callout.add_signing_key('APIlong', 'long-secret-of-at-least-32-characters-xx');
SELECT status, reason, event_id FROM callout.replay_parked_deliveries('APIlong');
SELECT event_id FROM pg_temp.parked();
DELETE FROM callout.parked_delivery;

-- Bounds: at most callout.max_parked_deliveries, the oldest dropped first ...
SET callout.verify_at = '2026-01-01 12:00:00+00';
SET callout.max_parked_deliveries = 2;
SELECT pg_temp.deliver(pg_temp.leave('EV_bound_' || i, 'bound-room'), 'APIbound', 'bound-secret-of-at-least-32-characters-x')
FROM generate_series(1, 3) AS i;
SELECT event_id FROM pg_temp.parked();
-- ... holding at most callout.max_parked_bytes: a delivery larger than that is not parked, and
-- drops nothing
SELECT bytes AS one_delivery FROM callout.parked_delivery ORDER BY id LIMIT 1 \gset
SELECT set_config('callout.max_parked_bytes', (:one_delivery * 2 + 1)::text, false) IS NOT NULL AS bytes_set;
SELECT pg_temp.deliver(pg_temp.leave('EV_bound_huge', repeat('h', 1000)), 'APIbound', 'bound-secret-of-at-least-32-characters-x');
SELECT event_id FROM pg_temp.parked();
SET callout.max_parked_deliveries = 10;
SELECT set_config('callout.max_parked_bytes', (:one_delivery * 2 + 1)::text, false) IS NOT NULL AS bytes_set;
SELECT pg_temp.deliver(pg_temp.leave('EV_bound_4', 'bound-room'), 'APIbound', 'bound-secret-of-at-least-32-characters-x');
SELECT event_id FROM pg_temp.parked();
-- none at all with 0
SET callout.max_parked_deliveries = 0;
SELECT pg_temp.deliver(pg_temp.leave('EV_bound_5', 'bound-room'), 'APIbound', 'bound-secret-of-at-least-32-characters-x');
SELECT event_id FROM pg_temp.parked();
RESET callout.max_parked_deliveries;
RESET callout.max_parked_bytes;
-- The settings are the superuser's; the parked deliveries and their replay the admin's: not even
-- a trusted gateway's.
CREATE ROLE callout_parked_gateway;
SELECT callout.trust_gateway_role('callout_parked_gateway');
SET SESSION AUTHORIZATION callout_parked_gateway;
SET callout.max_parked_deliveries = 5;
SELECT count(*) FROM callout.parked_delivery;
SELECT * FROM callout.replay_parked_deliveries();
RESET SESSION AUTHORIZATION;
DELETE FROM callout.gateway_role WHERE role::text = 'callout_parked_gateway';
DROP OWNED BY callout_parked_gateway;
DROP ROLE callout_parked_gateway;
RESET callout.verify_at;
DROP SCHEMA livekit_test CASCADE;
