-- The outcome feed across tenants (src/sql/75-feed.sql): what each role may pass to
-- outcome_changes, consume_outcomes and acknowledge_outcomes, refused with a SQLSTATE of its own.
BEGIN;
SELECT plan(11);
\ir tenants.psql

-- ---- bad input: a SQLSTATE each (11)

SELECT throws_ok($$SELECT * FROM callout.consume_outcomes(NULL)$$, '22023', NULL,
                 'consume_outcomes: no name (22023)');
SELECT throws_ok($$SELECT * FROM callout.consume_outcomes('')$$, '22023', NULL,
                 'consume_outcomes: an empty name (22023)');
SELECT throws_ok($$SELECT * FROM callout.consume_outcomes(repeat('n', 257))$$, '22023', NULL,
                 'consume_outcomes: a name longer than an index takes (22023)');
SELECT throws_ok($$SELECT * FROM callout.consume_outcomes('tap-worker', NULL)$$, '22004', NULL,
                 'consume_outcomes: a NULL max (22004), not the whole feed');
SELECT throws_ok($$SELECT * FROM callout.consume_outcomes('tap-worker', -1)$$, '2201W', NULL,
                 'consume_outcomes: a negative max (2201W)');
SELECT throws_ok($$SELECT callout.acknowledge_outcomes('tap-worker', NULL, 0)$$, '22004', NULL,
                 'acknowledge_outcomes: half a position (22004)');
SELECT throws_ok($$SELECT callout.acknowledge_outcomes('tap-worker', pg_current_xact_id(), 0)$$, '22023', NULL,
                 'acknowledge_outcomes: a position of a transaction still running (22023)');
SELECT throws_ok($$SELECT callout.acknowledge_outcomes('tap-worker', '18446744073709551615', 0)$$, '22023', NULL,
                 'acknowledge_outcomes: a position no transaction has reached (22023)');
SET SESSION AUTHORIZATION callout_tap_gateway;
SET LOCAL request.jwt.claims = '{"sub": "tenant-a"}';
SELECT lives_ok($$SELECT * FROM callout.consume_outcomes('tap-worker')$$,
                'a gateway acting for a tenant consumes');
SET LOCAL request.jwt.claims = '{"role": "callout_tap_gateway"}';
SELECT throws_ok($$SELECT * FROM callout.consume_outcomes('tap-worker')$$, '42501', NULL,
                 'a gateway in a request without a sub consumes nothing (42501)');
SELECT set_config('request.jwt.claims', json_build_object('sub', repeat('t', 2800) || md5('x'))::text, true) AS long_claims \gset
SELECT throws_ok($$SELECT * FROM callout.consume_outcomes('tap-worker')$$, '22023', NULL,
                 'a gateway acting for a tenant longer than an index takes (22023)');
RESET request.jwt.claims;
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
