-- The benchmarks' deliveries (bench/setup.sql, bench/citus_setup.sql), in a database with
-- pgcrypto and callout: the test signer, the schema bench, the key and the signed deliveries.
-- psql variables rows, iat (unix seconds the tokens are minted at), api_key, api_secret.
\i test/fixtures/livekit_signer.sql
CREATE SCHEMA bench;

SET log_statement = 'none';
SELECT FROM callout.add_signing_key(:'api_key', :'api_secret') \gset
RESET log_statement;

-- What both sides read: the raw body as LiveKit posts it and its Authorization header (auth).
-- Delivery i is the participant_left of the SIP participant (the phone leg) of an outbound call
-- in its own room; its event id, room and participant are its own. Outcomes vary as a dialer's
-- do: mostly answered calls of 15-414 s, some unanswered, rejected and short ones.
CREATE TABLE bench.delivery (
    id integer PRIMARY KEY,
    room_name text NOT NULL,
    body text NOT NULL,
    auth text NOT NULL);

INSERT INTO bench.delivery (id, room_name, body, auth)
SELECT g.i, g.room_name, g.body, livekit_test.livekit_token(g.body, :'api_key', :'api_secret', :iat)
FROM (
    SELECT s.i, s.room_name, format(
        '{"event":"participant_left","room":{"sid":"RM_%1$s","name":"%2$s","emptyTimeout":300,'
        '"departureTimeout":20,"creationTime":"%3$s","creationTimeMs":"%3$s829",'
        '"turnPassword":"VVR3jj34qiASNP9z3tdKJH96Lyn5TP2oeM5mK9dRg3A","enabledCodecs":[{"mime":"audio/opus"},'
        '{"mime":"audio/red"}],"numParticipants":1,"numPublishers":1,"version":{"unixMicro":"%3$s829321"}},'
        '"participant":{"sid":"PA_%1$s","identity":"lead-%4$s","state":"DISCONNECTED",'
        '"tracks":[{"sid":"TR_%1$s","source":"MICROPHONE","mimeType":"audio/opus","mid":"0",'
        '"stream":"camera","version":{"unixMicro":"%5$s654321"}}],'
        '"metadata":"{\"campaign\":\"4711\",\"lead\":\"%4$s\",\"attempt\":1}","joinedAt":"%5$s",'
        '"joinedAtMs":"%5$s843","name":"Lead %4$s","version":6,"permission":{"canSubscribe":true,'
        '"canPublish":true,"canPublishData":true},"isPublisher":true,"kind":"SIP",'
        '"attributes":{"campaign_id":"4711","lead_id":"%4$s","sip.callID":"SCL_%1$s",'
        '"sip.callStatus":"%6$s","sip.hostname":"acme.pstn.twilio.com","sip.phoneNumber":"+4930%4$s",'
        '"sip.trunkID":"ST_zepQgtTdM9wA","sip.trunkPhoneNumber":"+18005550142"},'
        '"disconnectReason":"%7$s"},"id":"EV_%1$s","createdAt":"%8$s"}',
        s.tag, s.room_name, s.joined - 2, s.lead, s.joined, s.sip_status, s.reason, :iat - 1) AS body
    FROM (
        SELECT i, 'b' || lpad(to_hex(i), 11, '0') AS tag,
               'outbound-campaign-4711-lead-' || lpad(i::text, 7, '0') || '-x' || to_hex(i) AS room_name,
               lpad(i::text, 7, '0') AS lead,
               :iat - 1 - CASE WHEN i % 10 = 0 THEN 25 WHEN i % 10 = 1 THEN 8
                               WHEN i % 10 = 2 THEN 2 ELSE 15 + i % 400 END AS joined,
               CASE WHEN i % 10 IN (0, 1) THEN 'ringing' ELSE 'hangup' END AS sip_status,
               CASE WHEN i % 10 = 0 THEN 'USER_UNAVAILABLE' WHEN i % 10 = 1 THEN 'USER_REJECTED'
                    ELSE 'CLIENT_INITIATED' END AS reason
        FROM generate_series(1, :rows) AS i
    ) AS s
) AS g;
