--
-- Late events: those that waited for their call longer than callout.unmatched_window, which a
-- registration no longer attaches. callout.late_events lists them for the admin;
-- callout.attach_late_events(call_id) attaches to a call those that match it as a delivery would
-- now (the admin, or a gateway acting for the call's tenant), and the call is made again.
--
\set ECHO none
\i test/fixtures/livekit_signer.sql
\set ECHO all
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

SELECT callout.add_signing_key('APIlate', 'late-secret-of-at-least-32-characters-xx');
SELECT callout.add_signing_key('APIlateTenant', 'late-tenant-secret-of-at-least-32-chars', 'tenant-l');
SET callout.verify_at = '2026-01-01 12:00:00+00';
CREATE FUNCTION pg_temp.leave(id text, room text) RETURNS text LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'event', 'participant_left', 'id', id, 'createdAt', '1767268890',
        'room', jsonb_build_object('sid', 'RM_' || room, 'name', room, 'creationTime', '1767268790'),
        'participant', jsonb_build_object('identity', 'sip_' || room, 'kind', 'SIP', 'joinedAt', '1767268800',
                                          'disconnectReason', 'CLIENT_INITIATED'))::text
$$;
CREATE FUNCTION pg_temp.deliver(body text, api_key text DEFAULT 'APIlate',
                                secret text DEFAULT 'late-secret-of-at-least-32-characters-xx')
RETURNS text LANGUAGE sql AS $$
    SELECT r.status || coalesce(' ' || r.outcome, '')
    FROM callout.process_livekit_webhook(body, livekit_test.livekit_token(body, api_key, secret, 1767268800)) AS r
$$;

-- The phone legs of two rooms leave before any call is registered for them: signed with the
-- platform's key (it waits in the pending store), and with tenant-l's own key (it waits as
-- tenant-l's). An hour later (past the ten-minute window) the calls are registered: nothing is
-- attached, the calls stay registered.
SELECT pg_temp.deliver(pg_temp.leave('EV_late_1', 'late-room-1'));
SELECT pg_temp.deliver(pg_temp.leave('EV_late_2', 'late-room-2'), 'APIlateTenant', 'late-tenant-secret-of-at-least-32-chars');
UPDATE callout.pending_event SET received_at = received_at - interval '1 hour' WHERE event_id = 'EV_late_1';
UPDATE callout.livekit_call_event SET received_at = received_at - interval '1 hour' WHERE event_id = 'EV_late_2';
SELECT callout.register_call('tenant-l', 'late-room-' || i, 'outbound') IS NOT NULL AS registered
FROM generate_series(1, 2) AS i;
SELECT room_name, status, outcome FROM callout.call_log WHERE room_name LIKE 'late-room-%' ORDER BY room_name;
-- LiveKit's retry of the leave is a duplicate: it has been stored (waiting)
SELECT pg_temp.deliver(pg_temp.leave('EV_late_1', 'late-room-1'));

-- The admin lists them: each with the call it would join now.
SELECT l.event_id, l.user_id, l.room_name, l.event_type,
       (SELECT c.room_name FROM callout.call_log AS c WHERE c.id = l.waits_for) AS would_join
FROM callout.late_events() AS l ORDER BY l.event_id;
-- within a given age only; an hour and a half reaches none
SELECT count(*) FROM callout.late_events(interval '90 minutes');

-- A gateway acting for another tenant may not attach them (42501), nor a tenant's role, nor
-- anyone for a call that does not exist.
CREATE ROLE callout_late_gateway;
CREATE ROLE callout_late_tenant;
SELECT callout.trust_gateway_role('callout_late_gateway');
SELECT callout.map_tenant_role('callout_late_tenant', 'tenant-l');
SELECT id AS late_call_1 FROM callout.call_log WHERE room_name = 'late-room-1' \gset
SELECT id AS late_call_2 FROM callout.call_log WHERE room_name = 'late-room-2' \gset
SET SESSION AUTHORIZATION callout_late_gateway;
SET callout.user_id = 'tenant-other';
SELECT callout.attach_late_events(:late_call_1);
SELECT callout.attach_late_events(-1);
RESET callout.user_id;
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_late_tenant;
SELECT callout.attach_late_events(:late_call_1);
SELECT count(*) FROM callout.late_events();
RESET SESSION AUTHORIZATION;
SELECT callout.attach_late_events(-1);
SELECT callout.attach_late_events(NULL);

-- The gateway acting for tenant-l attaches the first call's; the admin the second's. Each call is
-- made from its event: ended, completed, in the outcome feed. Attaching again finds nothing.
SET SESSION AUTHORIZATION callout_late_gateway;
SET callout.user_id = 'tenant-l';
SELECT callout.attach_late_events(:late_call_1) AS attached;
SELECT callout.attach_late_events(:late_call_1) AS attached_again;
RESET callout.user_id;
RESET SESSION AUTHORIZATION;
SELECT callout.attach_late_events(:late_call_2) AS attached;
SELECT c.room_name, c.status, c.outcome, c.duration_seconds, c.feed_xact IS NOT NULL AS in_the_feed,
       (SELECT string_agg(e.event_id || ' ' || e.user_id, ', ') FROM callout.livekit_call_event AS e
        WHERE e.call_log_id = c.id) AS events
FROM callout.call_log AS c WHERE c.room_name LIKE 'late-room-%' ORDER BY c.room_name;
SELECT count(*) AS still_late FROM callout.late_events();
SELECT count(*) AS pending FROM callout.pending_event WHERE event_id = 'EV_late_1';
-- and the retry now answers with the call
SELECT pg_temp.deliver(pg_temp.leave('EV_late_1', 'late-room-1'));

RESET callout.verify_at;
DELETE FROM callout.tenant_role WHERE role::text = 'callout_late_tenant';
DELETE FROM callout.gateway_role WHERE role::text = 'callout_late_gateway';
DROP OWNED BY callout_late_gateway, callout_late_tenant;
DROP ROLE callout_late_gateway, callout_late_tenant;
DROP SCHEMA livekit_test CASCADE;
