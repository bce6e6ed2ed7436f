-- Every table x SELECT / INSERT / UPDATE / DELETE, logged in as each role of DESIGN.md §7:
-- tenant A and tenant B read only their own calls and events and change only the
-- application-owned columns of their own calls; a gateway acting for A (callout.user_id, or
-- PostgREST's request.jwt.claims) is A; the auditor reads everything and writes nothing; the
-- webhook-only role and a role with no grants touch no table. Keys, routes and trusted roles
-- are the owner's alone. Afterwards the superuser finds every other tenant's row, every event
-- and every administration table as it was.
BEGIN;
SELECT plan(187);
\ir tenants.psql

-- One statement per table and command, each aimed at what a role must not reach: another
-- tenant's rows, the secrets, the trust tables.
CREATE TEMP TABLE tap_statement (tbl name, cmd text, sql text NOT NULL, PRIMARY KEY (tbl, cmd));
GRANT SELECT ON tap_statement TO PUBLIC;
INSERT INTO tap_statement VALUES
    ('signing_key', 'SELECT', 'SELECT api_key, api_secret FROM callout.signing_key'),
    ('signing_key', 'INSERT', $$INSERT INTO callout.signing_key (api_key, api_secret, user_id)
                               VALUES ('APIevil', 'evil-secret', 'tenant-b')$$),
    ('signing_key', 'UPDATE', $$UPDATE callout.signing_key SET user_id = 'tenant-a', revoked_at = NULL$$),
    ('signing_key', 'DELETE', 'DELETE FROM callout.signing_key'),
    ('phone_route', 'SELECT', 'SELECT * FROM callout.phone_route'),
    ('phone_route', 'INSERT', $$INSERT INTO callout.phone_route (trunk_phone_number, user_id)
                               VALUES ('+18005550200', 'tenant-a')$$),
    ('phone_route', 'UPDATE', $$UPDATE callout.phone_route SET user_id = 'tenant-a'$$),
    ('phone_route', 'DELETE', 'DELETE FROM callout.phone_route'),
    ('gateway_role', 'SELECT', 'SELECT * FROM callout.gateway_role'),
    ('gateway_role', 'INSERT', 'INSERT INTO callout.gateway_role (role) VALUES (session_user::regrole)'),
    ('gateway_role', 'UPDATE', 'UPDATE callout.gateway_role SET role = session_user::regrole'),
    ('gateway_role', 'DELETE', 'DELETE FROM callout.gateway_role'),
    ('tenant_role', 'SELECT', 'SELECT * FROM callout.tenant_role'),
    ('tenant_role', 'INSERT', 'INSERT INTO callout.tenant_role (role, user_id) VALUES (session_user::regrole, NULL)'),
    ('tenant_role', 'UPDATE', $$UPDATE callout.tenant_role SET user_id = 'tenant-b'$$),
    ('tenant_role', 'DELETE', 'DELETE FROM callout.tenant_role'),
    ('call_log', 'SELECT', 'SELECT * FROM callout.call_log'),
    ('call_log', 'INSERT', $$INSERT INTO callout.call_log (user_id, room_name, direction)
                            VALUES ('tenant-b', 'tap-room-forged', 'inbound')$$),
    ('call_log', 'UPDATE', $$UPDATE callout.call_log SET metadata = '{"forged": true}'$$),
    ('call_log', 'DELETE', 'DELETE FROM callout.call_log'),
    ('livekit_call_event', 'SELECT', 'SELECT * FROM callout.livekit_call_event'),
    ('livekit_call_event', 'INSERT', $$INSERT INTO callout.livekit_call_event
                                          (event_id, user_id, event_type, room_name, body_sha256)
                                      VALUES ('EV_FORGED', 'tenant-b', 'room_finished', 'tap-room-b1', '\x00')$$),
    ('livekit_call_event', 'UPDATE', $$UPDATE callout.livekit_call_event SET user_id = 'tenant-a'$$),
    ('livekit_call_event', 'DELETE', 'DELETE FROM callout.livekit_call_event');

-- The administration tables and the events, as the superuser sees them now, and the calls.
CREATE TEMP TABLE tap_before AS
SELECT 'signing_key' AS tbl, (SELECT jsonb_agg(to_jsonb(k) ORDER BY k.api_key) FROM callout.signing_key AS k) AS rows
UNION ALL SELECT 'phone_route', (SELECT jsonb_agg(to_jsonb(r)) FROM callout.phone_route AS r)
UNION ALL SELECT 'gateway_role', (SELECT jsonb_agg(to_jsonb(g) ORDER BY g.role::text) FROM callout.gateway_role AS g)
UNION ALL SELECT 'tenant_role', (SELECT jsonb_agg(to_jsonb(t) ORDER BY t.role::text) FROM callout.tenant_role AS t)
UNION ALL SELECT 'livekit_call_event', (SELECT jsonb_agg(to_jsonb(e) ORDER BY e.id) FROM callout.livekit_call_event AS e)
UNION ALL SELECT 'tenant-a', pg_temp.calls_of('tenant-a')
UNION ALL SELECT 'tenant-b', pg_temp.calls_of('tenant-b');

-- The webhook-owned columns of a tenant's calls (everything but agent_config_id, campaign_id,
-- metadata and updated_at), as the superuser reads them.
CREATE FUNCTION pg_temp.webhook_owned(user_id text) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_agg(c - 'agent_config_id' - 'campaign_id' - 'metadata' - 'updated_at')
    FROM jsonb_array_elements(pg_temp.calls_of(webhook_owned.user_id)) AS c
$$;
REVOKE ALL ON FUNCTION pg_temp.webhook_owned(text) FROM PUBLIC;

-- ---- a role with no grants: nothing at all (24)

SET SESSION AUTHORIZATION callout_tap_nobody;
SELECT throws_ok(sql, '42501', 'permission denied for schema callout',
                 format('no-grants role: %s on %s is refused', cmd, tbl))
FROM tap_statement ORDER BY tbl, cmd;
RESET SESSION AUTHORIZATION;

-- ---- the webhook-only role: no table, not even its own deliveries' rows (24)

SET SESSION AUTHORIZATION callout_tap_webhook;
SELECT throws_ok(sql, '42501', format('permission denied for table %s', tbl),
                 format('webhook role: %s on %s is refused', cmd, tbl))
FROM tap_statement ORDER BY tbl, cmd;
RESET SESSION AUTHORIZATION;

-- ---- tenant A (16 + 7 + 16 + 3)

SET SESSION AUTHORIZATION callout_tap_a;
SELECT is(session_user, 'callout_tap_a'::name, 'logged in as tenant A''s role');
-- the administration tables (16)
SELECT throws_ok(sql, '42501', format('permission denied for table %s', tbl),
                 format('tenant A: %s on %s is refused', cmd, tbl))
FROM tap_statement WHERE tbl NOT IN ('call_log', 'livekit_call_event') ORDER BY tbl, cmd;
-- its calls and events, nobody else's (2)
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-a' ORDER BY id),
                  'tenant A reads exactly its calls A1 and A2');
SELECT results_eq('SELECT event_id FROM callout.livekit_call_event ORDER BY event_id',
                  ARRAY['EV_TAP_A1_JOINED', 'EV_TAP_A1_LEFT', 'EV_TAP_A1_STARTED'],
                  'tenant A reads exactly the three events of its calls');
SELECT is_empty($$SELECT id FROM callout.call_log WHERE user_id = 'tenant-b' OR room_name = 'tap-room-b1'$$,
                'tenant A finds no call of tenant B, even by asking for it');
-- it cannot create or delete calls, nor write events (5)
SELECT throws_ok(sql, '42501', format('permission denied for table %s', tbl),
                 format('tenant A: %s on %s is refused', cmd, tbl))
FROM tap_statement
WHERE (tbl = 'call_log' AND cmd IN ('INSERT', 'DELETE')) OR (tbl = 'livekit_call_event' AND cmd <> 'SELECT')
ORDER BY tbl, cmd;
SELECT throws_ok($$INSERT INTO callout.call_log (user_id, room_name, direction)
                   VALUES ('tenant-a', 'tap-room-own', 'outbound')$$, '42501',
                 'permission denied for table call_log',
                 'tenant A cannot insert a call even for itself (register_call is the way)');
-- an UPDATE of every call reaches its own two only (1); the application-owned columns of its
-- own call are writable (3), another tenant's call is out of reach (1)
SELECT is(pg_temp.affected($$UPDATE callout.call_log SET metadata = '{"by": "a"}'$$), 2::bigint,
          'tenant A''s UPDATE of every call changes its own two calls only');
SELECT is(pg_temp.affected(format('UPDATE callout.call_log SET agent_config_id = %L WHERE id = %s',
                                  'agent-a2', (SELECT id FROM tap_call WHERE name = 'A1'))),
          1::bigint, 'tenant A may change agent_config_id of its call');
SELECT is(pg_temp.affected(format('UPDATE callout.call_log SET campaign_id = %L WHERE id = %s',
                                  'campaign-a2', (SELECT id FROM tap_call WHERE name = 'A1'))),
          1::bigint, 'tenant A may change campaign_id of its call');
SELECT is(pg_temp.affected(format($$UPDATE callout.call_log SET metadata = '{"by": "a", "n": 2}' WHERE id = %s$$,
                                  (SELECT id FROM tap_call WHERE name = 'A1'))),
          1::bigint, 'tenant A may change metadata of its call');
SELECT is(pg_temp.affected(format($$UPDATE callout.call_log SET metadata = '{"by": "a"}', campaign_id = 'x'
                                    WHERE id IN (%s, %s)$$,
                                  (SELECT id FROM tap_call WHERE name = 'B1'),
                                  (SELECT id FROM tap_call WHERE name = 'B2'))),
          0::bigint, 'tenant A''s UPDATE of tenant B''s calls by id changes no row');
-- every webhook-owned column of its own call is refused (16)
SELECT throws_ok(format('UPDATE callout.call_log SET %I = (SELECT %I FROM callout.call_log WHERE id = %s) WHERE id = %s',
                        col, col, (SELECT id FROM tap_call WHERE name = 'A2'), (SELECT id FROM tap_call WHERE name = 'A1')),
                 '42501', 'permission denied for table call_log',
                 format('tenant A cannot UPDATE %s of its own call', col))
FROM unnest(ARRAY['user_id', 'room_name', 'room_sid', 'direction', 'phone_number',
                  'registered_phone_number', 'status', 'outcome', 'duration_seconds', 'disconnect_reason',
                  'sip_call_status', 'recording_url', 'started_at', 'ended_at', 'created_at', 'updated_at']) AS col;
SELECT throws_ok(format($$UPDATE callout.call_log SET user_id = 'tenant-a' WHERE id = %s$$,
                        (SELECT id FROM tap_call WHERE name = 'B1')),
                 '42501', 'permission denied for table call_log',
                 'tenant A cannot move tenant B''s call to itself');
SELECT throws_ok(format($$UPDATE callout.call_log SET status = 'ended', updated_at = updated_at WHERE id = %s$$,
                        (SELECT id FROM tap_call WHERE name = 'A2')),
                 '42501', 'permission denied for table call_log', 'tenant A cannot end its own call');
RESET SESSION AUTHORIZATION;

-- As the superuser: B's calls untouched (1), A's changed only in application-owned columns (2).
SELECT is(pg_temp.calls_of('tenant-b'), (SELECT rows FROM tap_before WHERE tbl = 'tenant-b'),
          'after tenant A: tenant B''s calls are exactly as before');
SELECT is(pg_temp.webhook_owned('tenant-a'),
          (SELECT jsonb_agg(c - 'agent_config_id' - 'campaign_id' - 'metadata' - 'updated_at')
           FROM tap_before, jsonb_array_elements(rows) AS c WHERE tbl = 'tenant-a'),
          'after tenant A: the webhook-owned columns of its calls are as before');
SELECT is((SELECT format('%s %s %s', c.agent_config_id, c.campaign_id, c.metadata)
           FROM callout.call_log AS c JOIN tap_call AS t ON t.id = c.id WHERE t.name = 'A1'),
          'agent-a2 campaign-a2 {"n": 2, "by": "a"}',
          'after tenant A: A1 carries the agent config, campaign and metadata it set');

-- ---- tenant B (the same, mirrored) (16 + 7 + 4)

SET SESSION AUTHORIZATION callout_tap_b;
SELECT throws_ok(sql, '42501', format('permission denied for table %s', tbl),
                 format('tenant B: %s on %s is refused', cmd, tbl))
FROM tap_statement WHERE tbl NOT IN ('call_log', 'livekit_call_event') ORDER BY tbl, cmd;
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-b' ORDER BY id),
                  'tenant B reads exactly its calls B1 and B2');
SELECT results_eq('SELECT event_id FROM callout.livekit_call_event ORDER BY event_id',
                  ARRAY['EV_TAP_B1_JOINED', 'EV_TAP_B1_STARTED'],
                  'tenant B reads exactly the two events of its call');
SELECT throws_ok(sql, '42501', format('permission denied for table %s', tbl),
                 format('tenant B: %s on %s is refused', cmd, tbl))
FROM tap_statement
WHERE (tbl = 'call_log' AND cmd IN ('INSERT', 'DELETE')) OR (tbl = 'livekit_call_event' AND cmd <> 'SELECT')
ORDER BY tbl, cmd;
SELECT is(pg_temp.affected(format($$UPDATE callout.call_log SET metadata = '{"by": "b"}' WHERE id = %s$$,
                                  (SELECT id FROM tap_call WHERE name = 'A1'))),
          0::bigint, 'tenant B''s UPDATE of A1 by id changes no row');
SELECT is(pg_temp.affected($$UPDATE callout.call_log SET metadata = '{"by": "b"}'$$), 2::bigint,
          'tenant B''s UPDATE of every call changes its own two calls only');
SELECT throws_ok(format($$UPDATE callout.call_log SET outcome = 'completed' WHERE id = %s$$,
                        (SELECT id FROM tap_call WHERE name = 'B1')),
                 '42501', 'permission denied for table call_log', 'tenant B cannot set the outcome of its call');
SELECT is((SELECT count(*)::integer FROM callout.call_log WHERE metadata->>'by' = 'a'), 0,
          'tenant B sees none of the metadata tenant A wrote');
RESET SESSION AUTHORIZATION;

SELECT is((SELECT jsonb_agg(c->'metadata' ORDER BY (c->>'id')::bigint) FROM jsonb_array_elements(pg_temp.calls_of('tenant-a')) AS c),
          '[{"n": 2, "by": "a"}, {"by": "a"}]'::jsonb,
          'after tenant B: tenant A''s calls keep the metadata A wrote');

-- ---- the gateway acting for tenant A through callout.user_id (16 + 8)

SET SESSION AUTHORIZATION callout_tap_gateway;
SELECT set_config('callout.user_id', 'tenant-a', true) IS NOT NULL AS acting_for_a \gset
SELECT throws_ok(sql, '42501', format('permission denied for table %s', tbl),
                 format('gateway for A: %s on %s is refused', cmd, tbl))
FROM tap_statement WHERE tbl NOT IN ('call_log', 'livekit_call_event') ORDER BY tbl, cmd;
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-a' ORDER BY id),
                  'gateway acting for A (callout.user_id) reads exactly A''s calls');
SELECT results_eq('SELECT event_id FROM callout.livekit_call_event ORDER BY event_id',
                  ARRAY['EV_TAP_A1_JOINED', 'EV_TAP_A1_LEFT', 'EV_TAP_A1_STARTED'],
                  'gateway acting for A (callout.user_id) reads exactly A''s events');
SELECT throws_ok(sql, '42501', format('permission denied for table %s', tbl),
                 format('gateway for A: %s on %s is refused', cmd, tbl))
FROM tap_statement
WHERE (tbl = 'call_log' AND cmd IN ('INSERT', 'DELETE')) OR (tbl = 'livekit_call_event' AND cmd <> 'SELECT')
ORDER BY tbl, cmd;
SELECT is(pg_temp.affected(format($$UPDATE callout.call_log SET metadata = '{"by": "gateway"}' WHERE id IN (%s, %s)$$,
                                  (SELECT id FROM tap_call WHERE name = 'A2'), (SELECT id FROM tap_call WHERE name = 'B1'))),
          1::bigint, 'gateway acting for A updates A2 and not B1');
SELECT throws_ok(format($$UPDATE callout.call_log SET status = 'ended' WHERE id = %s$$,
                        (SELECT id FROM tap_call WHERE name = 'A2')),
                 '42501', 'permission denied for table call_log', 'gateway acting for A cannot end A''s call');
SELECT set_config('callout.user_id', '', true) IS NOT NULL AS acting_for_nobody \gset

-- ---- the gateway acting for tenant A through PostgREST's request.jwt.claims (4)

SELECT set_config('request.jwt.claims', '{"sub": "tenant-a", "role": "callout_tap_gateway"}', true)
       IS NOT NULL AS claims_for_a \gset
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-a' ORDER BY id),
                  'gateway acting for A (request.jwt.claims sub) reads exactly A''s calls');
SELECT results_eq('SELECT event_id FROM callout.livekit_call_event ORDER BY event_id',
                  ARRAY['EV_TAP_A1_JOINED', 'EV_TAP_A1_LEFT', 'EV_TAP_A1_STARTED'],
                  'gateway acting for A (request.jwt.claims sub) reads exactly A''s events');
SELECT is(pg_temp.affected($$UPDATE callout.call_log SET campaign_id = 'campaign-jwt'$$), 2::bigint,
          'gateway acting for A (request.jwt.claims sub) updates A''s two calls only');
SELECT set_config('request.jwt.claims', '', true) IS NOT NULL AS claims_cleared \gset
-- acting for no one, the gateway reads and changes nothing (1)
SELECT is(pg_temp.affected($$UPDATE callout.call_log SET campaign_id = 'campaign-none'$$), 0::bigint,
          'gateway acting for no tenant updates no call');
RESET SESSION AUTHORIZATION;

SELECT is((SELECT jsonb_agg(jsonb_build_array(c->'metadata', c->'campaign_id') ORDER BY (c->>'id')::bigint)
           FROM jsonb_array_elements(pg_temp.calls_of('tenant-b')) AS c),
          '[[{"by": "b"}, null], [{"by": "b"}, null]]'::jsonb,
          'after the gateway: tenant B''s calls carry only what B wrote');

-- ---- the auditor: reads every tenant's calls and events, writes nothing (16 + 2 + 6)

SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT throws_ok(sql, '42501', format('permission denied for table %s', tbl),
                 format('auditor: %s on %s is refused', cmd, tbl))
FROM tap_statement WHERE tbl NOT IN ('call_log', 'livekit_call_event') ORDER BY tbl, cmd;
SELECT results_eq('SELECT id FROM callout.call_log ORDER BY id',
                  ARRAY(SELECT id FROM tap_call ORDER BY id),
                  'the auditor reads the calls of both tenants');
SELECT results_eq('SELECT event_id FROM callout.livekit_call_event ORDER BY event_id',
                  ARRAY(SELECT event_id FROM tap_event ORDER BY event_id),
                  'the auditor reads every event, the unmatched one included');
SELECT throws_ok(sql, '42501', format('permission denied for table %s', tbl),
                 format('auditor: %s on %s is refused', cmd, tbl))
FROM tap_statement WHERE tbl IN ('call_log', 'livekit_call_event') AND cmd <> 'SELECT'
ORDER BY tbl, cmd;
RESET SESSION AUTHORIZATION;

-- ---- afterwards, as the superuser: nothing any role was refused happened (5)

SELECT is(CASE tbl WHEN 'signing_key' THEN (SELECT jsonb_agg(to_jsonb(k) ORDER BY k.api_key) FROM callout.signing_key AS k)
                   WHEN 'phone_route' THEN (SELECT jsonb_agg(to_jsonb(r)) FROM callout.phone_route AS r)
                   WHEN 'gateway_role' THEN (SELECT jsonb_agg(to_jsonb(g) ORDER BY g.role::text) FROM callout.gateway_role AS g)
                   WHEN 'tenant_role' THEN (SELECT jsonb_agg(to_jsonb(t) ORDER BY t.role::text) FROM callout.tenant_role AS t)
                   ELSE (SELECT jsonb_agg(to_jsonb(e) ORDER BY e.id) FROM callout.livekit_call_event AS e) END,
          rows, format('callout.%s is exactly as before', tbl))
FROM tap_before WHERE tbl NOT LIKE 'tenant-_' ORDER BY tbl;

SELECT * FROM finish();
ROLLBACK;
