-- Who a session is (DESIGN.md §7), answered by C (src/pg/tenancy_functions.cpp) exactly as the
-- SQL definitions it replaced answered: current_user_id(), is_auditor() and
-- _session_is_gateway() against those definitions, kept here as the reference (callout_ref),
-- for every kind of login, role and membership, with and without SET ROLE, under every shape of
-- callout.user_id, PostgREST's claims and request.method.
BEGIN;
SELECT plan(7);

-- ---- the reference: callout 0.3.0's definitions, as the owner

\ir tenancy_reference.psql

-- ---- the roles: logins, and the roles they take (SET ROLE)

CREATE ROLE callout_ref_gateway;                                  -- trusted
CREATE ROLE callout_ref_gateway_member IN ROLE callout_ref_gateway;
CREATE ROLE callout_ref_gateway_noinherit NOINHERIT IN ROLE callout_ref_gateway;
CREATE ROLE callout_ref_gateway_chain IN ROLE callout_ref_gateway_member;
CREATE ROLE callout_ref_gone_gateway;                             -- trusted, then dropped
CREATE ROLE callout_ref_a;                                        -- tenant-a
CREATE ROLE callout_ref_a2;                                       -- tenant-a too
CREATE ROLE callout_ref_b;                                        -- tenant-b
CREATE ROLE callout_ref_auditor;                                  -- NULL: an auditor
CREATE ROLE callout_ref_own_c IN ROLE callout_ref_a;              -- tenant-c itself
CREATE ROLE callout_ref_member_a IN ROLE callout_ref_a;
CREATE ROLE callout_ref_noinherit_a NOINHERIT IN ROLE callout_ref_a;
CREATE ROLE callout_ref_chain_a IN ROLE callout_ref_member_a;
CREATE ROLE callout_ref_twice_a IN ROLE callout_ref_a, callout_ref_a2;
CREATE ROLE callout_ref_a_and_b IN ROLE callout_ref_a, callout_ref_b;
CREATE ROLE callout_ref_a_and_auditor IN ROLE callout_ref_a, callout_ref_auditor;
CREATE ROLE callout_ref_member_auditor IN ROLE callout_ref_auditor;
CREATE ROLE callout_ref_gone_tenant;                              -- tenant-d, then dropped
CREATE ROLE callout_ref_plain;                                    -- nothing
CREATE ROLE callout_ref_super SUPERUSER;
CREATE ROLE callout_ref_super_member IN ROLE callout_ref_super;
CREATE ROLE callout_ref_gateway_tenant IN ROLE callout_ref_gateway, callout_ref_a;
-- the database's owner is a member of pg_database_owner without a grant, and so are its
-- members; pg_database_owner mapped by hand to tenant-o (map_tenant_role refuses pg_* roles)
CREATE ROLE callout_ref_db_owner;
CREATE ROLE callout_ref_db_owner_member IN ROLE callout_ref_db_owner;
SELECT count(callout.trust_gateway_role(r)) AS trusted
FROM unnest(ARRAY['callout_ref_gateway', 'callout_ref_gone_gateway']) AS r \gset
SELECT count(callout.map_tenant_role(r, u)) AS mapped
FROM (VALUES ('callout_ref_a', 'tenant-a'), ('callout_ref_a2', 'tenant-a'), ('callout_ref_b', 'tenant-b'),
             ('callout_ref_auditor', NULL), ('callout_ref_own_c', 'tenant-c'),
             ('callout_ref_gone_tenant', 'tenant-d')) AS m (r, u) \gset
SELECT format('ALTER DATABASE %I OWNER TO callout_ref_db_owner', current_database()) \gexec
INSERT INTO callout.tenant_role (user_id, role) VALUES ('tenant-o', 'pg_database_owner'::regrole);
DROP OWNED BY callout_ref_gone_gateway, callout_ref_gone_tenant;
DROP ROLE callout_ref_gone_gateway;
DROP ROLE callout_ref_gone_tenant;
GRANT USAGE ON SCHEMA callout TO PUBLIC;
GRANT EXECUTE ON FUNCTION callout.current_user_id(), callout.is_auditor(), callout._session_is_gateway(),
    callout._parse_json_body(text), callout._invoking_role() TO PUBLIC;

-- Who logs in, and the role it then takes (NULL: none).
CREATE TEMP TABLE ref_session (login name, taken name);
INSERT INTO ref_session
SELECT r.rolname, NULL FROM pg_catalog.pg_roles AS r WHERE r.rolname LIKE 'callout\_ref\_%'
UNION ALL VALUES (current_user, NULL),
                 ('callout_ref_gateway_member', 'callout_ref_gateway'),
                 ('callout_ref_gateway_tenant', 'callout_ref_a'),
                 ('callout_ref_a_and_b', 'callout_ref_b'),
                 ('callout_ref_a_and_auditor', 'callout_ref_auditor'),
                 ('callout_ref_twice_a', 'callout_ref_a2'),
                 ('callout_ref_chain_a', 'callout_ref_member_a'),
                 ('callout_ref_noinherit_a', 'callout_ref_a'),
                 ('callout_ref_super_member', 'callout_ref_super'),
                 ('callout_ref_own_c', 'callout_ref_a');

-- What the session says: callout.user_id, PostgREST's claims and request.method ('' for none).
CREATE TEMP TABLE ref_saying (user_id text, claims text, method text);
INSERT INTO ref_saying
SELECT u, c, m
FROM unnest(ARRAY['', 'tenant-x']) AS u,
     unnest(ARRAY['', 'not json', '[1]', '"tenant-y"', '{"sub": 1}', '{"sub": ""}', '{"sub": null}',
                  '{"sub": "tenant-y"}', '{"sub": "tenant-y", "sub": "tenant-z"}', '{"x": {"sub": "a"}}',
                  '{"sub": ["tenant-y"]}', '{"sub": "t\"y"}', '{"sub": "t\u0000y"}', '{"sub": "tenant-y"',
                  '{}']) AS c,
     unnest(ARRAY['', 'GET']) AS m;

-- Both answers for one session and saying, as that session (back to the superuser after).
CREATE FUNCTION pg_temp.answers(login name, taken name, user_id text, claims text, method text,
                                OUT c_tenant text, OUT ref_tenant text, OUT c_auditor boolean,
                                OUT ref_auditor boolean, OUT c_gateway boolean, OUT ref_gateway boolean)
LANGUAGE plpgsql
AS $$
BEGIN
    EXECUTE format('SET SESSION AUTHORIZATION %I', login);
    IF taken IS NOT NULL THEN
        EXECUTE format('SET ROLE %I', taken);
    END IF;
    PERFORM set_config('callout.user_id', user_id, true), set_config('request.jwt.claims', claims, true),
            set_config('request.method', method, true);
    SELECT callout.current_user_id(), callout_ref.current_user_id(), callout.is_auditor(),
           callout_ref.is_auditor(), callout._session_is_gateway(), callout_ref.session_is_gateway()
    INTO c_tenant, ref_tenant, c_auditor, ref_auditor, c_gateway, ref_gateway;
    RESET ROLE;
    RESET SESSION AUTHORIZATION;
END
$$;

CREATE TEMP TABLE ref_answer AS
SELECT s.login, s.taken, y.user_id, y.claims, y.method, a.*
FROM ref_session AS s CROSS JOIN ref_saying AS y
CROSS JOIN LATERAL pg_temp.answers(s.login, s.taken, y.user_id, y.claims, y.method) AS a;

-- ---- the answers agree (3)

SELECT is_empty($$SELECT login, taken, user_id, claims, method, c_tenant, ref_tenant FROM ref_answer
                  WHERE c_tenant IS DISTINCT FROM ref_tenant$$,
                'current_user_id() answers as the reference for every session and saying');
SELECT is_empty($$SELECT login, taken, user_id, claims, method, c_auditor, ref_auditor FROM ref_answer
                  WHERE c_auditor IS DISTINCT FROM ref_auditor$$,
                'is_auditor() answers as the reference for every session and saying');
SELECT is_empty($$SELECT login, taken, c_gateway, ref_gateway FROM ref_answer
                  WHERE c_gateway IS DISTINCT FROM ref_gateway$$,
                '_session_is_gateway() answers as the reference for every session');

-- ---- and the matrix holds every kind of answer (4)

SELECT is((SELECT count(*)::integer FROM ref_answer), (SELECT count(*)::integer FROM ref_session) * 60,
          'every session met every saying');
SELECT is(ARRAY(SELECT DISTINCT c_tenant COLLATE "C" FROM ref_answer WHERE c_tenant IS NOT NULL ORDER BY 1),
          ARRAY['t"y', 'tenant-a', 'tenant-b', 'tenant-c', 'tenant-o', 'tenant-x', 'tenant-y', 'tenant-z', 't' || U&'\FFFD' || 'y'],
          'the sessions name every tenant a mapping (pg_database_owner''s too), callout.user_id or a sub can name');
SELECT is(ARRAY(SELECT DISTINCT login FROM ref_answer WHERE c_auditor ORDER BY 1),
          ARRAY['callout_ref_a_and_auditor', 'callout_ref_auditor', 'callout_ref_member_auditor']::name[],
          'the auditor, its member, and a member of a tenant that took the auditor''s role audit');
SELECT is(ARRAY(SELECT DISTINCT login FROM ref_answer WHERE c_tenant IS NULL AND NOT c_auditor AND NOT c_gateway ORDER BY 1),
          ARRAY['callout_ref_a_and_auditor', 'callout_ref_a_and_b', 'callout_ref_plain',
                'callout_ref_super_member']::name[],
          'ambiguous mappings (a tenant and an auditor, two tenants, a superuser''s every mapping) and the unmapped are nobody');

SELECT * FROM finish();
ROLLBACK;
