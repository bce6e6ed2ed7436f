-- Whenever callout.is_auditor() is true, the session reads every tenant's calls (as it did
-- through 0.3.0's single read policy), though the auditors' policies apply only to the roles
-- named in them (DESIGN.md §7):
--   * a NOINHERIT member of an auditor role, granted SELECT itself (is_auditor() asks
--     membership);
--   * an auditor reading through a view, or a SECURITY DEFINER function, of a role that is not
--     mapped (row-level security checks the owner's roles; is_auditor() the session's);
--   * an auditor mapped while tenant_role's triggers do not fire (pg_restore --data-only
--     --disable-triggers, a logical replication subscriber).
BEGIN;
SELECT plan(8);
\ir tenants.psql

-- ---- a NOINHERIT member of the auditor role (2)

CREATE ROLE callout_tap_noinherit NOINHERIT;
GRANT callout_tap_auditor TO callout_tap_noinherit;
GRANT USAGE ON SCHEMA callout TO callout_tap_noinherit;
GRANT SELECT ON callout.call_log TO callout_tap_noinherit;
GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor() TO callout_tap_noinherit;
SET SESSION AUTHORIZATION callout_tap_noinherit;
SELECT ok(callout.is_auditor(), 'a NOINHERIT member of the auditor role is an auditor');
SELECT is((SELECT count(*)::integer FROM callout.call_log), 4, 'it reads the four calls');
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
SELECT is((SELECT count(*)::integer FROM callout_tap_reports.calls), 4,
          'the auditor reads the four calls through a view another role owns');
SELECT is(callout_tap_reports.call_count(), 4,
          'and through a SECURITY DEFINER function of that role');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_a;
SELECT is((SELECT count(*)::integer FROM callout_tap_reports.calls), 2,
          'tenant A still reads its own two calls through it');
RESET SESSION AUTHORIZATION;

-- ---- an auditor mapped while triggers do not fire (3)

CREATE ROLE callout_tap_restored LOGIN;
GRANT USAGE ON SCHEMA callout TO callout_tap_restored;
GRANT SELECT ON callout.call_log TO callout_tap_restored;
GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor() TO callout_tap_restored;
SET LOCAL session_replication_role = replica;
INSERT INTO callout.tenant_role (user_id, role) VALUES (NULL, 'callout_tap_restored');
RESET session_replication_role;
SET SESSION AUTHORIZATION callout_tap_restored;
SELECT ok(callout.is_auditor(), 'a role mapped while triggers were off is an auditor');
SELECT is((SELECT count(*)::integer FROM callout.call_log), 4, 'it reads the four calls');
RESET SESSION AUTHORIZATION;
SELECT is(ARRAY(SELECT format('%s %s', policyname, roles) FROM pg_catalog.pg_policies
                WHERE schemaname = 'callout' AND policyname = 'call_log_audit'),
          ARRAY['call_log_audit {callout_tap_auditor,callout_tap_restored,pg_database_owner}'],
          'the auditors'' policy names every role mapped as an auditor');

SELECT * FROM finish();
ROLLBACK;
