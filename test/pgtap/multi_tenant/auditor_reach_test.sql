-- Whom the auditors' policies reach (DESIGN.md §7). They name the roles mapped as auditors, so
-- PostgreSQL's role rules decide, as they do for privileges: a role with the privileges of an
-- auditor role (an INHERIT member, or after SET ROLE) reads every tenant; a NOINHERIT member,
-- and a view or SECURITY DEFINER function owned by a role that is not mapped, read as that role
-- (nothing of another tenant: they fail closed), though callout.is_auditor() asks membership.
-- An auditor mapped while tenant_role's triggers do not fire (pg_restore --data-only
-- --disable-triggers, a logical replication subscriber) reads nothing until the next change of
-- tenant_role, which names it.
BEGIN;
SELECT plan(10);
\ir tenants.psql

-- ---- a NOINHERIT member of the auditor role (3)

CREATE ROLE callout_tap_noinherit NOINHERIT;
GRANT callout_tap_auditor TO callout_tap_noinherit;
GRANT USAGE ON SCHEMA callout TO callout_tap_noinherit;
GRANT SELECT ON callout.call_log TO callout_tap_noinherit;
GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor() TO callout_tap_noinherit;
SET SESSION AUTHORIZATION callout_tap_noinherit;
SELECT ok(callout.is_auditor(), 'a NOINHERIT member of the auditor role is an auditor by membership');
SELECT is((SELECT count(*)::integer FROM callout.call_log), 0,
          'without the auditor role''s privileges it reads no call (fails closed)');
SET ROLE callout_tap_auditor;
SELECT is((SELECT count(*)::integer FROM callout.call_log), 4, 'after SET ROLE it reads the four calls');
RESET ROLE;
RESET SESSION AUTHORIZATION;

-- ---- through a view and a function of a role that is not mapped (3)

CREATE ROLE callout_tap_reports;
GRANT USAGE ON SCHEMA callout TO callout_tap_reports;
GRANT SELECT ON callout.call_log TO callout_tap_reports;
GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor() TO callout_tap_reports;
CREATE SCHEMA callout_tap_reports AUTHORIZATION callout_tap_reports;
GRANT USAGE ON SCHEMA callout_tap_reports TO PUBLIC;
SET ROLE callout_tap_reports;
CREATE VIEW callout_tap_reports.calls AS SELECT c.id, c.user_id FROM callout.call_log AS c;
CREATE FUNCTION callout_tap_reports.call_count() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog
AS 'SELECT count(*)::integer FROM callout.call_log';
GRANT SELECT ON callout_tap_reports.calls TO PUBLIC;
RESET ROLE;
SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT is((SELECT count(*)::integer FROM callout_tap_reports.calls), 0,
          'through a view another role owns, the auditor reads as that role: nothing of another tenant');
SELECT is(callout_tap_reports.call_count(), 0, 'and through a SECURITY DEFINER function of that role');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_a;
SELECT is((SELECT count(*)::integer FROM callout_tap_reports.calls), 2,
          'tenant A reads its own two calls through it');
RESET SESSION AUTHORIZATION;

-- ---- an auditor mapped while triggers do not fire (4)

CREATE ROLE callout_tap_restored LOGIN;
GRANT USAGE ON SCHEMA callout TO callout_tap_restored;
GRANT SELECT ON callout.call_log TO callout_tap_restored;
GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor() TO callout_tap_restored;
SET LOCAL session_replication_role = replica;
INSERT INTO callout.tenant_role (user_id, role) VALUES (NULL, 'callout_tap_restored');
RESET session_replication_role;
SET SESSION AUTHORIZATION callout_tap_restored;
SELECT ok(callout.is_auditor(), 'a role mapped while triggers were off is an auditor by its mapping');
SELECT is((SELECT count(*)::integer FROM callout.call_log), 0, 'the policies do not name it yet: it reads no call');
RESET SESSION AUTHORIZATION;
-- any change of tenant_role brings the policies up to date
SELECT callout.map_tenant_role('callout_tap_restored', NULL);
SELECT is(ARRAY(SELECT format('%s %s', policyname, roles) FROM pg_catalog.pg_policies
                WHERE schemaname = 'callout' AND policyname = 'call_log_audit'),
          ARRAY['call_log_audit {callout_tap_auditor,callout_tap_restored}'],
          'mapped again, the auditors'' policy names every role mapped as an auditor');
SET SESSION AUTHORIZATION callout_tap_restored;
SELECT is((SELECT count(*)::integer FROM callout.call_log), 4, 'and it reads the four calls');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
