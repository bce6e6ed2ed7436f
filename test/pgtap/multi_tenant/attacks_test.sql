-- What a tenant holding its own key or login, a gateway connection left in a bad state, or any
-- role granted too much could do to another tenant, each tried as an attacker would and shown to
-- fail (every test here failed on callout 0.3.0):
--   sid squatting: a tenant's key binds another tenant's upcoming room sid to its own call;
--   event-id squatting: a tenant's key stores another tenant's upcoming event id first, and
--     probes guessed bodies under it;
--   fail-open tenant: a PostgREST request whose claims name no tenant, on a connection that kept
--     a session-level callout.user_id; resolve_call_context for a caller with no tenant;
--   trust by name: a role dropped and created again under a trusted name;
--   a blanket grant: GRANT SELECT ON ALL TABLES IN SCHEMA callout;
--   no bounds per key: a tenant's own key storing without end, in bytes or in events of a call
--     (and a retry of what it stored is a duplicate, never refused by them);
--   an unbound key's event stored twice: once pending, again under the tenant of a call that
--     claimed its room past callout.unmatched_window;
--   what a refused sender is told, and what its claimed key puts in the rejection log.
BEGIN;
SELECT plan(38);
\ir tenants.psql

-- ---- sid squatting (5)

-- Tenant A's own key starts its call A2 with the sid of B2's room, which B has not seen yet;
-- then the platform's key delivers B2's real events, with that sid and B2's room name.
DO $$
BEGIN
    PERFORM pg_temp.mint('a2 squats', pg_temp.room_event('room_started', 'EV_TAP_A2_SQUAT', 'tap-room-a2',
                                                         'RM_TAP_B2', 1767268700), 'APItapTenantA');
    PERFORM pg_temp.mint('b2 joined', pg_temp.sip_event('participant_joined', 'EV_TAP_B2_JOINED', 'tap-room-b2',
                                                        'RM_TAP_B2', 1767268701, 'active', '+14155559999',
                                                        '+18005550200'), 'APItapShared');
    PERFORM pg_temp.mint('b2 left', pg_temp.sip_event('participant_left', 'EV_TAP_B2_LEFT', 'tap-room-b2',
                                                      'RM_TAP_B2', 1767268760, 'hangup', '+14155559999',
                                                      '+18005550200', 'CLIENT_INITIATED'), 'APItapShared');
END
$$;
SELECT is((SELECT r.status || ' ' || (r.call_id = c.id) FROM pg_temp.deliver('a2 squats') AS r, tap_call AS c
           WHERE c.name = 'A2'),
          'processed true', 'tenant A''s key binds the sid it sent to its own call A2');
SELECT is((SELECT r.status || ' ' || (r.call_id = c.id) FROM pg_temp.deliver('b2 joined') AS r, tap_call AS c
           WHERE c.name = 'B2'),
          'processed true', 'B2''s join, with the squatted sid and B2''s room name, reaches B2, not A2');
SELECT is((SELECT r.status || ' ' || (r.call_id = c.id) || ' ' || r.outcome
           FROM pg_temp.deliver('b2 left') AS r, tap_call AS c WHERE c.name = 'B2'),
          'processed true completed', 'B2''s leave ends B2');
SELECT is((SELECT c.status::text FROM callout.call_log AS c JOIN tap_call AS t ON t.id = c.id WHERE t.name = 'A2'),
          'registered', 'A2 heard nothing of B2''s phone leg');
SET SESSION AUTHORIZATION callout_tap_a;
SELECT is_empty($$SELECT e.event_id FROM callout.livekit_call_event AS e
                  WHERE e.payload::text LIKE '%14155559999%' OR e.sip_phone_number = '+14155559999'$$,
                'tenant A reads nothing of B2''s phone number');
RESET SESSION AUTHORIZATION;

-- ---- event-id squatting and the body oracle (4)

-- Tenant A's own key stores, for its own room, the event id of B2's upcoming leave first, and
-- sends guessed bodies under it; then the platform delivers B2's genuine leave.
DO $$
BEGIN
    PERFORM pg_temp.mint('a squats b2 leave', pg_temp.room_event('room_finished', 'EV_TAP_B2_LEFT_REAL', 'tap-room-a2',
                                                                 'RM_TAP_A2_OWN', 1767268900), 'APItapTenantA');
    PERFORM pg_temp.mint('a guesses b2 leave', pg_temp.sip_event('participant_left', 'EV_TAP_B2_LEFT_REAL', 'tap-room-b2',
                                                                 'RM_TAP_B2', 1767268900, 'hangup', '+14155550202',
                                                                 '+18005550200', 'CLIENT_INITIATED'), 'APItapTenantA');
    PERFORM pg_temp.mint('b2 leave real', pg_temp.sip_event('participant_left', 'EV_TAP_B2_LEFT_REAL', 'tap-room-b2',
                                                            'RM_TAP_B2', 1767268900, 'hangup', '+14155550202',
                                                            '+18005550200', 'CLIENT_INITIATED'), 'APItapShared');
END
$$;
SELECT is((SELECT r.status FROM pg_temp.deliver('a squats b2 leave') AS r), 'unmatched',
          'tenant A''s key stores B2''s upcoming event id under tenant A');
SELECT is((SELECT r.status || ' ' || coalesce(r.reason, '') FROM pg_temp.deliver('a guesses b2 leave') AS r),
          'duplicate conflicting_duplicate',
          'a guessed body of B2''s event, under A''s key, is compared with A''s own event only');
SELECT is((SELECT r.status || ' ' || (r.call_id = c.id) FROM pg_temp.deliver('b2 leave real') AS r, tap_call AS c
           WHERE c.name = 'B2'),
          'processed true', 'B2''s genuine event is processed on B2: A''s squat changed nothing of its answer');
SELECT is(ARRAY(SELECT e.user_id FROM callout.livekit_call_event AS e WHERE e.event_id = 'EV_TAP_B2_LEFT_REAL'
                ORDER BY e.user_id),
          ARRAY['tenant-a', 'tenant-b'], 'the id is one event of each tenant');

-- ---- a PostgREST request names its tenant by its claims alone (6)

SET SESSION AUTHORIZATION callout_tap_gateway;
SET callout.user_id = 'tenant-b';  -- left on the pooled connection, session-wide
SELECT is(callout.current_user_id(), 'tenant-b', 'outside a request, the gateway acts for callout.user_id');
SELECT set_config('request.jwt.claims', '{"role": "web_user"}', true) IS NULL AS request \gset
SELECT is(callout.current_user_id(), NULL, 'a request whose claims have no sub names no tenant');
SELECT is_empty('SELECT id FROM callout.call_log', 'and reads no call (callout.user_id is no fallback)');
SELECT set_config('request.jwt.claims', '{"sub": ""}', true) IS NULL AS request \gset
SELECT is(callout.current_user_id(), NULL, 'a request whose sub is empty names no tenant');
SELECT set_config('request.jwt.claims', 'not json', true) IS NULL AS request \gset
SELECT is(callout.current_user_id(), NULL, 'a request whose claims are not JSON names no tenant');
SELECT set_config('request.jwt.claims', '{"sub": 42}', true) IS NULL AS request \gset
SELECT is(callout.current_user_id(), NULL, 'a request whose sub is not a string names no tenant');
SELECT set_config('request.jwt.claims', '', true) IS NULL AS request \gset
RESET callout.user_id;
RESET SESSION AUTHORIZATION;

-- ---- resolve_call_context answers nothing without a tenant (2)

CREATE ROLE callout_tap_agent_worker LOGIN;
GRANT USAGE ON SCHEMA callout TO callout_tap_agent_worker;
GRANT EXECUTE ON FUNCTION callout.resolve_call_context(text) TO callout_tap_agent_worker;
SET SESSION AUTHORIZATION callout_tap_agent_worker;
SELECT is((SELECT call_id FROM callout.resolve_call_context('tap-room-b1')), NULL::bigint,
          'a role with no tenant, granted resolve_call_context, resolves no tenant''s room');
RESET SESSION AUTHORIZATION;
SELECT callout.map_tenant_role('callout_tap_agent_worker', NULL) IS NULL AS mapped \gset
SET SESSION AUTHORIZATION callout_tap_agent_worker;
SELECT is((SELECT call_id FROM callout.resolve_call_context('tap-room-b1')),
          (SELECT id FROM tap_call WHERE name = 'B1'),
          'mapped as an auditor, it resolves every tenant''s room');
RESET SESSION AUTHORIZATION;

-- ---- a dropped role leaves no trust behind (3)

CREATE ROLE callout_tap_oldgw LOGIN;
CREATE ROLE callout_tap_oldtenant LOGIN;
SELECT callout.trust_gateway_role('callout_tap_oldgw') IS NULL AS trusted \gset
SELECT callout.map_tenant_role('callout_tap_oldtenant', 'tenant-b') IS NULL AS mapped \gset
DROP OWNED BY callout_tap_oldgw, callout_tap_oldtenant;
DROP ROLE callout_tap_oldgw;
DROP ROLE callout_tap_oldtenant;
CREATE ROLE callout_tap_oldgw LOGIN;
CREATE ROLE callout_tap_oldtenant LOGIN;
GRANT USAGE ON SCHEMA callout TO callout_tap_oldgw, callout_tap_oldtenant;
GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor() TO callout_tap_oldgw, callout_tap_oldtenant;
GRANT SELECT ON callout.call_log TO callout_tap_oldgw, callout_tap_oldtenant;
SET SESSION AUTHORIZATION callout_tap_oldgw;
SET LOCAL callout.user_id = 'tenant-b';
SELECT is(callout.current_user_id(), NULL, 'a new role under a once-trusted gateway''s name is no gateway');
SELECT is_empty('SELECT id FROM callout.call_log', 'and reads no call');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_oldtenant;
SELECT is(callout.current_user_id(), NULL, 'a new role under a once-mapped name is no tenant');
RESET SESSION AUTHORIZATION;

-- ---- a blanket grant exposes no secret, route, role or count (2)

SELECT callout.add_phone_route('+18005550999', 'tenant-b') IS NULL AS routed \gset
CREATE ROLE callout_tap_app LOGIN;
GRANT USAGE ON SCHEMA callout TO callout_tap_app;
GRANT SELECT ON ALL TABLES IN SCHEMA callout TO callout_tap_app;
GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor() TO callout_tap_app;
SET SESSION AUTHORIZATION callout_tap_app;
SELECT is((SELECT count(*)::integer FROM callout.signing_key) + (SELECT count(*)::integer FROM callout.phone_route)
          + (SELECT count(*)::integer FROM callout.gateway_role) + (SELECT count(*)::integer FROM callout.tenant_role)
          + (SELECT count(*)::integer FROM callout.delivery_count)
          + (SELECT count(*)::integer FROM callout.rejected_delivery),
          0, 'a role granted SELECT on every table reads no key, route, role or count');
SELECT is((SELECT count(*)::integer FROM callout.call_log) + (SELECT count(*)::integer FROM callout.livekit_call_event),
          0, 'nor any call or event (it is no tenant)');
RESET SESSION AUTHORIZATION;

-- ---- a tenant's own key is bounded: events a call, bytes a minute (7)

-- A1 (tenant-a's, ended) holds 3 events; egress results for it, signed with A's key and with
-- the platform's
DO $$
BEGIN
    FOR i IN 1..3 LOOP
        PERFORM pg_temp.mint('a1 egress ' || i, format(
            '{"event":"egress_ended","id":"EV_TAP_A1_EGRESS_%s","createdAt":"1767268950",'
            '"egressInfo":{"egressId":"EG_%s","roomId":"RM_TAP_A1","roomName":"tap-room-a1",'
            '"status":"EGRESS_COMPLETE","fileResults":[{"location":"s3://rec/a1-%s.ogg"}]}}', i, i, i),
            'APItapTenantA');
    END LOOP;
    PERFORM pg_temp.mint('a1 egress shared', '{"event":"egress_ended","id":"EV_TAP_A1_EGRESS_SHARED",'
        '"createdAt":"1767268951","egressInfo":{"egressId":"EG_S","roomId":"RM_TAP_A1","roomName":"tap-room-a1",'
        '"status":"EGRESS_COMPLETE","fileResults":[{"location":"s3://rec/a1-s.ogg"}]}}', 'APItapShared');
END
$$;
SET LOCAL callout.max_events_per_call = 4;
SELECT is(ARRAY(SELECT r.status || ' ' || coalesce(r.reason, '') FROM generate_series(1, 2) AS i,
                LATERAL pg_temp.deliver('a1 egress ' || i) AS r ORDER BY i),
          ARRAY['processed ', 'rejected too_many_events'],
          'with callout.max_events_per_call = 4, tenant A''s key stores a fourth event for A1, not a fifth');
SELECT is((SELECT r.status FROM pg_temp.deliver('a1 egress 1') AS r), 'duplicate',
          'a retry of the fourth event, at the bound, is a duplicate, not refused');
SELECT is((SELECT r.status FROM pg_temp.deliver('a1 egress shared') AS r), 'processed',
          'the platform''s unbound key is not bounded');
SET LOCAL callout.max_events_per_call = 0;
SET LOCAL callout.max_key_bytes_per_minute = 500;
SELECT is((SELECT r.status || ' ' || coalesce(r.reason, '') FROM pg_temp.deliver('a1 egress 3') AS r),
          'rejected key_rate_limit', 'past callout.max_key_bytes_per_minute, tenant A''s key is refused');
SELECT ok((SELECT u.body_bytes > 500 FROM callout.key_usage AS u WHERE u.api_key = 'APItapTenantA'),
          'what the key delivered this minute is counted');
SELECT is((SELECT r.status || ' ' || u.body_bytes
           FROM (SELECT u.body_bytes FROM callout.key_usage AS u WHERE u.api_key = 'APItapTenantA') AS u,
                LATERAL pg_temp.deliver('a1 egress 1') AS r),
          (SELECT 'duplicate ' || u.body_bytes FROM callout.key_usage AS u WHERE u.api_key = 'APItapTenantA'),
          'past it, a retry of a stored event is a duplicate, and its bytes are not counted again');
SET LOCAL callout.max_key_bytes_per_minute = 0;
SELECT is((SELECT r.status FROM pg_temp.deliver('a1 egress 3') AS r), 'processed',
          'with no bound, the same delivery is processed');
RESET callout.max_key_bytes_per_minute;
RESET callout.max_events_per_call;

-- ---- the bound counts the events of A's key waiting in a room no call holds yet, which a call
-- made or registered for the room would attach (3)

SET LOCAL callout.max_events_per_call = 3;
DO $$
BEGIN
    FOR i IN 1..4 LOOP
        PERFORM pg_temp.mint('waiting ' || i, pg_temp.room_event('room_started', 'EV_TAP_WAIT_' || i,
                                                                 'tap-room-waiting', 'RM_TAP_WAIT', 1767268700 + i),
                             'APItapTenantA');
    END LOOP;
    PERFORM pg_temp.mint('waiting leg', pg_temp.sip_event('participant_joined', 'EV_TAP_WAIT_LEG', 'tap-room-waiting',
                                                          'RM_TAP_WAIT', 1767268710, 'active', '+14155550888',
                                                          '+18005550112', rule_id => 'SDR_TAP'), 'APItapTenantA');
END
$$;
SELECT is(ARRAY(SELECT r.status || ' ' || coalesce(r.reason, '') FROM generate_series(1, 4) AS i,
                LATERAL pg_temp.deliver('waiting ' || i) AS r ORDER BY i),
          ARRAY['unmatched ', 'unmatched ', 'unmatched ', 'rejected too_many_events'],
          'with callout.max_events_per_call = 3, tenant A''s key leaves three events waiting in a room no call holds, not a fourth');
SELECT is((SELECT r.status || ' ' || coalesce(r.reason, '') FROM pg_temp.deliver('waiting leg') AS r),
          'rejected too_many_events', 'nor an inbound leg that would make a call and attach them');
SELECT is((SELECT count(*) FROM callout.livekit_call_event AS e WHERE e.room_name = 'tap-room-waiting'), 3::bigint,
          'so a call of the room holds at most three events of A''s key');
RESET callout.max_events_per_call;

-- ---- an unbound key's event is stored once, even when a call claims its room late (3)

DO $$
BEGIN
    PERFORM pg_temp.mint('late started', pg_temp.room_event('room_started', 'EV_TAP_LATE', 'tap-room-late',
                                                            'RM_TAP_LATE', 1767268700), 'APItapShared');
END
$$;
SELECT is((SELECT r.status FROM pg_temp.deliver('late started') AS r), 'unmatched',
          'the platform''s event for a room no call claims waits');
-- it waited past callout.unmatched_window; then tenant B registers a call for its room, and the
-- platform retries the event
UPDATE callout.pending_event SET received_at = received_at - interval '1 day' WHERE event_id = 'EV_TAP_LATE';
SELECT callout.register_call('tenant-b', 'tap-room-late', 'outbound') IS NULL AS registered \gset
SELECT is((SELECT r.status FROM pg_temp.deliver('late started') AS r), 'duplicate',
          'the retry is a duplicate of the waiting event');
SELECT is((SELECT count(*) FROM callout.livekit_call_event AS e WHERE e.event_id = 'EV_TAP_LATE'), 0::bigint,
          'it is not stored again under tenant B');

-- ---- what a refused sender is told, and what its claimed key puts in the log (3)

DO $$
BEGIN
    -- a token whose claimed key holds control characters (an escape sequence and a line end)
    INSERT INTO tap_delivery (name, body, token)
    SELECT 'forged', d.body, livekit_test.livekit_token(d.body, E'APIx\u001b[2J\nforged', 'nope', 1767268800)
    FROM tap_delivery AS d WHERE d.name = 'a1 left';
END
$$;
SELECT is((SELECT r.reason FROM pg_temp.deliver('forged') AS r), 'unknown_api_key',
          'process_livekit_webhook (the application''s call) says why');
SELECT is((SELECT r.api_key FROM callout.rejected_delivery AS r ORDER BY r.rejected_at DESC, r.slot DESC LIMIT 1),
          'APIx\u001b[2J\u000aforged', 'the claimed key is logged with its control characters escaped');
SELECT ok((SELECT position(E'\u001b' IN r.api_key) = 0 AND position(E'\n' IN r.api_key) = 0
           FROM callout.rejected_delivery AS r ORDER BY r.rejected_at DESC, r.slot DESC LIMIT 1),
          'no control character reaches the log');

SELECT * FROM finish();
ROLLBACK;
