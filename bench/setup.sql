-- The benchmark's database: callout, the SQL signer of the tests, N signed deliveries in
-- LiveKit's wire format, one registered call for each (in callout and in the baselines' own
-- tables), the PL/pgSQL verifier and receiver, and what resets the tables between rounds. psql
-- variables: rows, iat (unix seconds the tokens are minted at), api_key, api_secret.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION pgcrypto;
CREATE EXTENSION callout;
\ir deliveries.sql

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
