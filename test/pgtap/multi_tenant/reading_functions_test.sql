-- Reading one call across tenants: get_call_outcome (SECURITY INVOKER) answers the outcome
-- row for the right tenant and NULL otherwise, under the caller's row-level security, so
-- tenant B asking for A's call with A's user id gets NULL too; resolve_call_context answers
-- the call a room belongs to for the gateway, only within the tenant it acts for (and nothing
-- while it acts for none).
BEGIN;
SELECT plan(26);
\ir tenants.psql

-- A1's outcome as the superuser reads it from the table.
CREATE TEMP TABLE tap_a1_outcome AS
SELECT ROW(c.id, c.status, c.outcome, c.duration_seconds, c.disconnect_reason, c.sip_call_status,
           c.recording_url, c.started_at, c.ended_at)::callout.call_outcome_info AS info
FROM callout.call_log AS c JOIN tap_call AS t ON t.id = c.id WHERE t.name = 'A1';
GRANT SELECT ON tap_a1_outcome TO PUBLIC;

-- The ids, for short calls below.
SELECT id AS a1 FROM tap_call WHERE name = 'A1' \gset
SELECT id AS b1 FROM tap_call WHERE name = 'B1' \gset

-- ---- get_call_outcome: as the superuser, the row is there (2)

SELECT is(callout.get_call_outcome(:a1, 'tenant-a'),
          ROW(:a1, 'ended', 'completed', 187, 'CLIENT_INITIATED', 'hangup', NULL,
              '2026-01-01 11:58:20+00', '2026-01-01 12:01:28+00')::callout.call_outcome_info,
          'get_call_outcome(A1, tenant-a): ended, completed, 187 s, CLIENT_INITIATED, hangup');
SELECT is(callout.get_call_outcome(:a1, 'tenant-b'), NULL, 'get_call_outcome(A1, tenant-b) is NULL');

-- ---- as tenant A (5)

SET SESSION AUTHORIZATION callout_tap_a;
SELECT is(callout.get_call_outcome(:a1, 'tenant-a'), (SELECT info FROM tap_a1_outcome),
          'tenant A: get_call_outcome of its call with its user id answers the row');
SELECT is((callout.get_call_outcome(:a1, 'tenant-a')).outcome, 'completed'::callout.call_outcome,
          'tenant A: its call is completed');
SELECT is(callout.get_call_outcome(:a1, 'tenant-b'), NULL,
          'tenant A: get_call_outcome of its call with the wrong user id is NULL');
SELECT is(callout.get_call_outcome(:b1, 'tenant-b'), NULL,
          'tenant A: get_call_outcome of B''s call with B''s user id is NULL');
SELECT is(callout.get_call_outcome(:b1, 'tenant-a'), NULL,
          'tenant A: get_call_outcome of B''s call with its own user id is NULL');
RESET SESSION AUTHORIZATION;

-- ---- as tenant B: A's call with A's user id is hidden by row-level security (3)

SET SESSION AUTHORIZATION callout_tap_b;
SELECT is(callout.get_call_outcome(:a1, 'tenant-a'), NULL,
          'tenant B: get_call_outcome of A''s call with A''s user id is NULL');
SELECT is((callout.get_call_outcome(:b1, 'tenant-b')).status, 'in_progress'::callout.call_status,
          'tenant B: get_call_outcome of its own call answers it (in_progress)');
SELECT is((callout.get_call_outcome(:b1, 'tenant-b')).call_id, :b1::bigint,
          'tenant B: the row is B1''s');
RESET SESSION AUTHORIZATION;

-- ---- as the gateway (4), the auditor (2), the webhook role and the no-grants role (2)

SET SESSION AUTHORIZATION callout_tap_gateway;
SELECT is(callout.get_call_outcome(:a1, 'tenant-a'), NULL,
          'a gateway acting for no tenant: get_call_outcome of A1 is NULL');
SELECT set_config('callout.user_id', 'tenant-a', true) IS NULL AS acting \gset
SELECT is(callout.get_call_outcome(:a1, 'tenant-a'), (SELECT info FROM tap_a1_outcome),
          'a gateway acting for A: get_call_outcome of A1 answers the row');
SELECT is(callout.get_call_outcome(:b1, 'tenant-b'), NULL,
          'a gateway acting for A: get_call_outcome of B1 with B''s user id is NULL');
SELECT set_config('callout.user_id', '', true) IS NULL AS acting \gset
SELECT set_config('request.jwt.claims', '{"sub": "tenant-b"}', true) IS NULL AS acting \gset
SELECT is(callout.get_call_outcome(:a1, 'tenant-a'), NULL,
          'a gateway acting for B (request.jwt.claims): get_call_outcome of A1 is NULL');
SELECT set_config('request.jwt.claims', '', true) IS NULL AS acting \gset
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT is(callout.get_call_outcome(:a1, 'tenant-a'), (SELECT info FROM tap_a1_outcome),
          'the auditor: get_call_outcome of A1 with A''s user id answers the row');
SELECT is(callout.get_call_outcome(:a1, 'tenant-b'), NULL,
          'the auditor: get_call_outcome of A1 with the wrong user id is NULL');
RESET SESSION AUTHORIZATION;

SET SESSION AUTHORIZATION callout_tap_webhook;
SELECT throws_ok(format($$SELECT callout.get_call_outcome(%s, 'tenant-a')$$, :a1), '42501',
                 'permission denied for function get_call_outcome',
                 'the webhook role cannot call get_call_outcome');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_nobody;
SELECT throws_ok(format($$SELECT callout.get_call_outcome(%s, 'tenant-a')$$, :a1), '42501', NULL,
                 'the no-grants role cannot call get_call_outcome');
RESET SESSION AUTHORIZATION;

-- ---- resolve_call_context: granted explicitly (trust_gateway_role does not); the gateway
-- acting for A then resolves A's rooms only (8)

GRANT EXECUTE ON FUNCTION callout.resolve_call_context(text) TO callout_tap_gateway;
SET SESSION AUTHORIZATION callout_tap_gateway;
SELECT set_config('callout.user_id', 'tenant-a', true) IS NULL AS acting \gset
SELECT results_eq($$SELECT call_id, user_id, agent_config_id FROM callout.resolve_call_context('tap-room-a1')$$,
                  format($$VALUES (%s::bigint, 'tenant-a', 'agent-a')$$, :a1),
                  'a gateway acting for A resolves tap-room-a1 to A1, tenant-a, agent-a');
SELECT results_eq($$SELECT call_id, user_id, agent_config_id FROM callout.resolve_call_context('tap-room-b1')$$,
                  $$VALUES (NULL::bigint, NULL::text, NULL::text)$$,
                  'a gateway acting for A resolves tap-room-b1 to nothing');
SELECT set_config('callout.user_id', '', true) IS NULL AS acting \gset
SELECT set_config('request.jwt.claims', '{"sub": "tenant-a"}', true) IS NULL AS acting \gset
SELECT is((SELECT call_id FROM callout.resolve_call_context('tap-room-a1')), :a1::bigint,
          'a gateway acting for A (request.jwt.claims) resolves tap-room-a1 to A1');
SELECT is((SELECT call_id FROM callout.resolve_call_context('tap-room-b1')), NULL::bigint,
          'a gateway acting for A (request.jwt.claims) resolves tap-room-b1 to nothing');
SELECT set_config('request.jwt.claims', '', true) IS NULL AS acting \gset
SELECT is((SELECT call_id FROM callout.resolve_call_context('tap-room-b1')), NULL::bigint,
          'a gateway acting for no tenant resolves tap-room-b1 to nothing (no tenant, no tenant data)');
RESET SESSION AUTHORIZATION;

-- Tenants, the auditor and the webhook role may not resolve rooms (3).
SET SESSION AUTHORIZATION callout_tap_a;
SELECT throws_ok($$SELECT * FROM callout.resolve_call_context('tap-room-a1')$$, '42501',
                 'permission denied for function resolve_call_context', 'tenant A cannot call resolve_call_context');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT throws_ok($$SELECT * FROM callout.resolve_call_context('tap-room-a1')$$, '42501',
                 'permission denied for function resolve_call_context', 'the auditor cannot call resolve_call_context');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_webhook;
SELECT throws_ok($$SELECT * FROM callout.resolve_call_context('tap-room-b1')$$, '42501',
                 'permission denied for function resolve_call_context',
                 'the webhook role cannot call resolve_call_context');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
