--
-- The outcome feed: callout.outcome_changes and the named consumers (consume_outcomes,
-- acknowledge_outcomes). Each statement commits on its own here, as the feed is read below the
-- oldest transaction still running: within a transaction, its own changes are not read yet.
-- Positions are compared, never shown (transaction ids differ from run to run).
--
\set ECHO none
\i test/fixtures/livekit_signer.sql
\set ECHO all
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

SELECT callout.add_signing_key('APIfeed', 'feed-secret-of-at-least-32-characters-x');
SET callout.verify_at = '2026-01-01 12:00:00+00';

-- A SIP leg's leave of room `room` after `seconds` in it, its reason; and a room_finished.
CREATE FUNCTION pg_temp.leave(id text, room text, seconds integer, reason text DEFAULT 'CLIENT_INITIATED')
RETURNS text LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'event', 'participant_left', 'id', id, 'createdAt', (1767268800 + seconds)::text,
        'room', jsonb_build_object('sid', 'RM_' || room, 'name', room, 'creationTime', '1767268790'),
        'participant', jsonb_build_object('identity', 'sip_' || room, 'kind', 'SIP',
                                          'joinedAt', '1767268800', 'disconnectReason', reason))::text
$$;
CREATE FUNCTION pg_temp.finished(id text, room text)
RETURNS text LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'event', 'room_finished', 'id', id, 'createdAt', '1767268900',
        'room', jsonb_build_object('sid', 'RM_' || room, 'name', room, 'creationTime', '1767268790'))::text
$$;
CREATE FUNCTION pg_temp.deliver(body text) RETURNS text LANGUAGE sql AS $$
    SELECT r.status || coalesce(' ' || r.outcome, '')
    FROM callout.process_livekit_webhook(body, livekit_test.livekit_token(
             body, 'APIfeed', 'feed-secret-of-at-least-32-characters-x', 1767268800)) AS r
$$;
-- Where the feed stood before these cases (the earlier tests' calls), which they read from.
CREATE TABLE feed_start AS
SELECT coalesce(max(c.feed_xact), '0') AS feed_xact, coalesce(max(c.id), 0) AS call_id
FROM callout.call_log AS c WHERE c.feed_xact = (SELECT max(m.feed_xact) FROM callout.call_log AS m);
GRANT SELECT ON feed_start TO PUBLIC;
-- The feed as a list of rooms and outcomes, after a position given as a call's current one
-- (NULL: from where it stood).
CREATE FUNCTION pg_temp.feed(after_room text DEFAULT NULL, max integer DEFAULT 100) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(c.room_name || ':' || f.outcome, ' ' ORDER BY f.feed_xact, f.call_id), '(none)')
    FROM callout.outcome_changes(
             coalesce((SELECT a.feed_xact FROM callout.call_log AS a WHERE a.room_name = after_room),
                      (SELECT s.feed_xact FROM feed_start AS s)),
             coalesce((SELECT a.id FROM callout.call_log AS a WHERE a.room_name = after_room),
                      (SELECT s.call_id FROM feed_start AS s)),
             max) AS f
    JOIN callout.call_log AS c ON c.id = f.call_id
$$;
-- What a named consumer is handed now.
CREATE FUNCTION pg_temp.consume(consumer text, max integer DEFAULT 100) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(c.room_name || ':' || f.outcome, ' ' ORDER BY f.feed_xact, f.call_id), '(none)')
    FROM callout.consume_outcomes(consumer, max) AS f
    JOIN callout.call_log AS c ON c.id = f.call_id
$$;
-- Acknowledges a consumer up to a room's call's current position.
CREATE FUNCTION pg_temp.ack(consumer text, room text) RETURNS boolean
LANGUAGE sql AS $$
    SELECT callout.acknowledge_outcomes(consumer, c.feed_xact, c.id)
    FROM callout.call_log AS c WHERE c.room_name = room
$$;

-- Nothing has an outcome yet: the feed is empty.
SELECT callout.register_call('tenant-x', r, 'outbound') IS NOT NULL AS registered
FROM unnest(ARRAY['feed-1', 'feed-2', 'feed-4']) AS r;
SELECT callout.register_call('tenant-y', 'feed-3', 'outbound') IS NOT NULL AS registered;
SELECT pg_temp.feed();

-- Calls enter the feed in the order their outcomes are recorded, each once.
SELECT pg_temp.deliver(pg_temp.leave('EV_f2', 'feed-2', 90));
SELECT pg_temp.deliver(pg_temp.leave('EV_f1', 'feed-1', 3, 'USER_UNAVAILABLE'));
SELECT pg_temp.deliver(pg_temp.finished('EV_f3_end', 'feed-3'));
SELECT pg_temp.feed();
-- an event that leaves the outcome as it was (a recording), and a redelivery, leave the feed as
-- it was
SELECT pg_temp.deliver(jsonb_build_object(
    'event', 'egress_ended', 'id', 'EV_f2_egress', 'createdAt', '1767268950',
    'egressInfo', jsonb_build_object('egressId', 'EG_f2', 'roomId', 'RM_feed-2', 'roomName', 'feed-2',
                                     'status', 'EGRESS_COMPLETE',
                                     'fileResults', jsonb_build_array(jsonb_build_object('location', 's3://rec/f2.ogg'))))::text);
SELECT pg_temp.deliver(pg_temp.leave('EV_f2', 'feed-2', 90));
SELECT pg_temp.feed();
-- read on from a position; at most max
SELECT pg_temp.feed('feed-2');
SELECT pg_temp.feed('feed-1');
SELECT pg_temp.feed(NULL, 2);

-- A changed outcome moves its call to the end: feed-3 ended without its phone leg (failed), then
-- the leg's leave arrives late and the call completed. Read from where a reader stopped, the
-- call comes again with its new outcome; from the start, once, at its new place.
SELECT pg_temp.deliver(pg_temp.leave('EV_f3', 'feed-3', 60));
SELECT pg_temp.feed('feed-1');
SELECT pg_temp.feed();

-- Within a transaction, its own changes are not read yet; after it commits, they are.
BEGIN;
SELECT pg_temp.deliver(pg_temp.leave('EV_f4', 'feed-4', 45));
SELECT pg_temp.feed('feed-3');
COMMIT;
SELECT pg_temp.feed('feed-3');

-- Bad positions and sizes: NULLs read nothing, half a position and a NULL max too (not the rest
-- of the feed); max 0 reads nothing; a negative max is refused.
SELECT count(*) FROM callout.outcome_changes(NULL, NULL, 10);
SELECT count(*) FROM feed_start AS s, callout.outcome_changes(s.feed_xact, NULL, 10) AS f;
SELECT count(*) FROM callout.outcome_changes(NULL, 0, 10);
SELECT count(*) FROM callout.outcome_changes('0', 0, NULL);
SELECT count(*) FROM callout.outcome_changes('0', 0, 0);
SELECT count(*) FROM callout.outcome_changes('0', 0, -1);

-- A named consumer (here the superuser's, which reads every tenant): handed what follows its
-- acknowledged position, the same again until it acknowledges, never what it acknowledged. It
-- starts where the feed stood.
SELECT callout.acknowledge_outcomes('worker', s.feed_xact, s.call_id) FROM feed_start AS s;
SELECT pg_temp.consume('worker', 2);
SELECT pg_temp.consume('worker', 2);
SELECT pg_temp.ack('worker', 'feed-1');
SELECT pg_temp.consume('worker');
-- a poll writes nothing: it takes no transaction id (a worker polling every second for years
-- does not bring the next anti-wraparound vacuum nearer)
WITH polled AS MATERIALIZED (SELECT count(*) AS handed FROM callout.consume_outcomes('worker'))
SELECT polled.handed, pg_current_xact_id_if_assigned() IS NULL AS took_no_transaction_id FROM polled;
-- an older position leaves it where it is; the same position again too
SELECT pg_temp.ack('worker', 'feed-2');
SELECT pg_temp.ack('worker', 'feed-1');
SELECT pg_temp.consume('worker');
SELECT pg_temp.ack('worker', 'feed-4');
SELECT pg_temp.consume('worker');
SELECT f.tenant, f.reader, f.name, f.acknowledged_at IS NOT NULL AS acknowledged FROM callout.feed_consumer AS f;
-- a consumer needs a name, one short enough to store, a max, and a position both its keys
SELECT pg_temp.consume('');
SELECT pg_temp.consume(NULL);
SELECT pg_temp.consume(repeat('n', 257));
SELECT pg_temp.consume('worker', NULL);
SELECT callout.acknowledge_outcomes('worker', NULL, 1);
-- A position the feed has not reached is refused: no reader was handed it, and acknowledged it
-- would pass over every change before it, for good (a consumer never goes back). A transaction
-- still running (here this one) holds the feed, so its own position is not reached either.
SELECT callout.acknowledge_outcomes('worker', '1000000000000', 0);
BEGIN;
SELECT callout.acknowledge_outcomes('worker', pg_current_xact_id(), 0);
ROLLBACK;
SELECT pg_temp.consume('worker');

-- Tenants read their own calls' changes, each through its own consumers: tenant-x's "worker" is
-- not the superuser's. An auditor reads every tenant's, through consumers of its own (not the
-- superuser's either); a role that is no tenant reads none (42501).
CREATE ROLE callout_feed_x;
CREATE ROLE callout_feed_auditor;
CREATE ROLE callout_feed_nobody;
SELECT callout.map_tenant_role('callout_feed_x', 'tenant-x');
SELECT callout.map_tenant_role('callout_feed_auditor', NULL);
GRANT USAGE ON SCHEMA callout TO callout_feed_nobody;
GRANT SELECT ON callout.call_log TO callout_feed_nobody;
GRANT EXECUTE ON FUNCTION callout.outcome_changes(xid8, bigint, integer),
                          callout.consume_outcomes(text, integer) TO callout_feed_nobody;
SET SESSION AUTHORIZATION callout_feed_x;
SELECT string_agg(f.call_id::text, ',') IS NOT NULL AS reads,
       bool_and(f.user_id = 'tenant-x') AS only_its_own, count(*) AS calls
FROM callout.outcome_changes() AS f;
SELECT count(*) AS handed, bool_and(f.user_id = 'tenant-x') AS only_its_own
FROM callout.consume_outcomes('worker') AS f;
SELECT callout.acknowledge_outcomes('worker', f.feed_xact, f.call_id)
FROM callout.outcome_changes() AS f ORDER BY f.feed_xact DESC, f.call_id DESC LIMIT 1;
SELECT count(*) AS handed_after_its_acknowledgement FROM callout.consume_outcomes('worker');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_feed_auditor;
SELECT count(*) >= 4 AS calls, count(DISTINCT f.user_id) >= 2 AS tenants FROM callout.outcome_changes() AS f;
SELECT count(*) >= 4 AS handed FROM callout.consume_outcomes('worker');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_feed_nobody;
SELECT count(*) AS calls FROM callout.outcome_changes() AS f;
SELECT count(*) FROM callout.consume_outcomes('worker');
RESET SESSION AUTHORIZATION;
SELECT f.tenant, f.reader, f.name, f.acknowledged_at IS NOT NULL AS acknowledged
FROM callout.feed_consumer AS f ORDER BY f.tenant, f.reader::text, f.name;
-- the consumers' table answers no one but through the functions
SET SESSION AUTHORIZATION callout_feed_x;
SELECT count(*) FROM callout.feed_consumer;
RESET SESSION AUTHORIZATION;

DROP TABLE feed_start;
DELETE FROM callout.tenant_role WHERE role::text LIKE 'callout_feed_%';
DROP OWNED BY callout_feed_x, callout_feed_auditor, callout_feed_nobody;
DROP ROLE callout_feed_x, callout_feed_auditor, callout_feed_nobody;
DROP SCHEMA livekit_test CASCADE;
