-- The row-level security matrix: every table and view of schema callout x every kind of role x
-- SELECT / INSERT / UPDATE / DELETE, each with the answer it must give: denied (42501, by a
-- missing privilege or a policy), none (it runs and reaches no row), own (exactly the rows of the
-- role's own tenant), all (every row), or added (an INSERT that stores its row). The roles:
--   owner      the superuser the extension belongs to
--   tenant     a role mapped to tenant-a (map_tenant_role)
--   gateway    a trusted gateway acting for tenant-a (callout.user_id)
--   reader     PostgREST's reader role inside a request whose JWT sub is tenant-a (grant_api_roles)
--   webhook    PostgREST's anonymous role for deliveries (grant_api_roles)
--   auditor    a role mapped to NULL: reads every tenant, writes nothing
--   granted    a role granted ALL on every table and function of the schema, and no tenant
-- Every statement runs in a subtransaction that is rolled back, so each starts from the same
-- rows; what a statement reaches is counted, and compared with the superuser's own count of
-- tenant-a's rows and of all rows.
BEGIN;
SELECT plan(8);
\ir tenants.psql

CREATE ROLE callout_tap_authenticator LOGIN NOINHERIT;
CREATE ROLE callout_tap_web_anon NOLOGIN;
CREATE ROLE callout_tap_web_user NOLOGIN;
GRANT callout_tap_web_anon, callout_tap_web_user TO callout_tap_authenticator;
SELECT callout.grant_api_roles('callout_tap_web_anon', 'callout_tap_web_user', 'callout_tap_authenticator')
       IS NULL AS granted \gset
CREATE ROLE callout_tap_granted LOGIN;
GRANT USAGE ON SCHEMA callout TO callout_tap_granted;
GRANT ALL ON ALL TABLES IN SCHEMA callout TO callout_tap_granted;
GRANT ALL ON ALL SEQUENCES IN SCHEMA callout TO callout_tap_granted;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA callout TO callout_tap_granted;
-- rows in every table: a route of each tenant, a rejection and a count, a tenant key's usage
-- (and the pending event of the shared world: tap-room-nobody's)
SELECT callout.add_phone_route('+18005550100', 'tenant-a') IS NULL AS routed \gset
SELECT callout.add_phone_route('+18005550200', 'tenant-b') IS NULL AS routed \gset
SELECT r.status FROM tap_delivery AS d, LATERAL callout.process_livekit_webhook(d.body, 'x.y.z') AS r
WHERE d.name = 'a1 left' \gset
SELECT pg_temp.mint('a1 left, key a', replace(d.body, 'EV_TAP_A1_LEFT', 'EV_TAP_A1_LEFT_KEY_A'),
                     'APItapTenantA') IS NULL AS minted FROM tap_delivery AS d
WHERE d.name = 'a1 left' \gset
SELECT r.status FROM pg_temp.deliver('a1 left, key a') AS r \gset

-- One statement per relation and command. UPDATE sets a column to itself; INSERT writes a row of
-- tenant-b (or, where the table has no tenant, a plausible row); a DELETE of calls deletes their
-- events first (the foreign key would refuse it otherwise).
CREATE TEMP TABLE matrix_statement (rel name, cmd text, sql text NOT NULL, PRIMARY KEY (rel, cmd));
GRANT SELECT ON matrix_statement TO PUBLIC;
INSERT INTO matrix_statement VALUES
    ('signing_key', 'SELECT', 'SELECT count(*) FROM callout.signing_key'),
    ('signing_key', 'INSERT', $$INSERT INTO callout.signing_key (api_key, api_secret) VALUES ('APIm', 'm-secret')$$),
    ('signing_key', 'UPDATE', 'UPDATE callout.signing_key SET user_id = user_id'),
    ('signing_key', 'DELETE', 'DELETE FROM callout.signing_key'),
    ('phone_route', 'SELECT', 'SELECT count(*) FROM callout.phone_route'),
    ('phone_route', 'INSERT', $$INSERT INTO callout.phone_route (trunk_phone_number, user_id) VALUES ('+18005550300', 'tenant-b')$$),
    ('phone_route', 'UPDATE', 'UPDATE callout.phone_route SET user_id = user_id'),
    ('phone_route', 'DELETE', 'DELETE FROM callout.phone_route'),
    ('gateway_role', 'SELECT', 'SELECT count(*) FROM callout.gateway_role'),
    ('gateway_role', 'INSERT', $$INSERT INTO callout.gateway_role (role) VALUES ('callout_tap_nobody')$$),
    ('gateway_role', 'UPDATE', 'UPDATE callout.gateway_role SET role = role'),
    ('gateway_role', 'DELETE', 'DELETE FROM callout.gateway_role'),
    ('tenant_role', 'SELECT', 'SELECT count(*) FROM callout.tenant_role'),
    ('tenant_role', 'INSERT', $$INSERT INTO callout.tenant_role (role, user_id) VALUES ('callout_tap_nobody', 'tenant-b')$$),
    ('tenant_role', 'UPDATE', 'UPDATE callout.tenant_role SET user_id = user_id'),
    ('tenant_role', 'DELETE', 'DELETE FROM callout.tenant_role'),
    ('call_log', 'SELECT', 'SELECT count(*) FROM callout.call_log'),
    ('call_log', 'INSERT', $$INSERT INTO callout.call_log (user_id, room_name, direction) VALUES ('tenant-b', 'm-room', 'inbound')$$),
    ('call_log', 'UPDATE', 'UPDATE callout.call_log SET metadata = metadata'),
    ('call_log', 'DELETE', 'WITH events AS (DELETE FROM callout.livekit_call_event) DELETE FROM callout.call_log'),
    ('livekit_call_event', 'SELECT', 'SELECT count(*) FROM callout.livekit_call_event'),
    ('livekit_call_event', 'INSERT', $$INSERT INTO callout.livekit_call_event (event_id, user_id, event_type, room_name, body_sha256)
                                      VALUES ('EV_M', 'tenant-b', 'room_finished', 'm-room', '\x00')$$),
    ('livekit_call_event', 'UPDATE', 'UPDATE callout.livekit_call_event SET payload = payload'),
    ('livekit_call_event', 'DELETE', 'DELETE FROM callout.livekit_call_event'),
    ('delivery_count', 'SELECT', 'SELECT count(*) FROM callout.delivery_count'),
    ('delivery_count', 'INSERT', $$INSERT INTO callout.delivery_count VALUES (now(), 'ignored', '', 1, 1)$$),
    ('delivery_count', 'UPDATE', 'UPDATE callout.delivery_count SET deliveries = deliveries'),
    ('delivery_count', 'DELETE', 'DELETE FROM callout.delivery_count'),
    ('pending_event', 'SELECT', 'SELECT count(*) FROM callout.pending_event'),
    ('pending_event', 'INSERT', $$INSERT INTO callout.pending_event (event_id, event_type, room_name, body_sha256)
                                 VALUES ('EV_M', 'room_finished', 'm-room', '\x00')$$),
    ('pending_event', 'UPDATE', 'UPDATE callout.pending_event SET payload = payload'),
    ('pending_event', 'DELETE', 'DELETE FROM callout.pending_event'),
    ('key_usage', 'SELECT', 'SELECT count(*) FROM callout.key_usage'),
    ('key_usage', 'INSERT', $$INSERT INTO callout.key_usage VALUES ('APIm', now(), 1)$$),
    ('key_usage', 'UPDATE', 'UPDATE callout.key_usage SET body_bytes = body_bytes'),
    ('key_usage', 'DELETE', 'DELETE FROM callout.key_usage'),
    ('rejected_delivery', 'SELECT', 'SELECT count(*) FROM callout.rejected_delivery'),
    ('rejected_delivery', 'INSERT', $$INSERT INTO callout.rejected_delivery (slot, rejected_at, reason) VALUES (999, now(), 'x')$$),
    ('rejected_delivery', 'UPDATE', 'UPDATE callout.rejected_delivery SET reason = reason'),
    ('rejected_delivery', 'DELETE', 'DELETE FROM callout.rejected_delivery'),
    ('calls', 'SELECT', 'SELECT count(*) FROM callout.calls'),
    ('calls', 'INSERT', $$INSERT INTO callout.calls (user_id, room_name, direction) VALUES ('tenant-b', 'm-room', 'inbound')$$),
    ('calls', 'UPDATE', 'UPDATE callout.calls SET metadata = metadata'),
    ('calls', 'DELETE', 'WITH events AS (DELETE FROM callout.livekit_call_event) DELETE FROM callout.calls');

-- The superuser's counts: every row, and tenant-a's (for the tables that have tenants).
CREATE TEMP TABLE matrix_count (rel name PRIMARY KEY, total bigint NOT NULL, own bigint);
GRANT SELECT ON matrix_count TO PUBLIC;
INSERT INTO matrix_count VALUES
    ('signing_key', (SELECT count(*) FROM callout.signing_key), NULL),
    ('phone_route', (SELECT count(*) FROM callout.phone_route),
     (SELECT count(*) FROM callout.phone_route WHERE user_id = 'tenant-a')),
    ('gateway_role', (SELECT count(*) FROM callout.gateway_role), NULL),
    ('tenant_role', (SELECT count(*) FROM callout.tenant_role), NULL),
    ('call_log', (SELECT count(*) FROM callout.call_log), (SELECT count(*) FROM callout.call_log WHERE user_id = 'tenant-a')),
    ('livekit_call_event', (SELECT count(*) FROM callout.livekit_call_event),
     (SELECT count(*) FROM callout.livekit_call_event WHERE user_id = 'tenant-a')),
    ('delivery_count', (SELECT count(*) FROM callout.delivery_count), NULL),
    ('rejected_delivery', (SELECT count(*) FROM callout.rejected_delivery), NULL),
    ('key_usage', (SELECT count(*) FROM callout.key_usage), NULL),
    ('pending_event', (SELECT count(*) FROM callout.pending_event), NULL),
    ('calls', (SELECT count(*) FROM callout.calls), (SELECT count(*) FROM callout.calls WHERE user_id = 'tenant-a'));
SELECT ok((SELECT bool_and(total > coalesce(own, 0) AND total > 0 AND coalesce(own, 1) > 0) FROM matrix_count),
          'every relation holds rows, and tenant-a''s are some but not all of them');

-- The answer of one statement as the current role: denied, none, own, all or added, run in a
-- subtransaction that is rolled back.
CREATE FUNCTION pg_temp.answer(rel name, cmd text) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    statement text := (SELECT s.sql FROM matrix_statement AS s WHERE s.rel = answer.rel AND s.cmd = answer.cmd);
    counted matrix_count;
    reached bigint;
    result text;
BEGIN
    SELECT * INTO counted FROM matrix_count AS c WHERE c.rel = answer.rel;
    BEGIN
        IF cmd = 'SELECT' THEN
            EXECUTE statement INTO reached;
        ELSE
            EXECUTE statement;
            GET DIAGNOSTICS reached = ROW_COUNT;
        END IF;
        result := CASE WHEN cmd = 'INSERT' THEN 'added'
                       WHEN reached = 0 THEN 'none'
                       WHEN reached = counted.total THEN 'all'
                       WHEN reached = counted.own THEN 'own'
                       ELSE 'reached ' || reached END;
        RAISE EXCEPTION USING ERRCODE = 'P0099';  -- roll the statement back
    EXCEPTION
        WHEN SQLSTATE 'P0099' THEN NULL;
        WHEN insufficient_privilege THEN result := 'denied';
    END;
    RETURN result;
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.answer(name, text) TO PUBLIC;

-- What each kind of role must get, by relation: one letter per command, S I U D:
-- d denied, n none, o own, a all, + added.
CREATE TEMP TABLE matrix_expected (who text, rel name, answers text, PRIMARY KEY (who, rel));
INSERT INTO matrix_expected
SELECT w.who, r.rel, CASE
    WHEN w.who = 'owner' THEN 'a+aa'
    -- keys, roles and counts: no role but the owner reaches them, granted or not
    WHEN r.rel IN ('signing_key', 'gateway_role', 'tenant_role', 'delivery_count', 'rejected_delivery',
                   'key_usage', 'pending_event')
        THEN CASE WHEN w.who = 'granted' THEN 'ndnn' ELSE 'dddd' END
    -- a tenant's routes: its own to read when granted; no policy lets anyone write them
    WHEN r.rel = 'phone_route' THEN CASE w.who WHEN 'granted' THEN 'ndnn' ELSE 'dddd' END
    -- calls: the tenant's own to read and to change its application-owned columns (in call_log;
    -- the calls view is for reading); events: its own to read; nobody inserts or deletes
    WHEN r.rel = 'call_log' THEN CASE w.who
        WHEN 'tenant' THEN 'odod' WHEN 'gateway' THEN 'odod' WHEN 'reader' THEN 'odod'
        WHEN 'auditor' THEN 'addd' WHEN 'granted' THEN 'ndnn' ELSE 'dddd' END
    WHEN r.rel IN ('livekit_call_event', 'calls') THEN CASE w.who
        WHEN 'tenant' THEN 'oddd' WHEN 'gateway' THEN 'oddd' WHEN 'reader' THEN 'oddd'
        WHEN 'auditor' THEN 'addd' WHEN 'granted' THEN 'ndnn' ELSE 'dddd' END
    END
FROM (VALUES ('owner'), ('tenant'), ('gateway'), ('reader'), ('webhook'), ('auditor'), ('granted')) AS w (who),
     (SELECT DISTINCT rel FROM matrix_statement) AS r;

-- The answers each role gets, as the same letters.
CREATE TEMP TABLE matrix_got (who text, rel name, answers text, PRIMARY KEY (who, rel));
GRANT INSERT ON matrix_got TO PUBLIC;
CREATE FUNCTION pg_temp.record(who text) RETURNS void
LANGUAGE sql
AS $$
    INSERT INTO matrix_got
    SELECT who, r.rel, string_agg(CASE a WHEN 'denied' THEN 'd' WHEN 'none' THEN 'n' WHEN 'own' THEN 'o'
                                         WHEN 'all' THEN 'a' WHEN 'added' THEN '+' ELSE '(' || a || ')' END,
                                  '' ORDER BY c.n)
    FROM (SELECT DISTINCT rel FROM matrix_statement) AS r,
         (VALUES (1, 'SELECT'), (2, 'INSERT'), (3, 'UPDATE'), (4, 'DELETE')) AS c (n, cmd),
         LATERAL pg_temp.answer(r.rel, c.cmd) AS a
    GROUP BY r.rel
$$;
GRANT EXECUTE ON FUNCTION pg_temp.record(text) TO PUBLIC;

SELECT pg_temp.record('owner') IS NULL AS recorded \gset
SET SESSION AUTHORIZATION callout_tap_a;
SELECT pg_temp.record('tenant') IS NULL AS recorded \gset
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_gateway;
SELECT set_config('callout.user_id', 'tenant-a', true) IS NULL AS acting \gset
SELECT pg_temp.record('gateway') IS NULL AS recorded \gset
SELECT set_config('callout.user_id', '', true) IS NULL AS acting \gset
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_authenticator;
SET LOCAL ROLE callout_tap_web_user;
SELECT set_config('request.jwt.claims', '{"role": "callout_tap_web_user", "sub": "tenant-a"}', true),
       set_config('request.method', 'GET', true) IS NULL AS request \gset
SELECT pg_temp.record('reader') IS NULL AS recorded \gset
SELECT set_config('request.jwt.claims', '', true), set_config('request.method', '', true) IS NULL AS ended \gset
RESET ROLE;
SET LOCAL ROLE callout_tap_web_anon;
SELECT pg_temp.record('webhook') IS NULL AS recorded \gset
RESET ROLE;
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT pg_temp.record('auditor') IS NULL AS recorded \gset
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_granted;
SELECT pg_temp.record('granted') IS NULL AS recorded \gset
RESET SESSION AUTHORIZATION;

-- One test per kind of role (7): its answers on every relation, as expected.
SELECT is(ARRAY(SELECT g.rel || ' ' || g.answers FROM matrix_got AS g WHERE g.who = w.who ORDER BY g.rel),
          ARRAY(SELECT e.rel || ' ' || e.answers FROM matrix_expected AS e WHERE e.who = w.who ORDER BY e.rel),
          format('%s: SELECT, INSERT, UPDATE, DELETE on every table and view', w.who))
FROM (VALUES (1, 'owner'), (2, 'tenant'), (3, 'gateway'), (4, 'reader'), (5, 'webhook'), (6, 'auditor'),
             (7, 'granted')) AS w (n, who)
ORDER BY w.n;

SELECT * FROM finish();
ROLLBACK;
