-- The row-level security policies of the tenant data (DESIGN.md §7): a read and an update
-- policy on call_log and a read policy on livekit_call_event and phone_route, each keyed on
-- user_id against (SELECT callout.current_user_id()) (evaluated once per statement), and an
-- auditor's read policy on each of the three, which applies only to the roles mapped as
-- auditors: a tenant's plan carries one equality, which an index led by user_id takes. There is
-- no INSERT or DELETE policy, so even a careless GRANT cannot let a tenant create, move or
-- delete rows.
BEGIN;
SELECT plan(31);
\ir tenants.psql

-- ---- the policies (8)

SELECT policies_are('callout', 'call_log', ARRAY['call_log_read', 'call_log_audit', 'call_log_update'],
                    'call_log has exactly a read, an auditor''s read and an update policy');
SELECT policies_are('callout', 'livekit_call_event', ARRAY['livekit_call_event_read', 'livekit_call_event_audit'],
                    'livekit_call_event has exactly a read and an auditor''s read policy');
SELECT policy_cmd_is('callout', 'call_log', 'call_log_read', 'SELECT', 'call_log_read is for SELECT');
SELECT policy_cmd_is('callout', 'call_log', 'call_log_update', 'UPDATE', 'call_log_update is for UPDATE');
SELECT policy_cmd_is('callout', 'livekit_call_event', 'livekit_call_event_read', 'SELECT',
                     'livekit_call_event_read is for SELECT');
SELECT is(ARRAY(SELECT format('%s %s %s', policyname, cmd, roles) FROM pg_catalog.pg_policies
                WHERE schemaname = 'callout' ORDER BY policyname),
          ARRAY['call_log_audit SELECT {callout_tap_auditor}', 'call_log_read SELECT {public}',
                'call_log_update UPDATE {public}',
                'livekit_call_event_audit SELECT {callout_tap_auditor}',
                'livekit_call_event_read SELECT {public}',
                'phone_route_audit SELECT {callout_tap_auditor}', 'phone_route_read SELECT {public}'],
          'the tenants'' policies apply to every role, the auditors'' to the auditor only');
SELECT is(ARRAY(SELECT format('%s USING %s WITH CHECK %s', policyname, qual, coalesce(with_check, '-'))
                FROM pg_catalog.pg_policies WHERE schemaname = 'callout' ORDER BY policyname),
          ARRAY['call_log_audit USING ( SELECT callout.is_auditor() AS is_auditor) WITH CHECK -',
                'call_log_read USING (user_id = ( SELECT callout.current_user_id() AS current_user_id)) WITH CHECK -',
                'call_log_update USING (user_id = ( SELECT callout.current_user_id() AS current_user_id)) '
                'WITH CHECK (user_id = ( SELECT callout.current_user_id() AS current_user_id))',
                'livekit_call_event_audit USING ( SELECT callout.is_auditor() AS is_auditor) WITH CHECK -',
                'livekit_call_event_read USING (user_id = ( SELECT callout.current_user_id() AS current_user_id)) WITH CHECK -',
                'phone_route_audit USING ( SELECT callout.is_auditor() AS is_auditor) WITH CHECK -',
                'phone_route_read USING (user_id = ( SELECT callout.current_user_id() AS current_user_id)) WITH CHECK -'],
          'the policies compare user_id with (SELECT callout.current_user_id()); the auditors'' ask callout.is_auditor()');
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

-- ---- a tenant's plan and the auditors' policies following tenant_role (7)

CREATE FUNCTION pg_temp.plan_of(query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF, VERBOSE) ' || query;
END
$$;
GRANT EXECUTE ON FUNCTION pg_temp.plan_of(text) TO PUBLIC;
-- a plan that reads the latest calls in order from the index, which only one equality allows
-- (on a table this small the planner would rather sort a few rows)
SET LOCAL enable_seqscan = off;
SET LOCAL enable_bitmapscan = off;
SET LOCAL enable_sort = off;
SET SESSION AUTHORIZATION callout_tap_a;
SELECT is((SELECT count(*)::integer FROM pg_temp.plan_of(
               'SELECT c.id FROM callout.calls AS c ORDER BY c.created_at DESC LIMIT 5') AS l
           WHERE l LIKE '%Index Scan Backward using call_log_tenant%'),
          1, 'a tenant''s latest calls are read backwards from its own part of call_log_tenant');
SELECT is((SELECT count(*)::integer FROM pg_temp.plan_of('SELECT c.id FROM callout.calls AS c') AS l
           WHERE l LIKE '%is_auditor%'),
          0, 'a tenant''s plan carries no auditor''s condition');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT is((SELECT count(*)::integer FROM pg_temp.plan_of('SELECT c.id FROM callout.calls AS c') AS l
           WHERE l LIKE '%is_auditor%'),
          1, 'the auditor''s plan asks callout.is_auditor()');
RESET SESSION AUTHORIZATION;
RESET enable_seqscan;
RESET enable_bitmapscan;
RESET enable_sort;
CREATE ROLE callout_tap_auditor2;
SELECT callout.map_tenant_role('callout_tap_auditor2', NULL);
SELECT is(ARRAY(SELECT format('%s %s', policyname, roles) FROM pg_catalog.pg_policies
                WHERE schemaname = 'callout' AND policyname LIKE '%audit' ORDER BY policyname),
          ARRAY['call_log_audit {callout_tap_auditor,callout_tap_auditor2}',
                'livekit_call_event_audit {callout_tap_auditor,callout_tap_auditor2}',
                'phone_route_audit {callout_tap_auditor,callout_tap_auditor2}'],
          'a role mapped as an auditor joins the auditors'' policies');
SELECT callout.map_tenant_role('callout_tap_auditor2', 'tenant-b');
SELECT is(ARRAY(SELECT format('%s %s', policyname, roles) FROM pg_catalog.pg_policies
                WHERE schemaname = 'callout' AND policyname LIKE '%audit' ORDER BY policyname),
          ARRAY['call_log_audit {callout_tap_auditor}',
                'livekit_call_event_audit {callout_tap_auditor}',
                'phone_route_audit {callout_tap_auditor}'],
          'mapped to a tenant, it leaves them');
CREATE TEMP TABLE policy_versions AS SELECT p.polname, p.xmin::text AS version FROM pg_catalog.pg_policy AS p;
SELECT callout.map_tenant_role('callout_tap_auditor2', 'tenant-a');
SELECT is((SELECT count(*)::integer FROM pg_catalog.pg_policy AS p JOIN policy_versions AS v USING (polname)
           WHERE p.xmin::text <> v.version),
          0, 'a mapping that changes no auditor alters no policy (ALTER POLICY would lock the table)');
DELETE FROM callout.tenant_role WHERE role = 'callout_tap_auditor'::regrole;
SELECT is(ARRAY(SELECT format('%s %s', policyname, roles) FROM pg_catalog.pg_policies
                WHERE schemaname = 'callout' AND policyname LIKE '%audit' ORDER BY policyname),
          ARRAY['call_log_audit {pg_database_owner}', 'livekit_call_event_audit {pg_database_owner}',
                'phone_route_audit {pg_database_owner}'],
          'a mapping deleted by hand leaves them too (and with no auditor left they name pg_database_owner, which gains nothing)');
SELECT callout.map_tenant_role('callout_tap_auditor', NULL);

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
