-- Writing calls across tenants: register_call creates calls only for gateways (for the tenant
-- they act for, or any when they act for none), never for tenants, and never takes over another
-- tenant's open room; update_call_log changes only the application-owned columns of the
-- caller's own calls, answers false for anyone else's, and refuses webhook-owned keys.
BEGIN;
SELECT plan(44);
\ir tenants.psql

CREATE TEMP TABLE tap_before AS
SELECT 'tenant-a' AS user_id, pg_temp.calls_of('tenant-a') AS rows
UNION ALL SELECT 'tenant-b', pg_temp.calls_of('tenant-b');

-- The calls of a room, as the superuser sees them: "user_id status" each, oldest first.
CREATE FUNCTION pg_temp.room_calls(room text) RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT ARRAY(SELECT c.user_id || ' ' || c.status FROM callout.call_log AS c
                 WHERE c.room_name = room ORDER BY c.id)
$$;
REVOKE ALL ON FUNCTION pg_temp.room_calls(text) FROM PUBLIC;

-- ---- register_call as tenant A (5): tenants never create calls, not even their own

SET SESSION AUTHORIZATION callout_tap_a;
SELECT throws_ok($$SELECT callout.register_call('tenant-b', 'tap-room-new-b', 'outbound')$$,
                 '42501', 'permission denied for function register_call',
                 'tenant A cannot register a call for tenant B');
SELECT throws_ok($$SELECT callout.register_call('tenant-a', 'tap-room-b1', 'outbound')$$,
                 '42501', 'permission denied for function register_call',
                 'tenant A cannot take over B''s open room by registering its name');
SELECT throws_ok($$SELECT callout.register_call('tenant-a', 'tap-room-b2', 'outbound')$$,
                 '42501', 'permission denied for function register_call',
                 'tenant A cannot take over B''s registered room before it is bound to a sid');
SELECT throws_ok($$SELECT callout.register_call('tenant-a', 'tap-room-a3', 'outbound')$$,
                 '42501', 'permission denied for function register_call',
                 'tenant A cannot register a call for itself either: gateways register calls');
SELECT is_empty($$SELECT 1 FROM callout.call_log WHERE room_name = 'tap-room-a3'$$,
                'tenant A''s attempt created no call');
RESET SESSION AUTHORIZATION;

-- As the superuser (4): nothing was created for B, B's rooms still hold only B's calls.
SELECT is(pg_temp.room_calls('tap-room-new-b'), ARRAY[]::text[], 'no call was registered in tap-room-new-b');
SELECT is(pg_temp.room_calls('tap-room-b1'), ARRAY['tenant-b in_progress'], 'tap-room-b1 holds B1 only');
SELECT is(pg_temp.room_calls('tap-room-b2'), ARRAY['tenant-b registered'], 'tap-room-b2 holds B2 only');
SELECT is(pg_temp.calls_of('tenant-b'), (SELECT rows FROM tap_before WHERE user_id = 'tenant-b'),
          'after tenant A''s attempts: B''s calls are exactly as before');

-- Even with EXECUTE granted by mistake, the function refuses a session that is no gateway (1).
GRANT EXECUTE ON FUNCTION callout.register_call(text, text, text, text, text, text, jsonb) TO callout_tap_a;
SET SESSION AUTHORIZATION callout_tap_a;
SELECT throws_ok($$SELECT callout.register_call('tenant-a', 'tap-room-a3', 'outbound')$$,
                 '42501', 'only gateway and admin sessions may register calls',
                 'a tenant granted EXECUTE by mistake is still refused');
RESET SESSION AUTHORIZATION;
REVOKE EXECUTE ON FUNCTION callout.register_call(text, text, text, text, text, text, jsonb) FROM callout_tap_a;

-- ---- register_call as the gateway (9)

SET SESSION AUTHORIZATION callout_tap_gateway;
SELECT set_config('callout.user_id', 'tenant-a', true) IS NULL AS acting \gset
SELECT throws_ok($$SELECT callout.register_call('tenant-b', 'tap-room-new-b', 'outbound')$$,
                 '42501', 'permission denied to register a call for another tenant',
                 'a gateway acting for A cannot register a call for B');
SELECT throws_ok($$SELECT callout.register_call('tenant-a', 'tap-room-b1', 'inbound')$$,
                 '23505', 'room tap-room-b1 already has an open call of another tenant',
                 'a gateway acting for A cannot take over B''s open room');
SELECT ok(callout.register_call('tenant-a', 'tap-room-a4', 'outbound') > 0,
          'a gateway acting for A registers a call for A');
SELECT ok(callout.register_call('tenant-a', 'tap-room-a3', 'outbound', NULL, NULL, 'agent-a') > 0,
          'a gateway acting for A registers a second call for A');
SELECT results_eq($$SELECT user_id, status::text FROM callout.call_log WHERE room_name = 'tap-room-a3'$$,
                  $$VALUES ('tenant-a', 'registered')$$,
                  'the gateway reads the new call, registered for tenant-a');
SELECT throws_ok($$SELECT callout.register_call('tenant-a', 'tap-room-a3', 'outbound')$$, '23505', NULL,
                 'a tenant''s room has one open call: registering it again is refused');
SELECT set_config('callout.user_id', '', true) IS NULL AS acting \gset
SELECT set_config('request.jwt.claims', '{"sub": "tenant-a"}', true) IS NULL AS acting \gset
SELECT throws_ok($$SELECT callout.register_call('tenant-b', 'tap-room-new-b', 'outbound')$$,
                 '42501', 'permission denied to register a call for another tenant',
                 'a gateway acting for A through request.jwt.claims cannot register a call for B');
SELECT set_config('request.jwt.claims', '', true) IS NULL AS acting \gset
SELECT throws_ok($$SELECT callout.register_call('tenant-b', 'tap-room-b3', 'inbound')$$,
                 '42501', 'permission denied to register a call for another tenant',
                 'a gateway that has not said which tenant it acts for registers for nobody');
SELECT set_config('callout.user_id', 'tenant-b', true) IS NULL AS acting \gset
SELECT ok(callout.register_call('tenant-b', 'tap-room-b3', 'inbound') > 0,
          'the gateway acting for B registers a call for B');
RESET SESSION AUTHORIZATION;

-- ---- register_call as roles that may not (3)

SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT throws_ok($$SELECT callout.register_call('tenant-a', 'tap-room-audit', 'outbound')$$, '42501',
                 'permission denied for function register_call', 'the auditor cannot register calls');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_webhook;
SELECT throws_ok($$SELECT callout.register_call('tenant-a', 'tap-room-hook', 'outbound')$$, '42501',
                 'permission denied for function register_call', 'the webhook role cannot register calls');
RESET SESSION AUTHORIZATION;
SELECT is((SELECT array_agg(room_name ORDER BY room_name) FROM callout.call_log
           WHERE room_name NOT IN ('tap-room-a1', 'tap-room-a2', 'tap-room-b1', 'tap-room-b2')),
          ARRAY['tap-room-a3', 'tap-room-a4', 'tap-room-b3'],
          'exactly the three registrations that were allowed created calls');

-- ---- update_call_log as tenant A (11)

SET SESSION AUTHORIZATION callout_tap_a;
SELECT is(callout.update_call_log((SELECT id FROM tap_call WHERE name = 'A1'),
                                  '{"agent_config_id": "agent-a9", "campaign_id": "campaign-a9",
                                    "metadata": {"note": "called back"}}'),
          true, 'tenant A updates the application-owned columns of its own call');
SELECT results_eq(format('SELECT agent_config_id, campaign_id, metadata FROM callout.call_log WHERE id = %s',
                         (SELECT id FROM tap_call WHERE name = 'A1')),
                  $$VALUES ('agent-a9', 'campaign-a9', '{"note": "called back"}'::jsonb)$$,
                  'A1 carries what tenant A set');
SELECT is(callout.update_call_log((SELECT id FROM tap_call WHERE name = 'B1'),
                                  '{"metadata": {"note": "forged"}, "campaign_id": "forged"}'),
          false, 'update_call_log on tenant B''s call answers false');
SELECT is(callout.update_call_log((SELECT max(id) + 1000 FROM tap_call), '{"metadata": {}}'),
          false, 'update_call_log on a call that does not exist answers false');
SELECT throws_ok(format($$SELECT callout.update_call_log(%s, '{"status": "ended"}')$$,
                        (SELECT id FROM tap_call WHERE name = 'A2')),
                 '42501', 'column "status" of a call cannot be changed by its tenant',
                 'update_call_log refuses status');
SELECT throws_ok(format($$SELECT callout.update_call_log(%s, '{"outcome": "completed"}')$$,
                        (SELECT id FROM tap_call WHERE name = 'A2')),
                 '42501', 'column "outcome" of a call cannot be changed by its tenant',
                 'update_call_log refuses outcome');
SELECT throws_ok(format($$SELECT callout.update_call_log(%s, '{"user_id": "tenant-b"}')$$,
                        (SELECT id FROM tap_call WHERE name = 'A2')),
                 '42501', 'column "user_id" of a call cannot be changed by its tenant',
                 'update_call_log refuses user_id: A cannot hand its call to B');
SELECT throws_ok(format($$SELECT callout.update_call_log(%s, '{"user_id": "tenant-a"}')$$,
                        (SELECT id FROM tap_call WHERE name = 'B1')),
                 '42501', 'column "user_id" of a call cannot be changed by its tenant',
                 'update_call_log refuses user_id: A cannot take B''s call');
SELECT throws_ok(format($$SELECT callout.update_call_log(%s, '{"metadata": {}, "recording_url": "https://evil"}')$$,
                        (SELECT id FROM tap_call WHERE name = 'A1')),
                 '42501', 'column "recording_url" of a call cannot be changed by its tenant',
                 'update_call_log refuses a webhook-owned key even beside an allowed one');
SELECT throws_ok(format($$SELECT callout.update_call_log(%s, '{"duration_seconds": 3600}')$$,
                        (SELECT id FROM tap_call WHERE name = 'A1')),
                 '42501', 'column "duration_seconds" of a call cannot be changed by its tenant',
                 'update_call_log refuses duration_seconds');
SELECT results_eq(format('SELECT status::text, outcome::text, duration_seconds, recording_url, metadata
                          FROM callout.call_log WHERE id = %s', (SELECT id FROM tap_call WHERE name = 'A1')),
                  $$VALUES ('ended', 'completed', 187, NULL::text, '{"note": "called back"}'::jsonb)$$,
                  'the refused changes left A1 as it was');
RESET SESSION AUTHORIZATION;

-- As the superuser (1): B's calls untouched by all of A's attempts.
SELECT is((SELECT jsonb_agg(c) FROM jsonb_array_elements(pg_temp.calls_of('tenant-b')) AS c
           WHERE c->>'room_name' <> 'tap-room-b3'),
          (SELECT rows FROM tap_before WHERE user_id = 'tenant-b'),
          'after tenant A''s updates: B''s calls are exactly as before');

-- ---- update_call_log as tenant B, the gateway, the auditor (6)

SET SESSION AUTHORIZATION callout_tap_b;
SELECT is(callout.update_call_log((SELECT id FROM tap_call WHERE name = 'A1'), '{"metadata": {"by": "b"}}'),
          false, 'update_call_log by tenant B on A1 answers false');
SELECT is(callout.update_call_log((SELECT id FROM tap_call WHERE name = 'B1'), '{"metadata": {"by": "b"}}'),
          true, 'update_call_log by tenant B on B1 answers true');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_gateway;
SELECT set_config('callout.user_id', 'tenant-a', true) IS NULL AS acting \gset
SELECT is(callout.update_call_log((SELECT id FROM tap_call WHERE name = 'A2'), '{"campaign_id": "campaign-gw"}'),
          true, 'a gateway acting for A updates A2');
SELECT is(callout.update_call_log((SELECT id FROM tap_call WHERE name = 'B1'), '{"campaign_id": "campaign-gw"}'),
          false, 'a gateway acting for A cannot update B1');
SELECT set_config('callout.user_id', '', true) IS NULL AS acting \gset
SELECT is(callout.update_call_log((SELECT id FROM tap_call WHERE name = 'A2'), '{"campaign_id": "campaign-none"}'),
          false, 'a gateway acting for no tenant updates no call');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT throws_ok(format($$SELECT callout.update_call_log(%s, '{"metadata": {}}')$$,
                        (SELECT id FROM tap_call WHERE name = 'A1')),
                 '42501', 'permission denied for function update_call_log', 'the auditor cannot update calls');
RESET SESSION AUTHORIZATION;

-- As the superuser (4): each call carries exactly what its own tenant (or a gateway acting for
-- it) wrote.
SELECT results_eq($$SELECT t.name, c.agent_config_id, c.campaign_id, c.metadata
                    FROM callout.call_log AS c JOIN tap_call AS t ON t.id = c.id ORDER BY t.name$$,
                  $$VALUES ('A1', 'agent-a9', 'campaign-a9', '{"note": "called back"}'::jsonb),
                           ('A2', 'agent-a', 'campaign-gw', NULL),
                           ('B1', 'agent-b', NULL, '{"by": "b"}'),
                           ('B2', 'agent-b', NULL, NULL)$$,
                  'each call carries what only its own tenant wrote');
SELECT results_eq($$SELECT t.name, c.status::text, c.outcome::text, c.room_sid
                    FROM callout.call_log AS c JOIN tap_call AS t ON t.id = c.id ORDER BY t.name$$,
                  $$VALUES ('A1', 'ended', 'completed', 'RM_TAP_A1'), ('A2', 'registered', NULL, NULL),
                           ('B1', 'in_progress', NULL, 'RM_TAP_B1'), ('B2', 'registered', NULL, NULL)$$,
                  'no webhook-owned column changed');
SELECT is((SELECT user_id FROM callout.call_log WHERE id = (SELECT id FROM tap_call WHERE name = 'B1')),
          'tenant-b', 'B1 still belongs to tenant-b');
SELECT is((SELECT count(*)::integer FROM callout.livekit_call_event)
          + (SELECT count(*)::integer FROM callout.pending_event), 6, 'no event was written');

SELECT * FROM finish();
ROLLBACK;
