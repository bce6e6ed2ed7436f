-- Ingestion across tenants (DESIGN.md §6-§7): a delivery signed with tenant A's bound key
-- never touches tenant B's call, whether B's room is bound to a sid or only registered, never
-- creates a call in B's room or for B's routed number, and is kept as A's unmatched event,
-- which B's call does not pick up when it is created. The webhook-only role delivers (processed,
-- duplicate) and can do nothing else: no other function, no table, no setting.
BEGIN;
SELECT plan(116);
\ir tenants.psql

CREATE TEMP TABLE tap_before AS SELECT pg_temp.calls_of('tenant-b') AS b_calls;

-- Deliveries for this file, minted by the superuser. Inbound legs carry a dispatch rule id.
DO $$
BEGIN
    -- signed with A's bound key, for B's rooms
    PERFORM pg_temp.mint('a-key b1 left',
                         pg_temp.sip_event('participant_left', 'EV_TAP_AKEY_B1_LEFT', 'tap-room-b1', 'RM_TAP_B1',
                                           1767268760, 'hangup', '+14155550201', '+18005550200',
                                           reason => 'CLIENT_INITIATED'),
                         'APItapTenantA');
    PERFORM pg_temp.mint('a-key b1 finished',
                         pg_temp.room_event('room_finished', 'EV_TAP_AKEY_B1_FINISHED', 'tap-room-b1', 'RM_TAP_B1',
                                            1767268770),
                         'APItapTenantA');
    PERFORM pg_temp.mint('a-key b2 joined',
                         pg_temp.sip_event('participant_joined', 'EV_TAP_AKEY_B2_JOINED', 'tap-room-b2',
                                           'RM_TAP_B2_FORGED', 1767268701, 'active', '+14155550202', '+18005550200',
                                           rule_id => 'SDR_TAP_INBOUND'),
                         'APItapTenantA');
    -- an inbound call to B's routed number, first signed with A's key, then with the shared one
    PERFORM pg_temp.mint('a-key routed joined',
                         pg_temp.sip_event('participant_joined', 'EV_TAP_AKEY_ROUTED_JOINED', 'tap-room-routed-b',
                                           'RM_TAP_ROUTED_B', 1767268701, 'active', '+14155550299', '+18005550222',
                                           rule_id => 'SDR_TAP_INBOUND'),
                         'APItapTenantA');
    PERFORM pg_temp.mint('routed joined',
                         pg_temp.sip_event('participant_joined', 'EV_TAP_ROUTED_JOINED', 'tap-room-routed-b',
                                           'RM_TAP_ROUTED_B', 1767268702, 'active', '+14155550299', '+18005550222',
                                           rule_id => 'SDR_TAP_INBOUND'),
                         'APItapShared');
    -- A's key on A's own rooms: it does work
    PERFORM pg_temp.mint('a-key a2 joined',
                         pg_temp.sip_event('participant_joined', 'EV_TAP_AKEY_A2_JOINED', 'tap-room-a2', 'RM_TAP_A2',
                                           1767268701, 'active', '+14155550102', '+18005550100'),
                         'APItapTenantA');
    PERFORM pg_temp.mint('a-key inbound joined',
                         pg_temp.sip_event('participant_joined', 'EV_TAP_AKEY_INBOUND_JOINED', 'tap-room-inbound-a',
                                           'RM_TAP_INBOUND_A', 1767268701, 'active', '+14155550177', '+18005550177',
                                           rule_id => 'SDR_TAP_INBOUND'),
                         'APItapTenantA');
    -- for the webhook-only role: B2's phone leg joins, signed with the shared key
    PERFORM pg_temp.mint('b2 joined',
                         pg_temp.sip_event('participant_joined', 'EV_TAP_B2_JOINED', 'tap-room-b2', 'RM_TAP_B2',
                                           1767268705, 'ringing', '+14155550202', '+18005550200'),
                         'APItapShared');
    PERFORM callout.add_phone_route('+18005550222', 'tenant-b', 'agent-b-inbound');
END
$$;

-- The event rows of some deliveries, as "event_id call user_id api_key" (call: - when unmatched).
CREATE FUNCTION pg_temp.stored(event_ids text[]) RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT ARRAY(SELECT format('%s %s %s %s', e.event_id, coalesce(t.name, e.call_log_id::text, '-'),
                               coalesce(e.user_id, '-'), e.api_key)
                 FROM callout.livekit_call_event AS e LEFT JOIN tap_call AS t ON t.id = e.call_log_id
                 WHERE e.event_id = ANY (event_ids) ORDER BY e.event_id)
$$;
REVOKE ALL ON FUNCTION pg_temp.stored(text[]) FROM PUBLIC;

-- ---- A's bound key on B's call, bound to sid RM_TAP_B1 (5)

SELECT results_eq($$SELECT status, reason, call_id FROM pg_temp.deliver('a-key b1 left')$$,
                  $$VALUES ('unmatched'::text, NULL::text, NULL::bigint)$$,
                  'A''s key: B1''s phone leaving answers unmatched');
SELECT results_eq($$SELECT status, call_id FROM pg_temp.deliver('a-key b1 finished')$$,
                  $$VALUES ('unmatched'::text, NULL::bigint)$$,
                  'A''s key: B1''s room finishing answers unmatched');
SELECT is(pg_temp.calls_of('tenant-b'), (SELECT b_calls FROM tap_before),
          'A''s key: B''s calls are exactly as before (B1 still in_progress, no end, no outcome)');
SELECT is(pg_temp.stored(ARRAY['EV_TAP_AKEY_B1_FINISHED', 'EV_TAP_AKEY_B1_LEFT']),
          ARRAY['EV_TAP_AKEY_B1_FINISHED - tenant-a APItapTenantA', 'EV_TAP_AKEY_B1_LEFT - tenant-a APItapTenantA'],
          'A''s key: both events are kept unmatched, as tenant-a''s, with the key that signed them');
SELECT is((SELECT count(*)::integer FROM callout.livekit_call_event
           WHERE call_log_id = (SELECT id FROM tap_call WHERE name = 'B1')),
          2, 'B1 still has its own two events only');

-- ---- A's bound key on B's registered room (no sid bound yet) (3)

SELECT results_eq($$SELECT status, call_id FROM pg_temp.deliver('a-key b2 joined')$$,
                  $$VALUES ('unmatched'::text, NULL::bigint)$$,
                  'A''s key: a phone leg joining B2''s room answers unmatched');
SELECT is((SELECT array_agg(user_id || ' ' || status ORDER BY id) FROM callout.call_log WHERE room_name = 'tap-room-b2'),
          ARRAY['tenant-b registered'], 'A''s key: no call was created in B2''s room; B2 is still registered');
SELECT is(pg_temp.calls_of('tenant-b'), (SELECT b_calls FROM tap_before),
          'A''s key: B2 did not bind the forged sid');

-- ---- A's bound key on an inbound call to B's routed number (3), then B's own delivery (3)

SELECT results_eq($$SELECT status, call_id FROM pg_temp.deliver('a-key routed joined')$$,
                  $$VALUES ('unmatched'::text, NULL::bigint)$$,
                  'A''s key: an inbound call to B''s routed number answers unmatched');
SELECT is((SELECT count(*)::integer FROM callout.call_log WHERE room_name = 'tap-room-routed-b'), 0,
          'A''s key: no call was created for the routed number, for A or for B');
SELECT is(pg_temp.stored(ARRAY['EV_TAP_AKEY_ROUTED_JOINED']),
          ARRAY['EV_TAP_AKEY_ROUTED_JOINED - tenant-a APItapTenantA'],
          'A''s key: the inbound event is kept unmatched, as tenant-a''s');
SELECT results_eq($$SELECT status FROM pg_temp.deliver('routed joined')$$, $$VALUES ('processed'::text)$$,
                  'the shared key: the same inbound call is processed');
SELECT results_eq($$SELECT user_id, direction, agent_config_id, status::text FROM callout.call_log
                    WHERE room_name = 'tap-room-routed-b'$$,
                  $$VALUES ('tenant-b', 'inbound', 'agent-b-inbound', 'in_progress')$$,
                  'the shared key: one call in the routed room, B''s, in progress, with its route''s agent config');
SELECT is(pg_temp.stored(ARRAY['EV_TAP_AKEY_ROUTED_JOINED', 'EV_TAP_ROUTED_JOINED']),
          ARRAY['EV_TAP_AKEY_ROUTED_JOINED - tenant-a APItapTenantA',
                format('EV_TAP_ROUTED_JOINED %s tenant-b APItapShared',
                       (SELECT id FROM callout.call_log WHERE room_name = 'tap-room-routed-b'))],
          'A''s earlier event was not attached to B''s new call');

-- ---- A's bound key on A's own rooms works (3)

SELECT results_eq($$SELECT status, call_id FROM pg_temp.deliver('a-key a2 joined')$$,
                  $$SELECT 'processed'::text, id FROM tap_call WHERE name = 'A2'$$,
                  'A''s key: a phone leg joining A2 is processed on A2');
SELECT results_eq($$SELECT status FROM pg_temp.deliver('a-key inbound joined')$$, $$VALUES ('processed'::text)$$,
                  'A''s key: a phone leg joining a new room is processed');
SELECT results_eq($$SELECT user_id, direction FROM callout.call_log WHERE room_name = 'tap-room-inbound-a'$$,
                  $$VALUES ('tenant-a', 'inbound')$$,
                  'A''s key: the new room''s inbound call is created for tenant-a');

-- ---- what tenants see of it (2)

SET SESSION AUTHORIZATION callout_tap_b;
SELECT is_empty($$SELECT event_id FROM callout.livekit_call_event WHERE event_id LIKE 'EV_TAP_AKEY_%'$$,
                'tenant B reads none of the events A''s key signed, though they name its rooms');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_a;
SELECT is_empty($$SELECT id FROM callout.call_log WHERE user_id = 'tenant-b'$$,
                'tenant A reads no call of B after its key''s deliveries');
RESET SESSION AUTHORIZATION;

-- ---- the webhook-only role delivers (4)

SET SESSION AUTHORIZATION callout_tap_webhook;
SELECT results_eq($$SELECT status, reason, event_id, call_id FROM pg_temp.deliver('b2 joined')$$,
                  $$SELECT 'processed'::text, NULL::text, 'EV_TAP_B2_JOINED'::text, id FROM tap_call WHERE name = 'B2'$$,
                  'the webhook role delivers B2''s phone leg joining: processed, on B2');
SELECT results_eq($$SELECT status, reason, call_id FROM pg_temp.deliver('b2 joined')$$,
                  $$SELECT 'duplicate'::text, 'already processed'::text, id FROM tap_call WHERE name = 'B2'$$,
                  'the webhook role delivers it again: duplicate, already processed');
SELECT results_eq($$SELECT status, reason FROM callout.process_livekit_webhook(
                        (SELECT body FROM tap_delivery WHERE name = 'b2 joined'),
                        (SELECT token FROM tap_delivery WHERE name = 'a1 left'))$$,
                  $$VALUES ('rejected'::text, 'sha256_mismatch'::text)$$,
                  'the webhook role delivering a body under another body''s token: rejected');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT format('%s %s %s', c.status, c.room_sid, c.phone_number) FROM callout.call_log AS c
           WHERE c.id = (SELECT id FROM tap_call WHERE name = 'B2')),
          'in_progress RM_TAP_B2 +14155550202',
          'B2 is in progress, bound to RM_TAP_B2, after the webhook role''s delivery');

-- ---- ...and can do nothing else (one per other function, and 5 more)

-- Every other function of callout, called with NULL arguments the planner cannot fold away
-- (EXECUTE is checked before a STRICT function would answer NULL).
CREATE TEMP TABLE tap_function_call AS
SELECT p.oid::regprocedure::text AS signature,
       format('SELECT callout.%I(%s)', p.proname,
              (SELECT string_agg(format('(SELECT NULL::%s)', format_type(t, NULL)), ', ' ORDER BY i)
               FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a (t, i))) AS call
FROM pg_catalog.pg_proc AS p
WHERE p.pronamespace = 'callout'::regnamespace
  AND p.oid <> 'callout.process_livekit_webhook(text, text)'::regprocedure;
GRANT SELECT ON tap_function_call TO PUBLIC;
SET SESSION AUTHORIZATION callout_tap_webhook;
SELECT throws_ok(call, '42501', format('permission denied for function %s', split_part(signature, '(', 1)),
                 format('the webhook role cannot execute callout.%s', signature))
FROM (SELECT substr(signature, length('callout.') + 1) AS signature, call FROM tap_function_call) AS f
ORDER BY signature;
SELECT throws_ok($$SELECT callout.process_livekit_webhook('{}'::jsonb, 'a.b.c')$$, '42501',
                 'permission denied for function process_livekit_webhook',
                 'the webhook role cannot use the jsonb overload');
SELECT throws_ok($$SELECT event_id FROM callout.livekit_call_event$$, '42501',
                 'permission denied for table livekit_call_event', 'the webhook role cannot read the events it delivered');
SELECT throws_ok($$SELECT api_secret FROM callout.signing_key$$, '42501',
                 'permission denied for table signing_key', 'the webhook role cannot read the signing secrets');
SELECT throws_ok($$SET LOCAL callout.verify_at = '2026-01-01 12:00:00+00'$$, '42501',
                 'permission denied to set parameter "callout.verify_at"',
                 'the webhook role cannot pin the verification clock');
SELECT throws_ok($$SET LOCAL callout.clock_leeway = 3600$$, '42501',
                 'permission denied to set parameter "callout.clock_leeway"',
                 'the webhook role cannot widen the clock leeway');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
