-- The benchmark's database: callout, the SQL signer of the tests, N signed deliveries in
-- LiveKit's wire format, one registered call for each (in callout and in the baselines' own
-- tables), the PL/pgSQL verifier and receiver, and what resets the tables between rounds. psql
-- variables: rows, iat (unix seconds the tokens are minted at), api_key, api_secret.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION pgcrypto;
CREATE EXTENSION callout;
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

-- One call per delivery, registered as an application registers it before dialing. Registered
-- in delivery order into an empty table, so call i is delivery i's (checked below). The first
-- thousand, then ANALYZE and a new session: plans register_call cached while the table was
-- empty would scan it for every call.
SELECT count(callout.register_call('tenant-bench', d.room_name, 'outbound', NULL, '4711')) AS registered
FROM (SELECT room_name FROM bench.delivery WHERE id <= 1000 ORDER BY id) AS d \gset
ANALYZE callout.call_log;
\connect
SET client_min_messages = warning;
SELECT count(callout.register_call('tenant-bench', d.room_name, 'outbound', NULL, '4711')) AS registered
FROM (SELECT room_name FROM bench.delivery WHERE id > 1000 ORDER BY id) AS d \gset
SELECT (SELECT count(*) FROM callout.call_log AS c JOIN bench.delivery AS d
        ON d.id = c.id AND d.room_name = c.room_name) = :rows AS calls_follow_deliveries \gset
\if :calls_follow_deliveries
\else
    \warn 'call ids do not follow delivery ids'
    SELECT 1 / 0;
\endif

-- The registered calls, restored before every round so each round meets fresh calls.
CREATE TABLE bench.call_template AS SELECT * FROM callout.call_log;
ALTER TABLE bench.call_template ADD PRIMARY KEY (id);

-- Empties callout's event and call tables and restores the calls of deliveries 1..rows, and the
-- baselines' tables likewise (bench.least_work_reset). The event table is left as a new table
-- is: no statistics (TRUNCATE clears them) and no changes counted since its last analyze, so
-- autovacuum does not analyze it while it is empty (TRUNCATE keeps that count: autovacuum would
-- record "0 rows" some time into the next round).
CREATE FUNCTION bench.reset(rows integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE callout.livekit_call_event, callout.pending_event, callout.call_log, callout.delivery_count,
             callout.rejected_delivery, callout.key_usage RESTART IDENTITY;
    INSERT INTO callout.call_log OVERRIDING SYSTEM VALUE
    SELECT * FROM bench.call_template AS t WHERE t.id <= rows ORDER BY t.id;
    PERFORM setval(pg_get_serial_sequence('callout.call_log', 'id'),
                   (SELECT max(t.id) FROM bench.call_template AS t));
    PERFORM pg_stat_reset_single_table_counters('callout.livekit_call_event'::regclass);
    PERFORM pg_stat_reset_single_table_counters('callout.call_log'::regclass);
    PERFORM bench.least_work_reset(rows);
END
$$;

-- What a round left behind, for comparing the two sides: every column either side writes but
-- the ones that are the time of writing (received_at, updated_at) or a surrogate key (event id).
CREATE VIEW bench.written_events AS
SELECT event_id, call_log_id, user_id, api_key, event_type, room_name, room_sid,
       event_created_at, body_sha256, room_creation_time, participant_identity, participant_kind,
       is_sip, joined_at, disconnect_reason, sip_call_status, sip_phone_number,
       sip_trunk_phone_number, call_duration_seconds, recording_url, egress_status, payload,
       sip_call_id, sip_call_id_full
FROM callout.livekit_call_event;
CREATE VIEW bench.written_calls AS
SELECT c.id, c.user_id, c.agent_config_id, c.room_name, c.room_sid, c.direction, c.phone_number,
       c.registered_phone_number, c.campaign_id, c.status, c.outcome, c.duration_seconds,
       c.disconnect_reason, c.sip_call_status, c.recording_url, c.metadata, c.started_at,
       c.answered_at, c.ended_at, c.origin, c.created_at, c.sip_call_id, c.sip_call_id_full,
       c.answered_on_join
FROM callout.call_log AS c;

\i bench/verify_plpgsql.sql
\i bench/least_work_setup.sql

VACUUM ANALYZE bench.delivery;
