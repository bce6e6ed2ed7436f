-- Who may say which tenant they are (DESIGN.md §7): only sessions logged in as a trusted
-- gateway (or a member of one) are read from callout.user_id or request.jwt.claims' sub.
-- A tenant's own login, the auditor and a role nobody mapped may set both; it is ignored:
-- tenants stay themselves, the unmapped role stays no one and sees nothing.
BEGIN;
SELECT plan(44);
\ir tenants.psql

-- A role granted what a reader needs (SELECT on the tables, the tenancy functions the policies
-- call) but neither mapped to a tenant nor trusted as a gateway; and an application server's
-- login that is a member of the gateway role.
CREATE ROLE callout_tap_stranger LOGIN;
GRANT USAGE ON SCHEMA callout TO callout_tap_stranger;
GRANT SELECT ON callout.call_log, callout.livekit_call_event TO callout_tap_stranger;
GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor() TO callout_tap_stranger;
CREATE ROLE callout_tap_app_server LOGIN IN ROLE callout_tap_gateway;

-- Sets both ways of naming a tenant, as a gateway or PostgREST would (transaction-local).
CREATE FUNCTION pg_temp.claim(user_id text, sub text) RETURNS void
LANGUAGE sql
AS $$
    SELECT set_config('callout.user_id', coalesce(user_id, ''), true),
           set_config('request.jwt.claims', CASE WHEN sub IS NULL THEN '' ELSE json_build_object('sub', sub)::text END,
                      true);
$$;

-- ---- tenant A's own login claiming to be B (9)

SET SESSION AUTHORIZATION callout_tap_a;
SELECT is(callout.current_user_id(), 'tenant-a', 'tenant A is tenant-a');
SELECT pg_temp.claim('tenant-b', NULL) IS NULL AS claimed \gset
SELECT is(current_setting('callout.user_id'), 'tenant-b', 'tenant A may set callout.user_id (any session may)');
SELECT is(callout.current_user_id(), 'tenant-a', 'tenant A setting callout.user_id to tenant-b is still tenant-a');
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-a' ORDER BY id),
                  'tenant A setting callout.user_id to tenant-b still reads only A''s calls');
SELECT pg_temp.claim(NULL, 'tenant-b') IS NULL AS claimed \gset
SELECT is(callout.current_user_id(), 'tenant-a', 'tenant A setting request.jwt.claims sub tenant-b is still tenant-a');
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-a' ORDER BY id),
                  'tenant A setting request.jwt.claims sub tenant-b still reads only A''s calls');
SELECT results_eq('SELECT event_id FROM callout.livekit_call_event ORDER BY event_id',
                  ARRAY['EV_TAP_A1_JOINED', 'EV_TAP_A1_LEFT', 'EV_TAP_A1_STARTED'],
                  'tenant A setting request.jwt.claims sub tenant-b still reads only A''s events');
SELECT is(pg_temp.affected(format($$UPDATE callout.call_log SET metadata = '{"by": "a"}' WHERE id = %s$$,
                                  (SELECT id FROM tap_call WHERE name = 'B1'))),
          0::bigint, 'tenant A claiming to be tenant-b still cannot update B1');
SELECT set_config('request.jwt.claims', 'not json', true) IS NULL AS claimed \gset
SELECT is(callout.current_user_id(), 'tenant-a', 'tenant A''s malformed request.jwt.claims are ignored, not parsed');
SELECT pg_temp.claim(NULL, NULL) IS NULL AS cleared \gset
RESET SESSION AUTHORIZATION;

-- ---- tenant B claiming to be A (3)

SET SESSION AUTHORIZATION callout_tap_b;
SELECT pg_temp.claim('tenant-a', 'tenant-a') IS NULL AS claimed \gset
SELECT is(callout.current_user_id(), 'tenant-b', 'tenant B setting both to tenant-a is still tenant-b');
SELECT ok(NOT callout.is_auditor(), 'tenant B is not an auditor');
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-b' ORDER BY id),
                  'tenant B setting both to tenant-a still reads only B''s calls');
SELECT pg_temp.claim(NULL, NULL) IS NULL AS cleared \gset
RESET SESSION AUTHORIZATION;

-- ---- a role nobody mapped or trusted: no tenant, whatever it sets (9)

SET SESSION AUTHORIZATION callout_tap_stranger;
SELECT is(callout.current_user_id(), NULL, 'an unmapped role is no tenant');
SELECT ok(NOT callout.is_auditor(), 'an unmapped role is not an auditor');
SELECT is_empty('SELECT id FROM callout.call_log', 'an unmapped role reads no call');
SELECT pg_temp.claim('tenant-a', NULL) IS NULL AS claimed \gset
SELECT is(callout.current_user_id(), NULL, 'an unmapped role setting callout.user_id is still no tenant');
SELECT is_empty('SELECT id FROM callout.call_log', 'an unmapped role setting callout.user_id to tenant-a reads no call');
SELECT is_empty('SELECT id FROM callout.livekit_call_event',
                'an unmapped role setting callout.user_id to tenant-a reads no event');
SELECT pg_temp.claim(NULL, 'tenant-a') IS NULL AS claimed \gset
SELECT is(callout.current_user_id(), NULL, 'an unmapped role setting request.jwt.claims is still no tenant');
SELECT is_empty('SELECT id FROM callout.call_log',
                'an unmapped role setting request.jwt.claims sub tenant-a reads no call');
SELECT is_empty('SELECT id FROM callout.livekit_call_event',
                'an unmapped role setting request.jwt.claims sub tenant-a reads no event');
SELECT pg_temp.claim(NULL, NULL) IS NULL AS cleared \gset
RESET SESSION AUTHORIZATION;

-- ---- the auditor: reads all, and naming a tenant neither narrows nor widens it (4)

SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT is(callout.current_user_id(), NULL, 'the auditor is no tenant');
SELECT ok(callout.is_auditor(), 'the auditor is an auditor');
SELECT pg_temp.claim('tenant-a', 'tenant-a') IS NULL AS claimed \gset
SELECT is(callout.current_user_id(), NULL, 'the auditor setting both to tenant-a is still no tenant');
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id', ARRAY(SELECT id FROM tap_call ORDER BY id),
                  'the auditor setting both to tenant-a still reads every call');
SELECT pg_temp.claim(NULL, NULL) IS NULL AS cleared \gset
RESET SESSION AUTHORIZATION;

-- ---- the gateway: says which tenant it acts for (13)

SET SESSION AUTHORIZATION callout_tap_gateway;
SELECT is(callout.current_user_id(), NULL, 'a gateway that has not said is no tenant');
SELECT ok(NOT callout.is_auditor(), 'a gateway is not an auditor');
SELECT is_empty('SELECT id FROM callout.call_log', 'a gateway that has not said reads no call');
SELECT is_empty('SELECT id FROM callout.livekit_call_event', 'a gateway that has not said reads no event');
SELECT pg_temp.claim('tenant-a', NULL) IS NULL AS claimed \gset
SELECT is(callout.current_user_id(), 'tenant-a', 'a gateway setting callout.user_id acts for that tenant');
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-a' ORDER BY id),
                  'a gateway acting for tenant-a (callout.user_id) reads A''s calls');
SELECT pg_temp.claim(NULL, 'tenant-a') IS NULL AS claimed \gset
SELECT is(callout.current_user_id(), 'tenant-a', 'a gateway setting request.jwt.claims acts for its sub');
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-a' ORDER BY id),
                  'a gateway acting for tenant-a (request.jwt.claims) reads A''s calls');
SELECT pg_temp.claim(NULL, 'tenant-b') IS NULL AS claimed \gset
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-b' ORDER BY id),
                  'the same gateway acting for tenant-b reads B''s calls');
SELECT pg_temp.claim('tenant-b', 'tenant-a') IS NULL AS claimed \gset
SELECT is(callout.current_user_id(), 'tenant-a', 'the per-request JWT sub wins over callout.user_id');
SELECT set_config('request.jwt.claims', '{"role": "callout_tap_gateway"}', true) IS NULL AS claimed \gset
SELECT set_config('callout.user_id', '', true) IS NULL AS claimed \gset
SELECT is(callout.current_user_id(), NULL, 'claims without a sub name no tenant');
SELECT set_config('request.jwt.claims', '{"sub": ""}', true) IS NULL AS claimed \gset
SELECT is(callout.current_user_id(), NULL, 'an empty sub names no tenant');
SELECT is_empty('SELECT id FROM callout.call_log', 'a gateway whose claims name no tenant reads no call');
SELECT pg_temp.claim(NULL, NULL) IS NULL AS cleared \gset
RESET SESSION AUTHORIZATION;

-- ---- a login that is a member of the gateway role is trusted too (3)

SET SESSION AUTHORIZATION callout_tap_app_server;
SELECT is(callout.current_user_id(), NULL, 'a member of the gateway role that has not said is no tenant');
SELECT pg_temp.claim('tenant-b', NULL) IS NULL AS claimed \gset
SELECT is(callout.current_user_id(), 'tenant-b', 'a member of the gateway role acts for the tenant it names');
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-b' ORDER BY id),
                  'a member of the gateway role acting for tenant-b reads B''s calls');
SELECT pg_temp.claim(NULL, NULL) IS NULL AS cleared \gset
RESET SESSION AUTHORIZATION;

-- ---- tenant A's login cannot borrow the gateway's trust, and no other role is trusted (3)

SET SESSION AUTHORIZATION callout_tap_a;
SELECT throws_ok('SET ROLE callout_tap_gateway', '42501', NULL, 'tenant A cannot SET ROLE to the gateway');
SELECT pg_temp.claim('tenant-b', NULL) IS NULL AS claimed \gset
SELECT is(callout.current_user_id(), 'tenant-a', 'tenant A is still tenant-a after trying');
SELECT pg_temp.claim(NULL, NULL) IS NULL AS cleared \gset
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*)::integer FROM callout.gateway_role), 1, 'only the gateway role is trusted');

SELECT * FROM finish();
ROLLBACK;
