-- Tenant tokens on a single node (DESIGN.md §7; the Citus suite reads them across nodes): they
-- need callout in shared_preload_libraries, which this server does not have, so neither reading
-- nor signing one works, whatever the settings say; the secret is the server configuration's,
-- read by no one else; the token is anyone's to set, and only a tenant the secret signed for
-- the role would make it name one.
BEGIN;
SELECT plan(11);
\ir tenants.psql

SELECT throws_ok('SELECT callout.token_tenant()', '55000',
                 'tenant tokens need callout in shared_preload_libraries',
                 'without callout in shared_preload_libraries no token names a tenant');
SELECT throws_ok($$SELECT callout._tenant_token('callout_tap_a', 'tenant-a')$$, '55000',
                 'tenant tokens need callout in shared_preload_libraries',
                 'without callout in shared_preload_libraries no token is signed');
SELECT throws_ok($$SET callout.tenant_secret = 'a secret of at least thirty-two bytes, here'$$, '55P02',
                 NULL, 'the secret is set only in the server''s configuration, not by SET');
SELECT throws_ok($$SELECT set_config('callout.tenant_secret', 'short', false)$$, '55P02',
                 NULL, 'nor by set_config');

SELECT is((SELECT count(*) FROM pg_catalog.pg_settings WHERE name = 'callout.tenant_secret'), 0::bigint,
          'pg_settings has no row for the secret (pg_read_all_settings would read its reset_val)');
SELECT is(current_setting('callout.tenant_secret'), '', 'no secret is set here, and SHOW says so');

SET SESSION AUTHORIZATION callout_tap_a;
SELECT throws_ok('SHOW callout.tenant_secret', '42501', NULL, 'a tenant cannot read the secret');
SELECT throws_ok($$SELECT current_setting('callout.tenant_secret', true)$$, '42501', NULL,
                 'nor through current_setting, even missing_ok');
SELECT lives_ok($$SET LOCAL callout.tenant_token = 'anything'$$, 'a tenant may set a token (only a signed one names a tenant)');
SELECT throws_ok('SELECT callout.token_tenant()', '42501', 'permission denied for function token_tenant',
                 'token_tenant is granted to no one on a single node (no policy asks it)');
SELECT throws_ok($$SELECT callout._tenant_token('callout_tap_a', 'tenant-b')$$, '42501',
                 'permission denied for function _tenant_token', 'a tenant cannot sign a token');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
