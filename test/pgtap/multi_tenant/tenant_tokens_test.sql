-- Tenant tokens on a single node (DESIGN.md §7; the Citus suite reads them across nodes): a
-- token names its tenant only when signed with the secret of callout.tenant_token_secret for the
-- database and the current role; the secret is the owner's alone; the token is anyone's to set;
-- only callout's own code signs one.
BEGIN;
SELECT plan(47);
\ir tenants.psql

-- A role granted token_tenant(), as a policy asking it needs (on a single node no policy does).
GRANT EXECUTE ON FUNCTION callout.token_tenant(), callout.token_audits()
    TO callout_tap_a, callout_tap_b, callout_tap_gateway, callout_tap_auditor;
CREATE ROLE callout_tap_monitor LOGIN IN ROLE pg_monitor;

-- ---- no secret (2)
SELECT is(callout.token_tenant(), NULL, 'no secret: no token names a tenant');
SELECT throws_ok($$SELECT callout._tenant_token('callout_tap_a', 'tenant-a')$$, '55000',
                 'no tenant token secret: callout.tenant_token_secret is empty', 'no secret: no token is signed');

-- ---- the secret: one row of at least 32 bytes (3)
INSERT INTO callout.tenant_token_secret (secret) VALUES (gen_random_bytes(48));
SELECT throws_ok($$INSERT INTO callout.tenant_token_secret (secret) VALUES (gen_random_bytes(48))$$, '23505',
                 NULL, 'the table holds one secret');
SELECT throws_ok($$UPDATE callout.tenant_token_secret SET secret = gen_random_bytes(31)$$, '23514',
                 NULL, 'a secret holds at least 32 bytes');
SELECT throws_ok($$SELECT callout._tenant_token('callout_tap_a', '')$$, '22023', NULL,
                 'a token names a tenant: not the empty one');
SELECT throws_ok($$SELECT callout._tenant_token('callout_tap_a', 'tenant-a')$$, '55000', NULL,
                 'a role has no token without an end until it is mapped while tokens are signed');
-- the roles mapped before a secret signed tokens get theirs by being mapped again (as
-- callout.distribute() maps them)
SELECT callout.map_tenant_role('callout_tap_a', 'tenant-a'), callout.map_tenant_role('callout_tap_b', 'tenant-b'),
       callout.map_tenant_role('callout_tap_auditor', NULL);

SELECT callout._tenant_token('callout_tap_a', 'tenant-a') AS a_token,
       callout._tenant_token('callout_tap_b', 'tenant-b') AS b_token \gset
SELECT left(:'a_token', 44) || '.tenant-b' AS forged_token \gset

-- ---- a token for its role (7)
SET SESSION AUTHORIZATION callout_tap_a;
SELECT is(callout.token_tenant(), NULL, 'a role without a token is no tenant');
SET LOCAL callout.tenant_token = :'a_token';
SELECT is(callout.token_tenant(), 'tenant-a', 'a token signed for the role names its tenant');
SET LOCAL callout.tenant_token = :'forged_token';
SELECT is(callout.token_tenant(), NULL, 'its MAC with another tenant names nothing (read again once changed)');
SET LOCAL callout.tenant_token = :'b_token';
SELECT is(callout.token_tenant(), NULL, 'another role''s token names nothing');
SET LOCAL callout.tenant_token = :'a_token';
SELECT is(callout.token_tenant(), 'tenant-a', 'its own token again: its tenant again');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_b;
SELECT is(callout.token_tenant(), NULL, 'the same setting in another role''s hands names nothing');
RESET SESSION AUTHORIZATION;
SET ROLE callout_tap_a;
SELECT is(callout.token_tenant(), 'tenant-a', 'after SET ROLE the token is the role''s again');
RESET ROLE;

-- ---- a token with an end, as a request's (3)
SELECT callout._tenant_token('callout_tap_a', 'tenant-a', now() - interval '1 second') AS ended_token,
       callout._tenant_token('callout_tap_a', 'tenant-a', now() + interval '1 minute') AS current_token \gset
SET SESSION AUTHORIZATION callout_tap_a;
SET LOCAL callout.tenant_token = :'ended_token';
SELECT is(callout.token_tenant(), NULL, 'a token that ended before the transaction began names nothing');
SET LOCAL callout.tenant_token = :'current_token';
SELECT is(callout.token_tenant(), 'tenant-a', 'one that ends later names its tenant');
RESET SESSION AUTHORIZATION;
SELECT throws_ok($$SELECT callout._tenant_token('callout_tap_a', 'tenant-a', 'infinity')$$, '22023', NULL,
                 'a token ends at a finite instant, or not at all');

-- ---- an auditor's token: no tenant, but it audits, for its role only (3)
SELECT callout._auditor_token('callout_tap_auditor') AS auditor_token \gset
SET SESSION AUTHORIZATION callout_tap_auditor;
SET LOCAL callout.tenant_token = :'auditor_token';
SELECT ok(callout.token_audits() AND callout.token_tenant() IS NULL,
          'an auditor''s token audits and names no tenant');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_a;
SET LOCAL callout.tenant_token = :'auditor_token';
SELECT ok(NOT callout.token_audits(), 'another role''s auditor token does not audit');
SET LOCAL callout.tenant_token = :'a_token';
SELECT ok(NOT callout.token_audits(), 'a tenant''s token does not audit');
SET LOCAL callout.tenant_token = '';
RESET SESSION AUTHORIZATION;

-- ---- set_tenant_token: what the session acts for, handed on for the transaction (6)
SET SESSION AUTHORIZATION callout_tap_gateway;
SET LOCAL callout.user_id = 'tenant-g';
SELECT callout.set_tenant_token();
SELECT is(callout.token_tenant(), 'tenant-g', 'a gateway acting for a tenant gets a token naming it');
SELECT ok(current_setting('callout.tenant_token') ~ '^[A-Za-z0-9_-]{43}\.[0-9]+\.tenant-g$'
          AND split_part(current_setting('callout.tenant_token'), '.', 2)::bigint
              - floor(extract(epoch FROM transaction_timestamp()))::bigint = 600,
          'which ends ten minutes after the transaction began');
SELECT is(current_setting('citus.propagate_set_commands'), 'local',
          'and Citus is told to replay SET LOCAL on its workers');
SET LOCAL callout.user_id = '';
SELECT callout.set_tenant_token();
SELECT is(current_setting('callout.tenant_token'), '', 'a session acting for no tenant gets no token');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_a;
SET LOCAL callout.tenant_token = :'b_token';
SELECT callout.set_tenant_token();
SELECT is(callout.token_tenant(), 'tenant-a', 'a mapped tenant gets its own tenant''s, whatever it set before');
SET LOCAL callout.tenant_token = '';
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT callout.set_tenant_token();
SELECT ok(callout.token_audits(), 'an auditor gets an auditor''s token');
SET LOCAL callout.tenant_token = '';
RESET SESSION AUTHORIZATION;

-- ---- map_tenant_role, once tokens are signed, writes the role's own token in its settings for
-- this database (which Citus propagates): its tenant's, or an auditor's (2)
SELECT callout.map_tenant_role('callout_tap_b', 'tenant-b');
SELECT is((SELECT s.setconfig FROM pg_db_role_setting AS s JOIN pg_database AS d ON d.oid = s.setdatabase
           WHERE s.setrole = 'callout_tap_b'::regrole AND d.datname = current_database()),
          ARRAY['callout.tenant_token=' || callout._tenant_token('callout_tap_b', 'tenant-b')],
          'map_tenant_role sets the role''s token for this database');
SELECT callout.map_tenant_role('callout_tap_b', NULL);
SELECT is((SELECT s.setconfig FROM pg_db_role_setting AS s JOIN pg_database AS d ON d.oid = s.setdatabase
           WHERE s.setrole = 'callout_tap_b'::regrole AND d.datname = current_database()),
          ARRAY['callout.tenant_token=' || callout._auditor_token('callout_tap_b')],
          'mapped as an auditor, the role has an auditor''s token');

-- ---- no one else reads the secret or the epochs, or signs (5)
SET SESSION AUTHORIZATION callout_tap_a;
SELECT throws_ok('SELECT secret FROM callout.tenant_token_secret', '42501', NULL, 'a tenant cannot read the secret');
SELECT throws_ok('SELECT epoch FROM callout.tenant_token_epoch', '42501', NULL, 'nor the roles'' epochs');
SELECT throws_ok($$SELECT callout._tenant_token('callout_tap_a', 'tenant-b')$$, '42501',
                 'permission denied for function _tenant_token', 'a tenant cannot sign a token');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_monitor;
SELECT throws_ok('SELECT secret FROM callout.tenant_token_secret', '42501', NULL,
                 'a pg_monitor member cannot read the secret');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_webhook;
SELECT throws_ok('SELECT callout.token_tenant()', '42501', 'permission denied for function token_tenant',
                 'token_tenant is granted to no one by callout on a single node (no policy asks it)');
SELECT throws_ok('SELECT callout.distribute()', '42501', 'permission denied for function distribute',
                 'only a superuser distributes callout');
RESET SESSION AUTHORIZATION;

-- Without Citus, callout.distribute() is a clear error and changes nothing (README, Scaling out
-- on Citus): the policies still ask current_user_id().
SELECT throws_ok('SELECT callout.distribute()', '55000',
                 'callout.distribute() needs Citus, which this database does not have',
                 'distribute() without Citus is refused (55000)');
SELECT is((SELECT count(*) FROM pg_policy
           WHERE polrelid = 'callout.call_log'::regclass AND pg_get_expr(polqual, polrelid) LIKE '%current_user_id()%'),
          2::bigint, 'and call_log''s policies are as they were');

-- ---- a role a trusted gateway's session could act as (SET ROLE) is named by a request's token
-- only: its own token (no end) is refused (42501), as on a Citus worker it would act for the
-- role's tenant while the gateway names another (7)
CREATE ROLE callout_tap_desk NOLOGIN;
CREATE ROLE callout_tap_app LOGIN;
CREATE ROLE callout_tap_root SUPERUSER NOLOGIN;
GRANT callout_tap_gateway, callout_tap_a TO callout_tap_root;
SET SESSION AUTHORIZATION callout_tap_a;
SET LOCAL callout.tenant_token = :'a_token';
SELECT is(callout.token_tenant(), 'tenant-a',
          'a superuser member of the gateway role and of the role leaves its own token as it is (it may take any role)');
RESET SESSION AUTHORIZATION;
GRANT callout_tap_a TO callout_tap_desk;
GRANT callout_tap_desk TO callout_tap_app;
GRANT callout_tap_gateway TO callout_tap_app;
SET SESSION AUTHORIZATION callout_tap_a;
SET LOCAL callout.tenant_token = :'a_token';
SELECT throws_ok('SELECT callout.token_tenant()', '42501',
                 'the tenant token in the settings of role callout_tap_a names no tenant: a session of the trusted gateway role callout_tap_gateway can act as it',
                 'a role a gateway''s member can take through a chain: its own token is refused');
SELECT throws_ok('SELECT callout.token_audits()', '42501', NULL, 'by token_audits too');
SET LOCAL callout.tenant_token = :'current_token';
SELECT is(callout.token_tenant(), 'tenant-a', 'a request''s token (an end) names its tenant');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_auditor;
SET LOCAL callout.tenant_token = :'auditor_token';
SELECT ok(callout.token_audits(), 'a role no gateway can take keeps its own token (an auditor''s)');
RESET SESSION AUTHORIZATION;
REVOKE callout_tap_gateway FROM callout_tap_app;
GRANT callout_tap_a TO callout_tap_gateway;
SET SESSION AUTHORIZATION callout_tap_a;
SET LOCAL callout.tenant_token = :'a_token';
SELECT throws_ok('SELECT callout.token_tenant()', '42501', NULL,
                 'the trusted gateway role itself a member of the role: refused');
RESET SESSION AUTHORIZATION;
REVOKE callout_tap_a FROM callout_tap_gateway;
SET SESSION AUTHORIZATION callout_tap_a;
SELECT is(callout.token_tenant(), 'tenant-a', 'revoked from the gateway, its own token names its tenant again (in the same transaction)');
SET LOCAL callout.tenant_token = '';
RESET SESSION AUTHORIZATION;

-- ---- a mapping changed or gone revokes the role's tokens without an end, as on one node the
-- mapping alone says who is which tenant (5)
SELECT callout._tenant_token('callout_tap_a', 'tenant-a') AS a_before \gset
SELECT callout.map_tenant_role('callout_tap_a', 'tenant-x');
SET SESSION AUTHORIZATION callout_tap_a;
SET LOCAL callout.tenant_token = :'a_before';
SELECT is(callout.token_tenant(), NULL,
          'remapped, the role''s token from before names nothing (it may write that token back itself)');
RESET SESSION AUTHORIZATION;
SELECT callout._tenant_token('callout_tap_a', 'tenant-x') AS a_now \gset
DELETE FROM callout.tenant_role WHERE role = 'callout_tap_a'::regrole;
SET SESSION AUTHORIZATION callout_tap_a;
SET LOCAL callout.tenant_token = :'a_now';
SELECT is(callout.token_tenant(), NULL, 'unmapped by hand, its token names nothing');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT count(*) FROM pg_db_role_setting WHERE setrole = 'callout_tap_a'::regrole), 0::bigint,
          'and its token setting is reset');
SELECT throws_ok($$SELECT callout._tenant_token('callout_tap_a', 'tenant-x')$$, '55000', NULL,
                 'an unmapped role gets no token without an end');
TRUNCATE callout.tenant_role;
SELECT is((SELECT count(*) FROM callout.tenant_token_epoch), 0::bigint,
          'a TRUNCATE of the mappings revokes every role''s tokens');

SELECT * FROM finish();
ROLLBACK;
