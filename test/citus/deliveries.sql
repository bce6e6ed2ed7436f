-- The deliveries, registrations and late events the citus suite makes on a distributed callout
-- and on a single node alike (run from the repository's root, as a superuser, in a database
-- with callout: on the coordinator after callout.distribute()). Every answer is printed, then
-- every call, stored event and pending event, without what belongs to the run or the node (ids,
-- the instants created_at, updated_at and received_at, feed_xact): a call is named by its tenant,
-- room name and place among the tenant's calls of that room, an event's call by that name. What
-- test/run compares between the two. Each delivery is a transaction of its own.
--   - the public LiveKit vectors, every one, with the key pair they share (an unbound key): the
--     calls of their scenarios registered for three tenants before their deliveries, in1's after
--     its first three (they wait in the pending store, then move to the tenant's node);
--   - plain HMAC deliveries: an inbound leg of a routed number (its call made on the route's
--     tenant's node), a tenant's own key (its unmatched event attached by a registration, a
--     retry and a conflicting duplicate, its bounds per call and per minute), one room name
--     used by two tenants' calls (an unbound key's event goes to the call of its sid, ended or
--     open; the second tenant's key cannot reach the first's call through its sid, nor its own
--     next call of that name, where the first tenant's calls are on another node);
--   - late events listed and attached, one of them a pending event whose id the tenant stored
--     already (none attached);
--   - a pending event and a tenant's key's event of one room in one transaction with its call's
--     registration (the call takes the first's sid).
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
SET client_min_messages = warning;

\ir vectors.sql

-- A call by its tenant, room name and place among the tenant's calls of that room.
CREATE FUNCTION pg_temp.call_key(call_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    IF call_id IS NULL THEN
        RETURN '-';
    END IF;
    RETURN (SELECT c.user_id || '/' || c.room_name || '#'
                   || (SELECT count(*) FROM callout.call_log AS d
                       WHERE d.user_id = c.user_id AND d.room_name = c.room_name AND d.id <= c.id)
            FROM callout.call_log AS c WHERE c.id = call_key.call_id);
END
$$;

-- An answer as printed: its name, status, reason, event id, call and outcome.
CREATE FUNCTION pg_temp.answer(name text, r callout.webhook_result) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    RETURN pg_catalog.format('answer %s %s %s %s %s %s', name, r.status, coalesce(r.reason, '-'),
                             coalesce(r.event_id, '-'), pg_temp.call_key(r.call_id),
                             coalesce(r.outcome::text, '-'));
END
$$;

-- HMAC-SHA256 in hex (RFC 2104, with the server's sha256): a plain HMAC delivery's signature.
CREATE FUNCTION pg_temp.hmac_hex(message text, secret text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    k bytea := pg_catalog.convert_to(secret, 'UTF8');
    inner_key bytea;
    outer_key bytea;
BEGIN
    IF pg_catalog.length(k) > 64 THEN
        k := pg_catalog.sha256(k);
    END IF;
    k := k || pg_catalog.decode(pg_catalog.repeat('00', 64 - pg_catalog.length(k)), 'hex');
    inner_key := k;
    outer_key := k;
    FOR i IN 0..63 LOOP
        inner_key := pg_catalog.set_byte(inner_key, i, pg_catalog.get_byte(k, i) # 54);
        outer_key := pg_catalog.set_byte(outer_key, i, pg_catalog.get_byte(k, i) # 92);
    END LOOP;
    RETURN pg_catalog.encode(pg_catalog.sha256(outer_key || pg_catalog.sha256(
        inner_key || pg_catalog.convert_to(message, 'UTF8'))), 'hex');
END
$$;

-- A participant event of a room (a phone leg when trunk is given: sip.ruleID set, an inbound leg
-- a dispatch rule routed), delivered with a plain HMAC key's secret.
CREATE FUNCTION pg_temp.deliver_plain(name text, secret text, event_id text, event text,
                                      room_name text, room_sid text, created_at bigint,
                                      trunk text DEFAULT NULL, marker text DEFAULT '')
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    body text := pg_catalog.jsonb_build_object(
        'id', event_id, 'event', event, 'createdAt', created_at::text,
        'room', pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
            'name', room_name, 'sid', room_sid, 'creationTime', (created_at - 60)::text)),
        'participant', pg_catalog.jsonb_build_object(
            'sid', 'PA_' || event_id, 'identity', 'leg-' || room_name, 'kind', 'SIP',
            'joinedAt', (created_at - 30)::text, 'disconnectReason', 'CLIENT_INITIATED' || marker,
            'attributes', pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
                'sip.phoneNumber', '+15550001', 'sip.trunkPhoneNumber', trunk,
                'sip.ruleID', CASE WHEN trunk IS NOT NULL THEN 'SDR_route' END))))::text;
BEGIN
    RETURN pg_temp.answer(name, callout.process_livekit_webhook(body, pg_temp.hmac_hex(body, secret)));
END
$$;

SET callout.clock_leeway = 10;
SELECT 'key ' || count(callout.add_signing_key(k.api_key, k.api_secret))
FROM (SELECT DISTINCT api_key, api_secret FROM vectors WHERE api_key IS NOT NULL) AS k;
SELECT callout.add_signing_key('plain-platform', 'the platform''s plain secret', NULL, true);
SELECT callout.add_signing_key('plain-b', 'tenant b''s plain secret', 'tenant_b', true);
SELECT callout.add_phone_route('+18005550777', 'tenant_route', 'agent-route');

-- the vectors' calls, registered before their deliveries (in1's after its first three)
SELECT 'registered ' || pg_temp.call_key(callout.register_call(
           CASE WHEN s.room_name LIKE 'outbound-%' THEN 'tenant_a' ELSE 'tenant_b' END, s.room_name,
           CASE WHEN s.room_name LIKE 'outbound-%' THEN 'outbound' ELSE 'inbound' END))
FROM (SELECT DISTINCT ON (v.scenario) v.scenario, v.body::jsonb -> 'room' ->> 'name' AS room_name
      FROM vectors AS v WHERE v.scenario IS NOT NULL AND v.scenario <> 'in1' ORDER BY v.scenario, v.seq) AS s
ORDER BY s.scenario;

SELECT pg_catalog.format('SET callout.verify_at = %L', v.verified_at),
       pg_catalog.format('SELECT pg_temp.answer(%L, callout.process_livekit_webhook(%L, %L))',
                         v.name, v.body, v.token)
FROM vectors AS v WHERE v.scenario = 'in1' AND v.seq <= 3 ORDER BY v.seq, v.name
\gexec
SELECT 'registered ' || pg_temp.call_key(callout.register_call('tenant_in', v.body::jsonb -> 'room' ->> 'name', 'inbound'))
FROM vectors AS v WHERE v.scenario = 'in1' ORDER BY v.seq LIMIT 1;
SELECT pg_catalog.format('SET callout.verify_at = %L', v.verified_at),
       pg_catalog.format('SELECT pg_temp.answer(%L, callout.process_livekit_webhook(%L, %L))',
                         v.name, v.body, v.token)
FROM vectors AS v WHERE v.scenario IS DISTINCT FROM 'in1' OR v.seq > 3
ORDER BY v.scenario NULLS LAST, v.seq, v.name
\gexec
RESET callout.verify_at;

-- an inbound leg of a routed number, with the platform's key: its call made for the route's
-- tenant, then its leave
SELECT pg_temp.deliver_plain('route_joined', 'the platform''s plain secret', 'EV_route_joined',
                             'participant_joined', 'call-route-1', 'RM_route1', 1767270000, '+18005550777');
SELECT pg_temp.deliver_plain('route_left', 'the platform''s plain secret', 'EV_route_left',
                             'participant_left', 'call-route-1', 'RM_route1', 1767270100, '+18005550777');

-- a tenant's own key: an event of a room with no call waits as the tenant's, a registration
-- attaches it, the next is processed; a retry is a duplicate, another body of the same id a
-- conflicting one
SELECT pg_temp.deliver_plain('b_waiting', 'tenant b''s plain secret', 'EV_b1', 'participant_joined',
                             'room-b1', 'RM_b1', 1767271000);
SELECT 'registered ' || pg_temp.call_key(callout.register_call('tenant_b', 'room-b1', 'outbound'));
SELECT pg_temp.deliver_plain('b_left', 'tenant b''s plain secret', 'EV_b2', 'participant_left',
                             'room-b1', 'RM_b1', 1767271040);
SELECT pg_temp.deliver_plain('b_retry', 'tenant b''s plain secret', 'EV_b2', 'participant_left',
                             'room-b1', 'RM_b1', 1767271040);
SELECT pg_temp.deliver_plain('b_conflicting', 'tenant b''s plain secret', 'EV_b2', 'participant_left',
                             'room-b1', 'RM_b1', 1767271040, NULL, '-changed');
-- its bounds: events per call, bytes per minute (a retry is a duplicate whatever the bounds)
SET callout.max_events_per_call = 2;
SELECT pg_temp.deliver_plain('b_over_events', 'tenant b''s plain secret', 'EV_b3', 'participant_left',
                             'room-b1', 'RM_b1', 1767271050);
RESET callout.max_events_per_call;
SET callout.max_key_bytes_per_minute = 1;
SELECT pg_temp.deliver_plain('b_over_bytes', 'tenant b''s plain secret', 'EV_b4', 'participant_left',
                             'room-b1', 'RM_b1', 1767271060);
SELECT pg_temp.deliver_plain('b_retry_over_bytes', 'tenant b''s plain secret', 'EV_b2', 'participant_left',
                             'room-b1', 'RM_b1', 1767271040);
RESET callout.max_key_bytes_per_minute;

-- one room name, two tenants' calls: the first's bound to its sid and ended, the second's open
SELECT 'registered ' || pg_temp.call_key(callout.register_call('tenant_a', 'room-shared', 'outbound'));
SELECT pg_temp.deliver_plain('shared_a_joined', 'the platform''s plain secret', 'EV_sa1', 'participant_joined',
                             'room-shared', 'RM_shared_a', 1767272000);
SELECT pg_temp.deliver_plain('shared_a_left', 'the platform''s plain secret', 'EV_sa2', 'participant_left',
                             'room-shared', 'RM_shared_a', 1767272100);
SELECT 'ended ' || count(*) FROM callout.call_log AS c WHERE c.user_id = 'tenant_a' AND c.room_name = 'room-shared'
   AND c.status = 'ended';
SELECT 'registered ' || pg_temp.call_key(callout.register_call('tenant_b', 'room-shared', 'outbound'));
SELECT pg_temp.deliver_plain('shared_b_joined', 'the platform''s plain secret', 'EV_sb1', 'participant_joined',
                             'room-shared', 'RM_shared_b', 1767272200);
SELECT pg_temp.deliver_plain('shared_a_late', 'the platform''s plain secret', 'EV_sa3', 'participant_left',
                             'room-shared', 'RM_shared_a', 1767272110);
SELECT pg_temp.deliver_plain('shared_b_key_on_a_sid', 'tenant b''s plain secret', 'EV_sb2', 'participant_left',
                             'room-shared', 'RM_shared_a', 1767272120);
SELECT pg_temp.deliver_plain('shared_b_left', 'the platform''s plain secret', 'EV_sb3', 'participant_left',
                             'room-shared', 'RM_shared_b', 1767272300);
-- the second tenant's next call of that name: its key's event of the first's sid still waits
-- (the sid is bound under that name to the first tenant's call, which that key may not touch),
-- whichever node holds the first tenant's calls; the late events list it waiting for none
SELECT 'registered ' || pg_temp.call_key(callout.register_call('tenant_b', 'room-shared', 'outbound'));

-- late events: an event of a room no call has waits in the pending store; listed, then attached
-- once a call of the room is registered (the window of 0 s: not by the registration)
SELECT pg_temp.deliver_plain('late_waiting', 'the platform''s plain secret', 'EV_late1', 'participant_left',
                             'room-late', 'RM_late', 1767273000);
SELECT pg_catalog.pg_sleep(0.01);
SELECT 'late ' || l.event_id || ' ' || coalesce(l.user_id, '-') || ' ' || l.room_name || ' '
       || pg_temp.call_key(l.waits_for)
FROM callout.late_events('0 seconds') AS l ORDER BY l.event_id;
SET callout.unmatched_window = 0;
SELECT 'registered ' || pg_temp.call_key(callout.register_call('tenant_a', 'room-late', 'outbound'));
RESET callout.unmatched_window;
SELECT 'late ' || l.event_id || ' ' || coalesce(l.user_id, '-') || ' ' || l.room_name || ' '
       || pg_temp.call_key(l.waits_for)
FROM callout.late_events('0 seconds') AS l WHERE l.room_name = 'room-late';
-- the call's id first: Citus would run a function called per row of a distributed table on the
-- shards
SELECT c.id AS late_call FROM callout.call_log AS c WHERE c.user_id = 'tenant_a' AND c.room_name = 'room-late'
\gset
SELECT 'attached ' || callout.attach_late_events(:late_call);

-- a pending event whose id the tenant stored already (of another room, with its own key): moved
-- to the tenant's call of the room, it stays the tenant's as it was, and so nothing was attached
SELECT pg_temp.deliver_plain('dup_pending', 'the platform''s plain secret', 'EV_dup', 'participant_left',
                             'room-dup', 'RM_dup', 1767274000);
SELECT pg_temp.deliver_plain('dup_own', 'tenant b''s plain secret', 'EV_dup', 'participant_left',
                             'room-dup-other', 'RM_dup_other', 1767274000);
SET callout.unmatched_window = 0;
SELECT 'registered ' || pg_temp.call_key(callout.register_call('tenant_b', 'room-dup', 'outbound'));
RESET callout.unmatched_window;
SELECT c.id AS dup_call FROM callout.call_log AS c WHERE c.user_id = 'tenant_b' AND c.room_name = 'room-dup'
\gset
SELECT 'attached ' || callout.attach_late_events(:dup_call);

-- in one transaction, a pending event and a tenant's key's event of the room (of two sids), then
-- the room's call registered: both arrived at the transaction's instant, so the call takes the sid
-- of the first by event id (each event's arrival is the coordinator's, wherever it is stored)
BEGIN;
SELECT pg_temp.deliver_plain('tx_pending', 'the platform''s plain secret', 'EV_tx_z', 'participant_joined',
                             'room-tx', 'RM_tx_platform', 1767275000);
SELECT pg_temp.deliver_plain('tx_own', 'tenant b''s plain secret', 'EV_tx_a', 'participant_joined',
                             'room-tx', 'RM_tx_b', 1767275010);
SELECT 'registered ' || pg_temp.call_key(callout.register_call('tenant_b', 'room-tx', 'outbound'));
COMMIT;

-- the rows, copied here first (Citus runs no temporary function on the shards)
CREATE TEMP TABLE calls_seen AS SELECT * FROM callout.call_log;
CREATE TEMP TABLE events_seen AS SELECT * FROM callout.livekit_call_event;
CREATE TEMP TABLE call_keys AS
SELECT c.id, c.user_id || '/' || c.room_name || '#'
             || pg_catalog.row_number() OVER (PARTITION BY c.user_id, c.room_name ORDER BY c.id) AS key
FROM calls_seen AS c;
SELECT 'call ' || k.key || ' ' || (pg_catalog.to_jsonb(c) - 'id' - 'created_at' - 'updated_at' - 'feed_xact')::text
FROM calls_seen AS c JOIN call_keys AS k USING (id) ORDER BY k.key;
SELECT 'event ' || e.user_id || ' ' || e.event_id || ' ' || coalesce(k.key, '-') || ' '
       || (pg_catalog.to_jsonb(e) - 'id' - 'received_at' - 'call_log_id')::text
FROM events_seen AS e LEFT JOIN call_keys AS k ON k.id = e.call_log_id ORDER BY e.user_id, e.event_id;
SELECT 'pending ' || p.event_id || ' ' || (pg_catalog.to_jsonb(p) - 'id' - 'received_at')::text
FROM callout.pending_event AS p ORDER BY p.event_id;
