-- The row-level security policies of the tenant data (DESIGN.md §7): exactly a read and an
-- update policy on call_log and a read policy on livekit_call_event, each keyed on user_id
-- against (SELECT callout.current_user_id()) (evaluated once per statement), the read policies
-- opening every row to the auditor only. There is no INSERT or DELETE policy, so even a careless
-- GRANT cannot let a tenant create, move or delete rows.
BEGIN;
SELECT plan(24);
\ir tenants.psql

-- ---- the policies (8)

SELECT policies_are('callout', 'call_log', ARRAY['call_log_read', 'call_log_update'],
                    'call_log has exactly a read and an update policy');
SELECT policies_are('callout', 'livekit_call_event', ARRAY['livekit_call_event_read'],
                    'livekit_call_event has exactly a read policy');
SELECT policy_cmd_is('callout', 'call_log', 'call_log_read', 'SELECT', 'call_log_read is for SELECT');
SELECT policy_cmd_is('callout', 'call_log', 'call_log_update', 'UPDATE', 'call_log_update is for UPDATE');
SELECT policy_cmd_is('callout', 'livekit_call_event', 'livekit_call_event_read', 'SELECT',
                     'livekit_call_event_read is for SELECT');
SELECT is(ARRAY(SELECT format('%s %s', policyname, roles) FROM pg_catalog.pg_policies
                WHERE schemaname = 'callout' ORDER BY policyname),
          ARRAY['call_log_read {public}', 'call_log_update {public}', 'livekit_call_event_read {public}',
                'phone_route_read {public}'],
          'every policy applies to every role');
SELECT is(ARRAY(SELECT format('%s USING %s WITH CHECK %s', policyname, qual, coalesce(with_check, '-'))
                FROM pg_catalog.pg_policies WHERE schemaname = 'callout' ORDER BY policyname),
          ARRAY['call_log_read USING ((user_id = ( SELECT callout.current_user_id() AS current_user_id)) '
                'OR ( SELECT callout.is_auditor() AS is_auditor)) WITH CHECK -',
                'call_log_update USING (user_id = ( SELECT callout.current_user_id() AS current_user_id)) '
                'WITH CHECK (user_id = ( SELECT callout.current_user_id() AS current_user_id))',
                'livekit_call_event_read USING ((user_id = ( SELECT callout.current_user_id() AS current_user_id)) '
                'OR ( SELECT callout.is_auditor() AS is_auditor)) WITH CHECK -',
                'phone_route_read USING ((user_id = ( SELECT callout.current_user_id() AS current_user_id)) '
                'OR ( SELECT callout.is_auditor() AS is_auditor)) WITH CHECK -'],
          'the policies compare user_id with (SELECT callout.current_user_id()); only reads open to the auditor');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_catalog.pg_class AS c
                WHERE c.relnamespace = 'callout'::regnamespace AND c.relkind = 'r'
                  AND (c.relrowsecurity AND c.relforcerowsecurity) IS DISTINCT FROM true
                  AND EXISTS (SELECT FROM unnest(ARRAY['public', 'callout_tap_a', 'callout_tap_b', 'callout_tap_gateway',
                                                       'callout_tap_auditor', 'callout_tap_webhook',
                                                       'callout_tap_nobody']) AS r (role)
                              WHERE has_table_privilege(r.role, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, '
                                                                       'REFERENCES, TRIGGER'))
                ORDER BY 1),
          ARRAY[]::text[], 'no role but the owner can reach a table without row-level security enabled and forced');

-- ---- a careless grant: tenant A given INSERT and DELETE on both tables (8)

GRANT INSERT, DELETE ON callout.call_log, callout.livekit_call_event TO callout_tap_a;
GRANT UPDATE ON callout.call_log TO callout_tap_a;
SET SESSION AUTHORIZATION callout_tap_a;
SELECT throws_ok($$INSERT INTO callout.call_log (user_id, room_name, direction) VALUES ('tenant-a', 'tap-room-x', 'inbound')$$,
                 '42501', 'new row violates row-level security policy for table "call_log"',
                 'granted INSERT, tenant A still cannot insert a call for itself (no INSERT policy)');
SELECT throws_ok($$INSERT INTO callout.call_log (user_id, room_name, direction) VALUES ('tenant-b', 'tap-room-x', 'inbound')$$,
                 '42501', 'new row violates row-level security policy for table "call_log"',
                 'granted INSERT, tenant A still cannot insert a call for tenant B');
SELECT throws_ok($$INSERT INTO callout.livekit_call_event (event_id, user_id, event_type, room_name, body_sha256)
                   VALUES ('EV_FORGED', 'tenant-a', 'room_finished', 'tap-room-a2', '\x00')$$,
                 '42501', 'new row violates row-level security policy for table "livekit_call_event"',
                 'granted INSERT, tenant A still cannot insert an event');
SELECT is(pg_temp.affected('DELETE FROM callout.call_log'), 0::bigint,
          'granted DELETE, tenant A deletes no call, not even its own (no DELETE policy)');
SELECT is(pg_temp.affected('DELETE FROM callout.livekit_call_event'), 0::bigint,
          'granted DELETE, tenant A deletes no event');
SELECT throws_ok(format($$UPDATE callout.call_log SET user_id = 'tenant-b' WHERE id = %s$$,
                        (SELECT id FROM tap_call WHERE name = 'A2')),
                 '42501', 'new row violates row-level security policy for table "call_log"',
                 'granted UPDATE on every column, tenant A still cannot hand its call to tenant B (WITH CHECK)');
SELECT is(pg_temp.affected(format($$UPDATE callout.call_log SET user_id = 'tenant-a' WHERE id = %s$$,
                                  (SELECT id FROM tap_call WHERE name = 'B1'))),
          0::bigint, 'granted UPDATE on every column, tenant A still cannot take B''s call');
SELECT is(pg_temp.affected(format($$UPDATE callout.call_log SET status = 'expired' WHERE id = %s$$,
                                  (SELECT id FROM tap_call WHERE name = 'A2'))),
          1::bigint, 'granted UPDATE on every column, tenant A can change its own call''s status: column grants are the guard');
RESET SESSION AUTHORIZATION;

-- ---- the auditor given UPDATE and DELETE still changes nothing (the update policy is the
-- tenant's; the auditor is no tenant) (3)

GRANT UPDATE, DELETE ON callout.call_log TO callout_tap_auditor;
SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT is(pg_temp.affected($$UPDATE callout.call_log SET metadata = '{"by": "auditor"}'$$), 0::bigint,
          'granted UPDATE, the auditor updates no call');
SELECT is(pg_temp.affected('DELETE FROM callout.call_log'), 0::bigint, 'granted DELETE, the auditor deletes no call');
SELECT is((SELECT count(*)::integer FROM callout.call_log), 4, 'the auditor still reads the four calls');
RESET SESSION AUTHORIZATION;

-- ---- afterwards, as the superuser (5)

SELECT is((SELECT count(*)::integer FROM callout.call_log), 4, 'still four calls');
SELECT is((SELECT count(*)::integer FROM callout.livekit_call_event)
          + (SELECT count(*)::integer FROM callout.pending_event), 6, 'still six events');
SELECT is((SELECT array_agg(user_id ORDER BY id) FROM callout.call_log),
          ARRAY['tenant-a', 'tenant-a', 'tenant-b', 'tenant-b'], 'every call still belongs to its tenant');
SELECT is((SELECT count(*)::integer FROM callout.call_log WHERE metadata ? 'by'), 0,
          'no call carries the auditor''s metadata');
SELECT is((SELECT status::text FROM callout.call_log WHERE id = (SELECT id FROM tap_call WHERE name = 'A2')),
          'expired', 'the one change that went through is tenant A''s own');

SELECT * FROM finish();
ROLLBACK;
