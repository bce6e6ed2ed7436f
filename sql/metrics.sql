--
-- callout.metrics and the rejection sample: every kind of delivery is counted once, stored
-- events by the events themselves, the others per minute; rejections keep time, reason, key,
-- size and SHA-256 but never the body. Counts are summed over the buckets of a wide window, so
-- nothing printed depends on the clock.
--
\set ECHO none
\i test/fixtures/livekit_signer.sql
\set ECHO all
\set SHOW_CONTEXT never
-- a clean slate: the counts below are of this file's deliveries only
DELETE FROM callout.livekit_call_event;
DELETE FROM callout.pending_event;
DELETE FROM callout.call_log;
DELETE FROM callout.delivery_count;
DELETE FROM callout.rejected_delivery;
SELECT setval('callout.rejected_delivery_slot', 0, false) AS ring_starts_at;
SET callout.verify_at = '2026-01-01 12:00:00+00';
SELECT callout.add_signing_key('APImetrics', 'metrics-secret-of-at-least-32-chars');
CREATE FUNCTION pg_temp.deliver(body text, secret text DEFAULT 'metrics-secret-of-at-least-32-chars')
RETURNS callout.webhook_result LANGUAGE sql AS $$
    SELECT * FROM callout.process_livekit_webhook(body, livekit_test.livekit_token(body, 'APImetrics', secret, 1767268800))
$$;
SELECT callout.register_call('tenant_m', 'metrics-room', 'outbound') IS NOT NULL AS registered;

-- one of each: processed (twice), unmatched, duplicate, conflicting duplicate, ignored, and three
-- rejections (a wrong secret twice, a body that is not JSON)
SELECT d.n, (d.r).status, (d.r).reason
FROM (VALUES
    (1, pg_temp.deliver('{"event":"room_started","id":"EV_m1","createdAt":"1767268790","room":{"sid":"RM_m","name":"metrics-room"}}')),
    (2, pg_temp.deliver('{"event":"room_finished","id":"EV_m2","createdAt":"1767268795","room":{"sid":"RM_m","name":"metrics-room"}}')),
    (3, pg_temp.deliver('{"event":"room_started","id":"EV_m3","createdAt":"1767268780","room":{"name":"metrics-nobody"}}')),
    (4, pg_temp.deliver('{"event":"room_started","id":"EV_m1","createdAt":"1767268790","room":{"sid":"RM_m","name":"metrics-room"}}')),
    (5, pg_temp.deliver('{"event":"room_started","id":"EV_m1","createdAt":"1767268791","room":{"sid":"RM_m","name":"metrics-room"}}')),
    (6, pg_temp.deliver('{"event":"track_published","id":"EV_m6","room":{"name":"metrics-room"}}')),
    (7, pg_temp.deliver('{"event":"room_started","id":"EV_m7","room":{"name":"metrics-room"}}', 'not-the-secret')),
    (8, pg_temp.deliver('{"event":"room_started","id":"EV_m8","room":{"name":"metrics-room"}}', 'not-the-secret')),
    (9, pg_temp.deliver('this is not json'))
) AS d(n, r) ORDER BY d.n;

SELECT sum(received) AS received, sum(stored) AS stored, sum(processed) AS processed,
       sum(unmatched) AS unmatched, sum(duplicates) AS duplicates,
       sum(conflicting_duplicates) AS conflicting, sum(ignored) AS ignored, sum(rejected) AS rejected
FROM callout.metrics(now() - interval '1 day', now() + interval '1 day', 'hour');
SELECT jsonb_object_agg(key, value ORDER BY key) AS rejected_by_reason
FROM callout.metrics(now() - interval '1 day', now() + interval '1 day', 'hour') AS m,
     jsonb_each(m.rejected_by_reason);
-- the lag is the time between an event's createdAt and its arrival (the pinned clock is not
-- the arrival time, so only its sign is shown)
SELECT max_lag_seconds > 0 AS events_arrived_after_they_were_created
FROM callout.metrics(now() - interval '1 day', now() + interval '1 day', 'hour') WHERE stored > 0;
-- per minute the totals are the same
SELECT sum(received) AS received_per_minute
FROM callout.metrics(now() - interval '1 day', now() + interval '1 day', 'minute');
-- a window before the deliveries has nothing
SELECT count(*) AS buckets FROM callout.metrics('2000-01-01', '2000-01-02');

-- the sample of rejections: reason, key, size and SHA-256, never the body
SELECT reason, api_key, body_bytes, body_sha256 = sha256(convert_to(
           '{"event":"room_started","id":"EV_m7","room":{"name":"metrics-room"}}', 'UTF8')) AS hash_of_body_7
FROM callout.rejected_delivery ORDER BY slot;
SELECT count(*) AS columns_that_could_hold_a_body
FROM information_schema.columns
WHERE table_schema = 'callout' AND table_name = 'rejected_delivery' AND data_type IN ('text', 'jsonb')
  AND column_name NOT IN ('reason', 'api_key');
-- the sample is a ring of 1000: 1200 more rejections leave 1000 rows
SELECT count(*) AS ring_rows FROM (
    SELECT pg_temp.deliver('{"event":"room_started","id":"EV_ring","room":{"name":"metrics-room"}}', 'not-the-secret')
    FROM generate_series(1, 1200)) AS flood;
SELECT count(*) AS sampled FROM callout.rejected_delivery;

-- a monitoring role, a member of pg_monitor and nothing more (no grant of callout's), reads the
-- metrics, and nothing else of callout's: not the counts' table, not the calls
CREATE ROLE callout_metrics_monitor IN ROLE pg_monitor;
SET SESSION AUTHORIZATION callout_metrics_monitor;
SELECT sum(received) > 0 AS reads_the_metrics
FROM callout.metrics(now() - interval '1 day', now() + interval '1 day', 'hour');
SELECT count(*) FROM callout.delivery_count;
SELECT count(*) FROM callout.call_log;
RESET SESSION AUTHORIZATION;
DROP ROLE callout_metrics_monitor;

-- bad arguments
SELECT * FROM callout.metrics(NULL, now());
SELECT * FROM callout.metrics(now(), now(), 'day');

RESET callout.verify_at;
DROP SCHEMA livekit_test CASCADE;
