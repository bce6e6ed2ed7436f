-- Nothing in callout is callable or writable by a role that was not granted it: EXECUTE is
-- revoked from PUBLIC on every function, a fresh role can neither call them nor widen the
-- clock leeway nor create anything in schema callout, and an explicit grant opens exactly the
-- function granted (cpp_boundary_selftest not even then: it is for superusers only).
BEGIN;
SELECT plan(62);

-- The functions, with the calls a role would make.
CREATE TEMP TABLE functions (name text PRIMARY KEY, signature text NOT NULL, call text NOT NULL);
INSERT INTO functions VALUES
    ('verify_livekit_signature', 'text, text, text, text, timestamp with time zone, integer',
     $$SELECT callout.verify_livekit_signature('{}', 'a.b.c', 'APItap', 'secret', '2026-01-01 12:00:00+00', 10)$$),
    ('verify_hmac_signature', 'text, text, text',
     $$SELECT callout.verify_hmac_signature('{}', repeat('0', 64), 'secret')$$),
    ('transform_livekit_event', 'jsonb',
     $$SELECT callout.transform_livekit_event('{"event":"room_started","id":"EV_1","room":{"name":"r"}}')$$),
    ('extract_phone_number', 'text', $$SELECT callout.extract_phone_number('call-_+14155550123_x')$$),
    ('extract_campaign_id', 'text', $$SELECT callout.extract_campaign_id('outbound-campaign-4711-lead-1-x')$$),
    ('call_duration', 'text, text', $$SELECT callout.call_duration('1767268801', '1767268988')$$),
    ('extract_recording_url', 'jsonb', $$SELECT callout.extract_recording_url('{"event":"egress_ended"}')$$),
    ('classify_outcome', 'numeric, text, text, numeric, numeric',
     $$SELECT callout.classify_outcome(187, 'CLIENT_INITIATED', 'hangup')$$),
    ('cpp_boundary_selftest', 'text', $$SELECT callout.cpp_boundary_selftest('none')$$);
GRANT SELECT ON functions TO PUBLIC;

-- The answers the superuser gets, to compare with the grantee's.
CREATE TEMP TABLE superuser_answers AS
SELECT d, reason, status, callout.classify_outcome(d, reason, status) AS outcome
FROM (VALUES (187::numeric, 'CLIENT_INITIATED', 'hangup'), (45, 'USER_UNAVAILABLE', 'ringing'),
             (6, 'USER_REJECTED', 'dialing'), (2, 'SIP_TRUNK_FAILURE', 'dialing'),
             (4, NULL, NULL), (12, NULL, NULL), (NULL, 'line busy', NULL)) AS cases (d, reason, status);
GRANT SELECT ON superuser_answers TO PUBLIC;

-- The module is loaded (so callout.clock_leeway is the module's setting, not a placeholder).
SELECT is(callout.classify_outcome(187, 'CLIENT_INITIATED', 'hangup'), 'completed'::callout.call_outcome,
          'the superuser calls callout (the module is loaded)');

-- A fresh role, made and dropped with this transaction.
CREATE ROLE callout_tap_tenant NOLOGIN NOSUPERUSER;

-- EXECUTE is not granted to PUBLIC on any function (9), hence not to the fresh role (9).
SELECT function_privs_are('callout', name, string_to_array(signature, ', ')::name[], 'public',
                          ARRAY[]::text[], format('PUBLIC may not execute callout.%s', name))
FROM functions ORDER BY name;
SELECT function_privs_are('callout', name, string_to_array(signature, ', ')::name[], 'callout_tap_tenant',
                          ARRAY[]::text[], format('a fresh role may not execute callout.%s', name))
FROM functions ORDER BY name;
SELECT schema_privs_are('callout', 'callout_tap_tenant', ARRAY[]::text[],
                        'a fresh role has no privilege on schema callout');

-- The same for every function, table and sequence of the install script (3).
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc AS p
                WHERE p.pronamespace = 'callout'::regnamespace
                  AND (p.proacl IS NULL OR EXISTS (SELECT FROM pg_catalog.aclexplode(p.proacl) AS a
                                                   WHERE a.grantee = 0))
                ORDER BY 1),
          ARRAY[]::text[], 'PUBLIC may execute no function of callout (EXECUTE revoked on each)');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc AS p
                WHERE p.pronamespace = 'callout'::regnamespace
                  AND has_function_privilege('callout_tap_tenant', p.oid, 'EXECUTE')
                ORDER BY 1),
          ARRAY[]::text[], 'a fresh role may execute no function of callout');
SELECT is(ARRAY(SELECT c.oid::regclass::text FROM pg_catalog.pg_class AS c
                WHERE c.relnamespace = 'callout'::regnamespace AND c.relkind IN ('r', 'S', 'v', 'm', 'p', 'f')
                  AND EXISTS (SELECT FROM pg_catalog.aclexplode(coalesce(c.relacl, acldefault(
                                  CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char", c.relowner))) AS a
                              WHERE a.grantee = 0)
                ORDER BY 1),
          ARRAY[]::text[], 'PUBLIC has no privilege on any table or sequence of callout');

-- As the fresh role: no function is reachable (9), the leeway cannot be widened (3), nothing
-- can be created in callout (1).
SET LOCAL ROLE callout_tap_tenant;
SELECT throws_ok(call, '42501', 'permission denied for schema callout',
                 format('a fresh role cannot call callout.%s', name))
FROM functions ORDER BY name;
SELECT throws_ok('SET LOCAL callout.clock_leeway = 3600', '42501',
                 'permission denied to set parameter "callout.clock_leeway"',
                 'a fresh role cannot SET callout.clock_leeway');
SELECT throws_ok($$SELECT set_config('callout.clock_leeway', '3600', true)$$, '42501',
                 'permission denied to set parameter "callout.clock_leeway"',
                 'a fresh role cannot set_config callout.clock_leeway');
SELECT is(current_setting('callout.clock_leeway'), '1min',
          'callout.clock_leeway is still the default 60 s');
SELECT throws_ok('CREATE TABLE callout.tenant_table (x integer)', '42501',
                 'permission denied for schema callout',
                 'a fresh role cannot create a table in schema callout');
RESET ROLE;

-- With USAGE on the schema, still no EXECUTE: every function, the selftest included, is
-- refused (9), and the schema and its type stay read-only (9).
GRANT USAGE ON SCHEMA callout TO callout_tap_tenant;
SELECT schema_privs_are('callout', 'callout_tap_tenant', ARRAY['USAGE'],
                        'the role has USAGE on schema callout, not CREATE');
SET LOCAL ROLE callout_tap_tenant;
SELECT throws_ok(call, '42501', format('permission denied for function %s', name),
                 format('with USAGE on the schema, the role still cannot call callout.%s', name))
FROM functions ORDER BY name;
SELECT throws_ok('CREATE TABLE callout.tenant_table (x integer)', '42501',
                 'permission denied for schema callout', 'the role cannot create a table in callout');
SELECT throws_ok($$CREATE FUNCTION callout.tenant_function() RETURNS integer LANGUAGE sql AS 'SELECT 1'$$,
                 '42501', 'permission denied for schema callout',
                 'the role cannot create a function in callout');
SELECT throws_ok($$CREATE TYPE callout.tenant_type AS ENUM ('a')$$, '42501',
                 'permission denied for schema callout', 'the role cannot create a type in callout');
SELECT throws_ok($$CREATE OR REPLACE FUNCTION callout.classify_outcome(numeric, text, text, numeric, numeric)
                   RETURNS callout.call_outcome LANGUAGE sql AS 'SELECT ''completed''::callout.call_outcome'$$,
                 '42501', 'permission denied for schema callout',
                 'the role cannot replace classify_outcome');
SELECT throws_ok($$ALTER TYPE callout.call_outcome ADD VALUE 'voicemail'$$, '42501',
                 'must be owner of type callout.call_outcome', 'the role cannot add an outcome');
SELECT throws_ok($$ALTER TYPE callout.call_outcome RENAME VALUE 'busy' TO 'engaged'$$, '42501',
                 'must be owner of type callout.call_outcome', 'the role cannot rename an outcome');
SELECT throws_ok('DROP TYPE callout.call_outcome', '42501',
                 'must be owner of type callout.call_outcome', 'the role cannot drop the outcome type');
SELECT throws_ok('DROP FUNCTION callout.classify_outcome(numeric, text, text, numeric, numeric)', '42501',
                 'must be owner of function callout.classify_outcome',
                 'the role cannot drop classify_outcome');
SELECT throws_ok('ALTER FUNCTION callout.classify_outcome(numeric, text, text, numeric, numeric) SECURITY DEFINER',
                 '42501', 'must be owner of function callout.classify_outcome',
                 'the role cannot alter classify_outcome');
RESET ROLE;

-- An explicit grant opens classify_outcome, and only it: the role gets the superuser's
-- answers (2); the other functions stay closed (2), the schema read-only (1).
GRANT EXECUTE ON FUNCTION callout.classify_outcome(numeric, text, text, numeric, numeric)
    TO callout_tap_tenant;
SELECT function_privs_are('callout', 'classify_outcome',
                          ARRAY['numeric', 'text', 'text', 'numeric', 'numeric'],
                          'callout_tap_tenant', ARRAY['EXECUTE'],
                          'the role may execute classify_outcome once granted');
SET LOCAL ROLE callout_tap_tenant;
SELECT is(callout.classify_outcome(187, 'CLIENT_INITIATED', 'hangup'), 'completed'::callout.call_outcome,
          'the grantee classifies the in1 hangup as completed');
SELECT is(ARRAY(SELECT callout.classify_outcome(d, reason, status)::text FROM superuser_answers
                ORDER BY d NULLS FIRST, reason),
          ARRAY(SELECT outcome::text FROM superuser_answers ORDER BY d NULLS FIRST, reason),
          'the grantee gets the superuser''s answer for every case');
SELECT throws_ok((SELECT call FROM functions WHERE name = 'transform_livekit_event'), '42501',
                 'permission denied for function transform_livekit_event',
                 'the grant does not open transform_livekit_event');
SELECT throws_ok((SELECT call FROM functions WHERE name = 'cpp_boundary_selftest'), '42501',
                 'permission denied for function cpp_boundary_selftest',
                 'the grant does not open cpp_boundary_selftest');
SELECT throws_ok($$CREATE FUNCTION callout.tenant_function() RETURNS integer LANGUAGE sql AS 'SELECT 1'$$,
                 '42501', 'permission denied for schema callout',
                 'the grantee still cannot create in schema callout');
RESET ROLE;

-- cpp_boundary_selftest refuses every role but a superuser, even one granted EXECUTE.
GRANT EXECUTE ON FUNCTION callout.cpp_boundary_selftest(text) TO callout_tap_tenant;
SET LOCAL ROLE callout_tap_tenant;
SELECT throws_ok((SELECT call FROM functions WHERE name = 'cpp_boundary_selftest'), '42501',
                 'only superusers may run cpp_boundary_selftest',
                 'a grant of EXECUTE does not open cpp_boundary_selftest to a non-superuser');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
