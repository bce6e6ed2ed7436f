-- A session whose login role is dropped while it is connected (DROP ROLE from another session,
-- as an administrator revokes a tenant's login) keeps its backend: its session_user
-- is then an OID no role has. The PL/pgSQL definitions (who_is_who_reference_test.sql) raised an
-- ERROR there (session_user cannot name it: fail closed); a dropped role's OID left in
-- callout.tenant_role names no one (DESIGN.md §7, tenancy_functions.cpp). So the session of a
-- dropped login acts for no tenant, whatever its stale mapping says; and so does a session whose
-- role taken with SET ROLE is dropped.
--
-- Needs a second session: dblink to this cluster, committing the role and its drop. What it
-- commits (the role, its mapping) is removed again at the end, and before the test as well.
BEGIN;
SELECT plan(5);

CREATE EXTENSION IF NOT EXISTS dblink;
SELECT dblink_connect('callout_dropped_login',
                      format('host=%s port=%s dbname=%s user=%s',
                             split_part(current_setting('unix_socket_directories'), ',', 1),
                             current_setting('port'), current_database(), current_user)) AS connected \gset

-- leftovers of a run that died, then the login and its mapping (a row of tenant_role, as
-- map_tenant_role writes it, without its grants: DROP ROLE needs no DROP OWNED), committed
SELECT dblink_exec('callout_dropped_login', $setup$
DO $do$
BEGIN
    DROP ROLE IF EXISTS callout_dropped_login, callout_dropped_taken, callout_dropped_taker;
    DELETE FROM callout.tenant_role WHERE user_id IN ('tenant-dropped-login', 'tenant-dropped-taken');
    CREATE ROLE callout_dropped_login LOGIN;
    CREATE ROLE callout_dropped_taken;
    CREATE ROLE callout_dropped_taker LOGIN IN ROLE callout_dropped_taken;
    INSERT INTO callout.tenant_role (user_id, role)
    VALUES ('tenant-dropped-login', 'callout_dropped_login'::pg_catalog.regrole),
           ('tenant-dropped-taken', 'callout_dropped_taken'::pg_catalog.regrole);
END
$do$$setup$) AS setup \gset

-- what the session needs to ask, granted to everyone here (a deployment may grant reading to
-- PUBLIC and leave the rows to row-level security)
GRANT USAGE ON SCHEMA callout TO PUBLIC;
GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor() TO PUBLIC;

-- the reference: callout 0.3.0's definitions (callout_ref.session_is_gateway() is what
-- current_user_id() asked first)
\ir tenancy_reference.psql

-- What current_user_id() answers, or the SQLSTATE of its ERROR.
CREATE FUNCTION pg_temp.tenant_or_error() RETURNS text
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN coalesce(callout.current_user_id(), '(none)');
EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE;
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.tenant_or_error() TO PUBLIC;

SET SESSION AUTHORIZATION callout_dropped_login;
SELECT is(pg_temp.tenant_or_error(), 'tenant-dropped-login', 'the login acts for its tenant while it exists');

-- an administrator revokes the tenant's login from another session
SELECT dblink_exec('callout_dropped_login', 'DROP ROLE callout_dropped_login') AS dropped \gset

SELECT throws_ok('SELECT callout_ref.session_is_gateway()', '42704', NULL,
                 'the PL/pgSQL definition refused the dropped login''s session (session_user names no role)');
SELECT is(pg_temp.tenant_or_error(), '(none)',
          'current_user_id() of a dropped login''s session names no tenant (the old definition: an ERROR)');
RESET SESSION AUTHORIZATION;

-- a login that took a mapped role, which an administrator then drops
SET SESSION AUTHORIZATION callout_dropped_taker;
SET ROLE callout_dropped_taken;
SELECT is(pg_temp.tenant_or_error(), 'tenant-dropped-taken', 'the role taken acts for its tenant while it exists');
SELECT dblink_exec('callout_dropped_login', 'DROP ROLE callout_dropped_taken') AS dropped \gset
SELECT is(pg_temp.tenant_or_error(), '(none)',
          'current_user_id() of a session whose role taken was dropped names no tenant');
RESET ROLE;
RESET SESSION AUTHORIZATION;

SELECT dblink_exec('callout_dropped_login', $cleanup$
DO $do$
BEGIN
    DROP ROLE IF EXISTS callout_dropped_taker;
    DELETE FROM callout.tenant_role WHERE user_id IN ('tenant-dropped-login', 'tenant-dropped-taken');
END
$do$$cleanup$) AS cleaned \gset
SELECT dblink_disconnect('callout_dropped_login') AS disconnected \gset

SELECT * FROM finish();
ROLLBACK;
