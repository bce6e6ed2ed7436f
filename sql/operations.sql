--
-- Operations: expire_stale_calls, reclassify_calls, purge_event_payloads, purge_unmatched.
-- Activity times are pushed into the past by the superuser running this file, so nothing
-- printed depends on the clock.
--
\set ECHO none
\i test/fixtures/livekit_signer.sql
\set ECHO all
\set SHOW_CONTEXT never
-- a clean slate: the counts below are of this file's calls and events only
DELETE FROM callout.livekit_call_event;
DELETE FROM callout.pending_event;
DELETE FROM callout.call_log;
SET callout.verify_at = '2026-01-01 12:00:00+00';
SELECT callout.add_signing_key('APIops', 'ops-secret-of-at-least-32-characters');
CREATE FUNCTION pg_temp.deliver(body text) RETURNS callout.webhook_result LANGUAGE sql AS $$
    SELECT * FROM callout.process_livekit_webhook(
        body, livekit_test.livekit_token(body, 'APIops', 'ops-secret-of-at-least-32-characters', 1767268800))
$$;
-- A SIP leg leaving room `room` 187 s after it joined (no SIP status, no reason).
CREATE FUNCTION pg_temp.leave(id text, room text) RETURNS text LANGUAGE sql AS $f$
    SELECT format($${"event":"participant_left","id":"%s","createdAt":"1767268988",
      "room":{"sid":"RM_%s","name":"%s"},
      "participant":{"identity":"sip_ops","kind":"SIP","joinedAt":"1767268801"}}$$, id, id, room)
$f$;

-- expire_stale_calls: open calls that heard nothing for the interval (registered, or their
-- last event arrived, that long ago) are expired; ended calls and recently active ones are not;
-- the room name is free again
SELECT callout.register_call('tenant_o', room, 'outbound') IS NOT NULL AS registered
FROM unnest(ARRAY['ops-open-stale', 'ops-open-fresh', 'ops-ended', 'ops-open-active']) AS room;
SELECT status, outcome FROM pg_temp.deliver(pg_temp.leave('EV_ops_ended', 'ops-ended'));
SELECT status FROM pg_temp.deliver(format(
    '{"event":"participant_joined","id":"EV_ops_active","createdAt":"1767268801","room":{"sid":"RM_active","name":"%s"},"participant":{"identity":"sip_a","kind":"SIP","joinedAt":"1767268801"}}',
    'ops-open-active'));
UPDATE callout.call_log SET created_at = created_at - interval '2 hours'
WHERE room_name IN ('ops-open-stale', 'ops-ended', 'ops-open-active');
-- (ops-open-active was registered as long ago, but its phone leg joined just now: not stale)
UPDATE callout.livekit_call_event SET received_at = received_at - interval '2 hours'
WHERE event_id = 'EV_ops_ended';
SELECT callout.expire_stale_calls('1 hour') AS expired;
SELECT callout.expire_stale_calls('1 hour') AS expired_again;
SELECT room_name, status, outcome FROM callout.call_log WHERE room_name LIKE 'ops-%' ORDER BY room_name;
SELECT callout.register_call('tenant_o', 'ops-open-stale', 'outbound') IS NOT NULL AS registered_again;
SELECT callout.expire_stale_calls(NULL);
SELECT callout.expire_stale_calls('-1 hour');

-- reclassify_calls: after a threshold changes, ended calls are recomputed from their events
SET callout.min_completed_seconds = 200;
SELECT callout.reclassify_calls() AS changed;
SELECT room_name, duration_seconds, outcome FROM callout.call_log WHERE room_name = 'ops-ended';
SELECT callout.reclassify_calls() AS changed_again;
RESET callout.min_completed_seconds;
SELECT callout.reclassify_calls('2999-01-01') AS changed_since_the_future;
SELECT callout.reclassify_calls('2026-01-01') AS changed_since_2026;
SELECT room_name, outcome FROM callout.call_log WHERE room_name = 'ops-ended';
-- a threshold is rounded when it is set as a float8 becomes numeric (15 significant digits), so
-- ingestion compares what classify_outcome is given for the setting: the 187 s call stays
-- completed at 187.00000000000003 (the next float8 after 187), but not at 187.0000000001
SET callout.min_completed_seconds = 187.00000000000003;
SELECT (callout._ingest_settings()).min_completed_seconds = 187 AS rounded;
SELECT callout.reclassify_calls() AS changed_at_187;
SELECT c.outcome, callout.classify_outcome(c.duration_seconds, c.disconnect_reason, c.sip_call_status,
           min_completed_seconds => (callout._ingest_settings()).min_completed_seconds::numeric) AS classify_outcome_says
FROM callout.call_log AS c WHERE c.room_name = 'ops-ended';
SET callout.min_completed_seconds = 187.0000000001;
SELECT callout.reclassify_calls() AS changed_above_187;
SELECT outcome FROM callout.call_log WHERE room_name = 'ops-ended';
RESET callout.min_completed_seconds;
SELECT callout.reclassify_calls() AS changed_back;

-- purge_event_payloads: old payloads go, ids and facts stay, duplicates are still recognised
UPDATE callout.livekit_call_event SET received_at = received_at - interval '40 days'
WHERE event_id = 'EV_ops_ended';
SELECT callout.purge_event_payloads('30 days') AS purged;
SELECT event_id, payload IS NULL AS payload_gone, call_duration_seconds, body_sha256 IS NOT NULL AS hash_kept
FROM callout.livekit_call_event WHERE event_id = 'EV_ops_ended';
SELECT status, reason FROM pg_temp.deliver(pg_temp.leave('EV_ops_ended', 'ops-ended'));
SELECT callout.purge_event_payloads('30 days') AS purged_again;
-- reclassification reads the normalized facts, so it still works without the payloads
SET callout.min_completed_seconds = 200;
SELECT callout.reclassify_calls() AS changed_without_payloads;
RESET callout.min_completed_seconds;
SELECT callout.reclassify_calls() AS changed_back;

-- purge_unmatched: old events that never found a call go; old matched ones stay
SELECT status FROM pg_temp.deliver(pg_temp.leave('EV_ops_nobody', 'ops-room-nobody-registered'));
SELECT status FROM pg_temp.deliver(pg_temp.leave('EV_ops_nobody_new', 'ops-room-nobody-new'));
UPDATE callout.livekit_call_event SET received_at = received_at - interval '2 days'
WHERE event_id IN ('EV_ops_nobody', 'EV_ops_ended');
UPDATE callout.pending_event SET received_at = received_at - interval '2 days'
WHERE event_id IN ('EV_ops_nobody', 'EV_ops_ended');
SELECT callout.purge_unmatched('1 day') AS purged;
SELECT event_id FROM callout.livekit_call_event WHERE event_id LIKE 'EV_ops_%'
UNION ALL SELECT event_id FROM callout.pending_event WHERE event_id LIKE 'EV_ops_%' ORDER BY event_id;
SELECT callout.purge_unmatched(NULL);

-- purge_delivery_counts: old minutes of the delivery counts go
SELECT count(*) > 0 AS counted FROM callout.delivery_count;
UPDATE callout.delivery_count SET minute = minute - interval '2 days';
SELECT callout.purge_delivery_counts('1 day') > 0 AS purged;
SELECT count(*) AS left_over FROM callout.delivery_count;

RESET callout.verify_at;
DROP SCHEMA livekit_test CASCADE;
