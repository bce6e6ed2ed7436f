-- An event holds its call as the foreign key of 0.3.0 did (DESIGN.md, Decisions): no statement
-- leaves an event naming a call that does not exist, whoever runs it, and what the foreign key
-- allowed stays allowed.
--   * a call's id changed (GENERATED ALWAYS still takes SET id = DEFAULT), by the superuser or by
--     a tenant given UPDATE on every column of call_log;
--   * TRUNCATE of call_log by a role given TRUNCATE whose row-level security hides the events
--     (the check must not depend on what the truncating role may read);
--   * a role that bypasses row-level security, given DELETE on call_log but no SELECT on the
--     events, deletes a call that holds none (a foreign key's check runs as the table's owner).
BEGIN;
SELECT plan(8);
\ir tenants.psql

CREATE FUNCTION pg_temp.dangling() RETURNS bigint
LANGUAGE sql
AS $$
    SELECT count(*) FROM callout.livekit_call_event AS e
    WHERE e.call_log_id IS NOT NULL
      AND NOT EXISTS (SELECT FROM callout.call_log AS c WHERE c.id = e.call_log_id)
$$;

-- ---- a call's id changed while events hold it (3)

SELECT throws_ok($$UPDATE callout.call_log SET id = DEFAULT WHERE room_name = 'tap-room-a1'$$,
                 '23503', NULL, 'the superuser cannot move a call that holds events to a new id');
SELECT is(pg_temp.dangling(), 0::bigint, 'no event names a call that does not exist');

GRANT UPDATE ON callout.call_log TO callout_tap_a;
SET SESSION AUTHORIZATION callout_tap_a;
SELECT throws_ok($$UPDATE callout.call_log SET id = DEFAULT WHERE room_name = 'tap-room-a1'$$,
                 '23503', NULL,
                 'granted UPDATE on every column, tenant A cannot move its call away from its events');
RESET SESSION AUTHORIZATION;

-- ---- what the foreign key allowed (1)

CREATE ROLE callout_tap_maintainer BYPASSRLS;
GRANT USAGE ON SCHEMA callout TO callout_tap_maintainer;
GRANT SELECT, DELETE ON callout.call_log TO callout_tap_maintainer;
SET ROLE callout_tap_maintainer;
SELECT lives_ok(format('DELETE FROM callout.call_log WHERE id = %s', (SELECT id FROM tap_call WHERE name = 'A2')),
                'a role that bypasses row-level security deletes a call that holds no event without reading the events');
RESET ROLE;

-- ---- TRUNCATE by a role whose row-level security hides the events (4)

GRANT TRUNCATE ON callout.call_log TO callout_tap_gateway;
SET SESSION AUTHORIZATION callout_tap_gateway;
SELECT is((SELECT count(*) FROM callout.livekit_call_event), 0::bigint,
          'a gateway acting for no tenant reads no event');
SELECT throws_ok('TRUNCATE callout.call_log', '23503', NULL,
                 'granted TRUNCATE, it still cannot truncate the calls that events hold');
RESET SESSION AUTHORIZATION;
SELECT ok((SELECT count(*) FROM callout.call_log) > 0, 'the calls are still there');

GRANT TRUNCATE ON callout.call_log TO callout_tap_b;
DELETE FROM callout.livekit_call_event WHERE user_id = 'tenant-b';
SET SESSION AUTHORIZATION callout_tap_b;
SELECT throws_ok('TRUNCATE callout.call_log', '23503', NULL,
                 'granted TRUNCATE, tenant B (holding no event) cannot truncate tenant A''s calls away from their events');
RESET SESSION AUTHORIZATION;

SELECT * FROM finish();
ROLLBACK;
