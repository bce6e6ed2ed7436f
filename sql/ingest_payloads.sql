--
-- What ingestion stores of a payload: credentials dropped at any depth, a \u0000 escape stored
-- as U+FFFD instead of failing the delivery; the settings it runs with (the pinned clock
-- callout.verify_at parsed when it is set, the classification thresholds); key rotation.
-- Tokens are minted by the SQL signer at the pinned instant.
--
\set ECHO none
\i test/fixtures/livekit_signer.sql
\set ECHO all
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

SELECT callout.add_signing_key('APIpayload', 'payload-secret-of-at-least-32-chars');
SET callout.verify_at = '2026-01-01 12:00:00+00';
CREATE FUNCTION pg_temp.deliver(body text) RETURNS callout.webhook_result LANGUAGE sql AS $$
    SELECT * FROM callout.process_livekit_webhook(
        body, livekit_test.livekit_token(body, 'APIpayload', 'payload-secret-of-at-least-32-chars', 1767268800))
$$;
SELECT callout.register_call('tenant_p', 'call-_+14155550190_payload', 'inbound') IS NOT NULL AS registered;

-- an egress_ended whose request carries storage credentials and a stream key: every
-- credential is dropped from the stored payload, everything else is kept
SELECT status, reason FROM pg_temp.deliver($${"event":"egress_ended","id":"EV_payload_egress",
  "createdAt":"1767268990",
  "room":{"sid":"RM_payload","name":"call-_+14155550190_payload","turnPassword":"turn-secret"},
  "egressInfo":{"egressId":"EG_p","roomId":"RM_payload","status":"EGRESS_COMPLETE",
    "roomComposite":{"fileOutputs":[{"filepath":"calls/p.ogg",
        "s3":{"accessKey":"AKIA-secret-key","secret":"s3-secret","sessionToken":"tok","region":"us-east-1","bucket":"calls"}}],
      "streamOutputs":[{"protocol":"RTMP","urls":["rtmp://live.example/app/stream-key-123"]}]},
    "fileResults":[{"filename":"calls/p.ogg","location":"https://calls.example/p.ogg"}]}}$$);
SELECT payload #> '{egressInfo,roomComposite,fileOutputs,0,s3}' AS stored_s3,
       payload #> '{egressInfo,roomComposite,streamOutputs,0}' AS stored_stream,
       payload -> 'room' AS stored_room,
       payload #>> '{egressInfo,fileResults,0,location}' AS location
FROM callout.livekit_call_event WHERE event_id = 'EV_payload_egress';
SELECT position('secret' IN payload::text) = 0 AND position('stream-key' IN payload::text) = 0
       AS no_credential_text_stored
FROM callout.livekit_call_event WHERE event_id = 'EV_payload_egress';

-- a caller name with a \u0000 escape: the delivery is processed, the name stored with U+FFFD
-- (an escaped backslash followed by the text u0000 is not an escape and stays as it is)
SELECT status, reason FROM pg_temp.deliver($${"event":"participant_joined","id":"EV_payload_nul",
  "createdAt":"1767268801","room":{"sid":"RM_payload","name":"call-_+14155550190_payload"},
  "participant":{"identity":"sip_+14155550190","name":"Evil\u0000Caller","metadata":"C:\\u0000",
    "kind":"SIP","joinedAt":"1767268801","attributes":{"sip.callStatus":"active"}}}$$);
SELECT payload #>> '{participant,name}' = 'Evil' || chr(65533) || 'Caller' AS name_has_replacement,
       payload #>> '{participant,metadata}' AS metadata
FROM callout.livekit_call_event WHERE event_id = 'EV_payload_nul';
SELECT status, phone_number FROM callout.call_log WHERE room_name = 'call-_+14155550190_payload';

-- callout.verify_at is parsed when it is set: a wrong value is refused at once
SET callout.verify_at = 'next tuesday';
SHOW callout.verify_at;
-- a time without a zone is UTC, whatever the session's TimeZone
SET TimeZone = 'America/New_York';
SET callout.verify_at = '2026-01-01 12:00:00';
SELECT status FROM pg_temp.deliver($${"event":"room_finished","id":"EV_payload_fin","createdAt":"1767269000",
  "room":{"sid":"RM_payload","name":"call-_+14155550190_payload","creationTime":"1767268800"}}$$);
-- unix seconds work too; a token from an hour before that instant has expired
SET callout.verify_at = '1767272400';
SELECT status, reason FROM callout.process_livekit_webhook('{"event":"room_started"}',
    livekit_test.livekit_token('{"event":"room_started"}', 'APIpayload',
                               'payload-secret-of-at-least-32-chars', 1767268800));
RESET TimeZone;
SET callout.verify_at = '2026-01-01 12:00:00+00';

-- the thresholds of callout.min_connected_seconds and callout.min_completed_seconds reach
-- ingestion: the same 187 s leave (no SIP status, no reason: the duration decides) is
-- completed under the defaults and no_answer under a 200 s threshold
CREATE FUNCTION pg_temp.leave(id text, room text) RETURNS text LANGUAGE sql AS $f$
    SELECT format($${"event":"participant_left","id":"%s","createdAt":"1767268988",
      "room":{"sid":"RM_%s","name":"%s"},
      "participant":{"identity":"sip_x","kind":"SIP","joinedAt":"1767268801"}}$$, id, id, room)
$f$;
SELECT callout.register_call('tenant_p', 'outbound-threshold-a', 'outbound') IS NOT NULL AS registered;
SELECT callout.register_call('tenant_p', 'outbound-threshold-b', 'outbound') IS NOT NULL AS registered;
SELECT status, outcome FROM pg_temp.deliver(pg_temp.leave('EV_threshold_a', 'outbound-threshold-a'));
SET callout.min_completed_seconds = 200;
SELECT status, outcome FROM pg_temp.deliver(pg_temp.leave('EV_threshold_b', 'outbound-threshold-b'));
RESET callout.min_completed_seconds;
SELECT room_name, duration_seconds, outcome FROM callout.call_log
WHERE room_name LIKE 'outbound-threshold-%' ORDER BY room_name;

-- key rotation: two live keys verify side by side; a revoked key verifies nothing; replacing a
-- key's secret makes tokens signed with the old one fail
SELECT callout.add_signing_key('APIpayload2', 'second-secret-of-at-least-32-chars');
CREATE FUNCTION pg_temp.started(id text, key text, secret text) RETURNS callout.webhook_result
LANGUAGE sql AS $$
    SELECT r.*
    FROM (SELECT format('{"event":"room_started","id":"%s","room":{"name":"rotation-room"}}', id) AS b) AS body,
         LATERAL callout.process_livekit_webhook(body.b, livekit_test.livekit_token(body.b, key, secret, 1767268800)) AS r
$$;
SELECT status FROM pg_temp.started('EV_rot_1', 'APIpayload', 'payload-secret-of-at-least-32-chars');
SELECT status FROM pg_temp.started('EV_rot_2', 'APIpayload2', 'second-secret-of-at-least-32-chars');
SELECT callout.revoke_signing_key('APIpayload') AS revoked,
       callout.revoke_signing_key('APIpayload') AS revoked_again;
SELECT status, reason FROM pg_temp.started('EV_rot_3', 'APIpayload', 'payload-secret-of-at-least-32-chars');
SELECT status FROM pg_temp.started('EV_rot_4', 'APIpayload2', 'second-secret-of-at-least-32-chars');
SELECT callout.add_signing_key('APIpayload2', 'replaced-secret-of-at-least-32-chars');
SELECT status, reason FROM pg_temp.started('EV_rot_5', 'APIpayload2', 'second-secret-of-at-least-32-chars');
SELECT status FROM pg_temp.started('EV_rot_6', 'APIpayload2', 'replaced-secret-of-at-least-32-chars');

-- indexed values longer than ingestion stores are refused with the field's name (a btree entry
-- holds about 2.7 kB): event id, room sid and SIP phone number 256 bytes, room name 1024; a
-- lone surrogate escape is not JSON
CREATE FUNCTION pg_temp.deliver_live(body text) RETURNS callout.webhook_result LANGUAGE sql AS $$
    SELECT r.* FROM callout.process_livekit_webhook(body, livekit_test.livekit_token(body,
        'APIpayload2', 'replaced-secret-of-at-least-32-chars', 1767268800)) AS r
$$;
SELECT status FROM pg_temp.started(repeat('E', 256), 'APIpayload2', 'replaced-secret-of-at-least-32-chars');
SELECT status FROM pg_temp.started(repeat('E', 257), 'APIpayload2', 'replaced-secret-of-at-least-32-chars');
SELECT status, reason FROM pg_temp.deliver_live(format('{"event":"room_started","id":"EV_long_room","room":{"name":"%s"}}', repeat('r', 1025)));
SELECT status, reason FROM pg_temp.deliver_live('{"event":"room_started","id":"EV_long_sid","room":{"name":"long-sid","sid":"' || repeat('s', 257) || '"}}');
SELECT status, reason FROM pg_temp.deliver_live('{"event":"room_started","id":"EV_surrogate","room":{"name":"r\ud800"}}');
SELECT count(*) AS stored FROM callout.livekit_call_event
WHERE event_id IN ('EV_long_room', 'EV_long_sid', 'EV_surrogate') OR octet_length(event_id) > 256;

-- JSON that is not an event object is body_not_json, whatever it is; an ignored event's id is
-- told as ->> reads it, whatever its JSON type
SELECT b AS body, r.status, r.reason
FROM unnest(ARRAY['42', '"text"', 'true', 'null', '[1, {"a": 2}]', '{"event":']) AS b,
     LATERAL pg_temp.deliver_live(b) AS r;
SELECT r.status, r.event_id
FROM unnest(ARRAY['{"event":"track_published","id":42.50}', '{"event":"track_published","id":{"a":[true,null]}}',
                  '{"event":"track_published","id":"EV_ignored"}', '{"event":"track_published"}']) AS b,
     LATERAL pg_temp.deliver_live(b) AS r;
SELECT callout.register_call('tenant_p', repeat('r', 1025), 'outbound');
SELECT callout.register_call('tenant_p', 'long-number', 'outbound', repeat('1', 257));

RESET callout.verify_at;
DROP SCHEMA livekit_test CASCADE;
