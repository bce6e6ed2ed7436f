--
-- Redaction by LiveKit's own marks: every credential a webhook's messages can carry is dropped
-- from the stored payload at any depth, whatever its parent (core::is_secret_field lists them).
-- Each egress_ended below is built as LiveKit serializes EgressInfo (protojson: lowerCamelCase,
-- int64 as strings, enums as names), signed, and delivered; then the stored payload's text is
-- searched for each secret VALUE, not only its key.
--
\set ECHO none
\i test/fixtures/livekit_signer.sql
\set ECHO all
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

SELECT callout.add_signing_key('APIredact', 'redact-secret-of-at-least-32-characters');
SET callout.verify_at = '2026-01-01 12:00:00+00';
CREATE FUNCTION pg_temp.deliver(body text) RETURNS callout.webhook_result LANGUAGE sql AS $$
    SELECT * FROM callout.process_livekit_webhook(
        body, livekit_test.livekit_token(body, 'APIredact', 'redact-secret-of-at-least-32-characters', 1767268800))
$$;
SELECT callout.register_call('tenant_r', 'call-_+14155550170_redact', 'inbound') IS NOT NULL AS registered;

-- An egress_ended event around an EgressInfo: `request` is the request's oneof member (and its
-- value), `results` more EgressInfo fields.
CREATE FUNCTION pg_temp.egress_ended(id text, request jsonb, results jsonb DEFAULT '{}') RETURNS text
LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'event', 'egress_ended', 'id', id, 'createdAt', '1767268990',
        'egressInfo', jsonb_build_object(
            'egressId', 'EG_' || id, 'roomId', 'RM_redact', 'roomName', 'call-_+14155550170_redact',
            'status', 'EGRESS_COMPLETE', 'startedAt', '1767268900000000000',
            'endedAt', '1767268990000000000', 'updatedAt', '1767268990000000000')
            || request || results)::text
$$;

-- The secrets of each delivery, by name: none of their values may be stored.
CREATE TEMP TABLE secret (event_id text, name text, value text);
INSERT INTO secret VALUES
    ('EV_r_s3', 's3.accessKey', 'AKIAS3ACCESSKEYVALUE'),
    ('EV_r_s3', 's3.secret', 's3-secret-value-wJalrXUtnFEMI'),
    ('EV_r_s3', 's3.sessionToken', 's3-session-token-FwoGZXIvYXdzE'),
    ('EV_r_s3', 's3.assumeRoleExternalId', 's3-external-id-7a1b2c'),
    ('EV_r_s3', 's3.proxy.username', 's3-proxy-user-alice'),
    ('EV_r_s3', 's3.proxy.password', 's3-proxy-password-hunter2'),
    ('EV_r_gcp', 'gcp.credentials', 'gcp-private-key-MIIEvQIBADANBg'),
    ('EV_r_gcp', 'gcp.proxy.password', 'gcp-proxy-password-swordfish'),
    ('EV_r_azure', 'azure.accountName', 'azureaccountnamesecret'),
    ('EV_r_azure', 'azure.accountKey', 'azure-account-key-Eby8vdM02xNO'),
    ('EV_r_alioss', 'aliOSS.accessKey', 'LTAIaliossaccesskey'),
    ('EV_r_alioss', 'aliOSS.secret', 'alioss-secret-value-9z8y7x'),
    ('EV_r_stream', 'streamOutputs[].urls', 'live_stream_key_youtube_abc123'),
    ('EV_r_stream', 'streamOutputs[].urls', 'live_stream_key_twitch_def456'),
    ('EV_r_stream', 'streamResults[].url', 'live_stream_key_youtube_abc123'),
    ('EV_r_stream', 'stream.info[].url', 'live_stream_key_twitch_def456'),
    ('EV_r_track', 'track.websocketUrl', 'ws-token-ghi789'),
    ('EV_r_track', 'track.file.s3.secret', 'track-s3-secret-jkl012'),
    ('EV_r_web', 'web.webhooks[].signingKey', 'webhook-signing-key-mno345'),
    ('EV_r_web', 'room.turnPassword', 'turn-password-pqr678');

-- S3 with an assumed role, a session token and a proxy, as a room composite's file output
SELECT status, reason FROM pg_temp.deliver(pg_temp.egress_ended('EV_r_s3',
    $${"roomComposite":{"roomName":"call-_+14155550170_redact","layout":"speaker","audioOnly":true,
       "fileOutputs":[{"fileType":"OGG","filepath":"calls/{room_name}.ogg",
         "s3":{"accessKey":"AKIAS3ACCESSKEYVALUE","secret":"s3-secret-value-wJalrXUtnFEMI",
               "sessionToken":"s3-session-token-FwoGZXIvYXdzE",
               "assumeRoleArn":"arn:aws:iam::123456789012:role/egress",
               "assumeRoleExternalId":"s3-external-id-7a1b2c","region":"us-east-1",
               "endpoint":"https://s3.us-east-1.amazonaws.com","bucket":"calls","forcePathStyle":true,
               "metadata":{"tenant":"r"},"tagging":"env=prod","contentDisposition":"attachment",
               "proxy":{"url":"http://proxy.example:3128","username":"s3-proxy-user-alice",
                        "password":"s3-proxy-password-hunter2"}}}]}}$$,
    $${"fileResults":[{"filename":"calls/r.ogg","startedAt":"1767268900000000000",
       "endedAt":"1767268990000000000","duration":"90000000000","size":"1440000",
       "location":"https://calls.s3.amazonaws.com/calls/r.ogg"}]}$$));
-- GCP credentials (with a proxy), as a participant egress's segment output
SELECT status, reason FROM pg_temp.deliver(pg_temp.egress_ended('EV_r_gcp',
    $${"participant":{"roomName":"call-_+14155550170_redact","identity":"sip_+14155550170",
       "segmentOutputs":[{"protocol":"HLS_PROTOCOL","filenamePrefix":"calls/r","playlistName":"r.m3u8",
         "segmentDuration":6,"gcp":{"credentials":"{\"type\":\"service_account\",\"private_key\":\"gcp-private-key-MIIEvQIBADANBg\"}",
                                    "bucket":"calls-gcp",
                                    "proxy":{"url":"http://proxy.example:3128","password":"gcp-proxy-password-swordfish"}}}]}}$$,
    $${"segmentResults":[{"playlistName":"r.m3u8","duration":"90000000000","size":"1440000",
       "playlistLocation":"https://storage.googleapis.com/calls-gcp/calls/r.m3u8","segmentCount":"15"}]}$$));
-- Azure, as a track composite's file output
SELECT status, reason FROM pg_temp.deliver(pg_temp.egress_ended('EV_r_azure',
    $${"trackComposite":{"roomName":"call-_+14155550170_redact","audioTrackId":"TR_a",
       "fileOutputs":[{"filepath":"calls/r.mp4","azure":{"accountName":"azureaccountnamesecret",
         "accountKey":"azure-account-key-Eby8vdM02xNO","containerName":"calls"}}]}}$$,
    $${"fileResults":[{"filename":"calls/r.mp4","location":"https://x.blob.core.windows.net/calls/r.mp4"}]}$$));
-- AliOSS, as a room composite's image output
SELECT status, reason FROM pg_temp.deliver(pg_temp.egress_ended('EV_r_alioss',
    $${"roomComposite":{"roomName":"call-_+14155550170_redact",
       "imageOutputs":[{"captureInterval":10,"filenamePrefix":"calls/r","imageCodec":"IC_JPEG",
         "aliOSS":{"accessKey":"LTAIaliossaccesskey","secret":"alioss-secret-value-9z8y7x",
                   "region":"oss-cn-hangzhou","endpoint":"https://oss-cn-hangzhou.aliyuncs.com","bucket":"calls"}}]}}$$,
    $${"imageResults":[{"imageCount":"9","startedAt":"1767268900000000000","endedAt":"1767268990000000000"}]}$$));
-- A stream egress: the RTMP URLs (with their stream keys) of the request, of the stream results
-- and of the deprecated stream result
SELECT status, reason FROM pg_temp.deliver(pg_temp.egress_ended('EV_r_stream',
    $${"roomComposite":{"roomName":"call-_+14155550170_redact",
       "streamOutputs":[{"protocol":"RTMP","urls":["rtmp://a.rtmp.youtube.com/live2/live_stream_key_youtube_abc123",
                                                  "rtmp://live.twitch.tv/app/live_stream_key_twitch_def456"]}]}}$$,
    $${"streamResults":[{"url":"rtmp://a.rtmp.youtube.com/live2/live_stream_key_youtube_abc123",
                         "startedAt":"1767268900000000000","endedAt":"1767268990000000000",
                         "duration":"90000000000","status":"FINISHED"}],
       "stream":{"info":[{"url":"rtmp://live.twitch.tv/app/live_stream_key_twitch_def456","status":"FAILED",
                          "error":"connection refused"}]}}$$));
-- A track egress to a websocket, and one to a file
SELECT status, reason FROM pg_temp.deliver(pg_temp.egress_ended('EV_r_track',
    $${"track":{"roomName":"call-_+14155550170_redact","trackId":"TR_a",
       "websocketUrl":"wss://ai.example/audio?token=ws-token-ghi789",
       "file":{"filepath":"calls/t.ogg","s3":{"secret":"track-s3-secret-jkl012","bucket":"calls"}}}}$$));
-- A web egress: its `url` is the page recorded, not a credential, and stays; its webhook's
-- signing key and the room's TURN password go
SELECT status, reason FROM pg_temp.deliver(jsonb_set(pg_temp.egress_ended('EV_r_web',
    $${"web":{"url":"https://dashboard.example/call/42","audioOnly":false,
       "webhooks":[{"url":"https://hooks.example/egress","signingKey":"webhook-signing-key-mno345"}],
       "fileOutputs":[{"filepath":"calls/w.mp4"}]}}$$)::jsonb,
    '{room}', '{"sid":"RM_redact","name":"call-_+14155550170_redact","turnPassword":"turn-password-pqr678"}')::text);

-- every delivery was stored
-- stored events, with a call or waiting in the pending store (rooms no call claims)
CREATE TEMP VIEW stored_payload AS
SELECT e.event_id, e.payload FROM callout.livekit_call_event AS e
UNION ALL SELECT p.event_id, p.payload FROM callout.pending_event AS p;
SELECT count(*) AS stored FROM stored_payload WHERE event_id LIKE 'EV_r_%';

-- no secret value is anywhere in a stored payload
SELECT s.event_id, s.name
FROM secret AS s JOIN stored_payload AS e USING (event_id)
WHERE position(s.value IN e.payload::text) > 0
ORDER BY 1, 2;

-- what stays: everything else (the storage settings without credentials, the results)
SELECT payload #> '{egressInfo,roomComposite,fileOutputs,0,s3}' AS s3,
       payload #> '{egressInfo,fileResults,0,location}' AS location
FROM stored_payload WHERE event_id = 'EV_r_s3';
SELECT payload #> '{egressInfo,participant,segmentOutputs,0,gcp}' AS gcp
FROM stored_payload WHERE event_id = 'EV_r_gcp';
SELECT payload #> '{egressInfo,trackComposite,fileOutputs,0,azure}' AS azure
FROM stored_payload WHERE event_id = 'EV_r_azure';
SELECT payload #> '{egressInfo,roomComposite,imageOutputs,0,aliOSS}' AS alioss
FROM stored_payload WHERE event_id = 'EV_r_alioss';
SELECT payload #> '{egressInfo,roomComposite,streamOutputs}' AS stream_outputs,
       payload #> '{egressInfo,streamResults}' AS stream_results,
       payload #> '{egressInfo,stream}' AS stream
FROM stored_payload WHERE event_id = 'EV_r_stream';
SELECT payload #> '{egressInfo,track}' AS track
FROM stored_payload WHERE event_id = 'EV_r_track';
SELECT payload #> '{egressInfo,web}' AS web, payload -> 'room' AS room
FROM stored_payload WHERE event_id = 'EV_r_web';

-- a `url` elsewhere (a participant's attribute, a web page) and `password` or `username`
-- outside a proxy are not credentials of LiveKit's messages: kept
SELECT status FROM pg_temp.deliver($${"event":"participant_joined","id":"EV_r_kept","createdAt":"1767268801",
  "room":{"sid":"RM_redact","name":"call-_+14155550170_redact"},
  "participant":{"identity":"sip_+14155550170","kind":"SIP","joinedAt":"1767268801",
    "metadata":"{\"url\":\"https://crm.example/lead/7\",\"username\":\"agent-7\",\"password\":\"not-a-livekit-field\"}",
    "attributes":{"sip.callStatus":"active","url":"https://crm.example/lead/7"}}}$$);
SELECT payload #> '{participant,attributes}' AS attributes, payload #>> '{participant,metadata}' AS metadata
FROM stored_payload WHERE event_id = 'EV_r_kept';

RESET callout.verify_at;
DROP SCHEMA livekit_test CASCADE;
