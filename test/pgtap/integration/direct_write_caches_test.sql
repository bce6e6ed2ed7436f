-- What a backend keeps for the delivery path (the relations and columns it finds by name, a
-- table's CHECK constraints as read from their text; DESIGN.md §4, direct writes) follows every
-- change: a delivery does what an INSERT or UPDATE statement does, in a savepoint rolled back,
-- after a rename, and when a BEFORE trigger replaces a function a constraint calls.
BEGIN;
SELECT plan(16);

SET LOCAL callout.verify_at = '2026-01-01 12:00:00+00';
SELECT callout.add_signing_key('APIcache', 'cache-secret-of-at-least-32-characters-long');

CREATE FUNCTION pg_temp.leave(id text, room text, reason text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    body text := json_build_object(
        'event', 'participant_left', 'id', id, 'createdAt', '1767268790',
        'room', json_build_object('sid', 'RM_' || room, 'name', room, 'creationTime', '1767268500'),
        'participant', json_build_object(
            'identity', 'lead', 'kind', 'SIP', 'joinedAt', '1767268600', 'disconnectReason', reason,
            'attributes', json_build_object('sip.callStatus', 'hangup')))::text;
    answer callout.webhook_result;
BEGIN
    answer := callout.process_livekit_webhook(
        body, livekit_test.livekit_token(body, 'APIcache', 'cache-secret-of-at-least-32-characters-long',
                                         1767268800));
    RETURN answer.status || coalesce('/' || answer.outcome, '');
END
$$;

-- a first delivery: the backend keeps the relations, columns and constraints it found
SELECT callout.register_call('tenant-cache', 'cache-room-0', 'outbound') AS call_0 \gset
SELECT is(pg_temp.leave('EV_cache_0', 'cache-room-0', 'CLIENT_INITIATED'), 'processed/completed',
          'a first delivery is processed');

-- 1. A CHECK constraint whose (inlinable SQL) function a BEFORE INSERT row trigger replaces: an
-- INSERT plans its CHECK constraints at the first row's check, after the row's BEFORE triggers,
-- so the replacement decides. Shown first with a statement on a table of the test's own, then
-- with a delivery.
CREATE FUNCTION public.cache_room_allowed(room text) RETURNS boolean LANGUAGE sql
AS $$ SELECT true $$;
CREATE FUNCTION pg_temp.tighten_room_rule() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE $f$CREATE OR REPLACE FUNCTION public.cache_room_allowed(room text) RETURNS boolean
               LANGUAGE sql AS $b$ SELECT room NOT LIKE 'cache-refused%' $b$ $f$;
    RETURN NEW;
END
$$;
CREATE TABLE public.cache_statement_rows (room_name text CHECK (public.cache_room_allowed(room_name)));
CREATE TRIGGER tighten BEFORE INSERT ON public.cache_statement_rows
    FOR EACH ROW EXECUTE FUNCTION pg_temp.tighten_room_rule();
SELECT throws_ok($$INSERT INTO public.cache_statement_rows VALUES ('cache-refused-statement')$$, '23514',
                 NULL, 'an INSERT statement: the function as its BEFORE trigger replaced it refuses the row');

CREATE OR REPLACE FUNCTION public.cache_room_allowed(room text) RETURNS boolean LANGUAGE sql
AS $$ SELECT true $$;
ALTER TABLE callout.livekit_call_event ADD CONSTRAINT dba_room_allowed
    CHECK (public.cache_room_allowed(room_name));
CREATE TRIGGER dba_tighten BEFORE INSERT ON callout.livekit_call_event
    FOR EACH ROW EXECUTE FUNCTION pg_temp.tighten_room_rule();
SELECT callout.register_call('tenant-cache', 'cache-refused-1', 'outbound') AS call_1 \gset
SELECT throws_ok($$SELECT pg_temp.leave('EV_cache_1', 'cache-refused-1', 'CLIENT_INITIATED')$$, '23514',
                 NULL, 'a delivery: the function as the event''s BEFORE INSERT trigger replaced it refuses the event, as for an INSERT');
SELECT is((SELECT count(*) FROM callout.livekit_call_event WHERE event_id = 'EV_cache_1'), 0::bigint,
          'and the event is not stored');
DROP TRIGGER dba_tighten ON callout.livekit_call_event;
ALTER TABLE callout.livekit_call_event DROP CONSTRAINT dba_room_allowed;

-- 2. The same on the call's row, with a BEFORE UPDATE row trigger of call_log
CREATE OR REPLACE FUNCTION public.cache_room_allowed(room text) RETURNS boolean LANGUAGE sql
AS $$ SELECT true $$;
ALTER TABLE callout.call_log ADD CONSTRAINT dba_room_allowed
    CHECK (public.cache_room_allowed(room_name)) NOT VALID;
CREATE TRIGGER dba_tighten BEFORE UPDATE ON callout.call_log
    FOR EACH ROW EXECUTE FUNCTION pg_temp.tighten_room_rule();
SELECT callout.register_call('tenant-cache', 'cache-refused-2', 'outbound') AS call_2 \gset
SELECT throws_ok($$SELECT pg_temp.leave('EV_cache_2', 'cache-refused-2', 'CLIENT_INITIATED')$$, '23514',
                 NULL, 'a delivery: the function as the call''s BEFORE UPDATE trigger replaced it refuses the call''s row, as for an UPDATE');
DROP TRIGGER dba_tighten ON callout.call_log;
ALTER TABLE callout.call_log DROP CONSTRAINT dba_room_allowed;

-- 3. Two CHECK constraints whose names are swapped (the relcache orders them by name): the one
-- that refuses is named as it now is
ALTER TABLE callout.livekit_call_event
    ADD CONSTRAINT dba_a CHECK (room_name <> 'cache-room-3'),
    ADD CONSTRAINT dba_b CHECK (true);
SELECT callout.register_call('tenant-cache', 'cache-room-3', 'outbound') AS call_3 \gset
SELECT throws_ok($$SELECT pg_temp.leave('EV_cache_3', 'cache-room-3', 'CLIENT_INITIATED')$$, '23514',
                 'new row for relation "livekit_call_event" violates check constraint "dba_a"',
                 'the refusing constraint is named');
ALTER TABLE callout.livekit_call_event RENAME CONSTRAINT dba_a TO dba_c;
SELECT throws_ok($$SELECT pg_temp.leave('EV_cache_3', 'cache-room-3', 'CLIENT_INITIATED')$$, '23514',
                 'new row for relation "livekit_call_event" violates check constraint "dba_c"',
                 'once renamed (now after the other by name), it is named as it now is');
ALTER TABLE callout.livekit_call_event DROP CONSTRAINT dba_b, DROP CONSTRAINT dba_c;

-- 4. Two columns a delivery writes swapped by name inside a savepoint, a delivery, then the
-- savepoint rolled back: the next delivery writes the columns by their names again
SAVEPOINT swapped;
ALTER TABLE callout.livekit_call_event RENAME COLUMN disconnect_reason TO dba_tmp;
ALTER TABLE callout.livekit_call_event RENAME COLUMN sip_call_status TO disconnect_reason;
ALTER TABLE callout.livekit_call_event RENAME COLUMN dba_tmp TO sip_call_status;
SELECT callout.register_call('tenant-cache', 'cache-room-4', 'outbound') AS call_4 \gset
SELECT is(pg_temp.leave('EV_cache_4', 'cache-room-4', 'CLIENT_INITIATED'), 'processed/completed',
          'a delivery with two of its columns swapped by name');
ROLLBACK TO SAVEPOINT swapped;
SELECT callout.register_call('tenant-cache', 'cache-room-5', 'outbound') AS call_5 \gset
SELECT is(pg_temp.leave('EV_cache_5', 'cache-room-5', 'CLIENT_INITIATED'), 'processed/completed',
          'after the savepoint is rolled back, a delivery is processed');
SELECT is((SELECT disconnect_reason || ' ' || sip_call_status FROM callout.livekit_call_event
           WHERE event_id = 'EV_cache_5'),
          'CLIENT_INITIATED hangup', 'and writes each column by its name');

-- 5. An index a delivery reads made again inside a savepoint, a delivery, then the savepoint
-- rolled back (the new index is gone with it): the next delivery finds the index by its name
SAVEPOINT remade;
DROP INDEX callout.call_log_room_sid;
CREATE UNIQUE INDEX call_log_room_sid ON callout.call_log (room_sid, user_id) WHERE room_sid IS NOT NULL;
SELECT callout.register_call('tenant-cache', 'cache-room-6', 'outbound') AS call_6 \gset
SELECT is(pg_temp.leave('EV_cache_6', 'cache-room-6', 'CLIENT_INITIATED'), 'processed/completed',
          'a delivery after the index is made again in a savepoint');
ROLLBACK TO SAVEPOINT remade;
SELECT callout.register_call('tenant-cache', 'cache-room-7', 'outbound') AS call_7 \gset
SELECT is(pg_temp.leave('EV_cache_7', 'cache-room-7', 'CLIENT_INITIATED'), 'processed/completed',
          'after the savepoint is rolled back, a delivery finds the index it reads');

-- 6. A CHECK constraint added inside a savepoint refuses a delivery there; once the savepoint is
-- rolled back (the constraint gone with it), the same delivery is processed
SELECT callout.register_call('tenant-cache', 'cache-room-8', 'outbound') AS call_8 \gset
SAVEPOINT constrained;
ALTER TABLE callout.livekit_call_event ADD CONSTRAINT dba_savepoint CHECK (room_name <> 'cache-room-8');
SELECT throws_ok($$SELECT pg_temp.leave('EV_cache_8', 'cache-room-8', 'CLIENT_INITIATED')$$, '23514',
                 NULL, 'a constraint added in a savepoint refuses');
ROLLBACK TO SAVEPOINT constrained;
SELECT is(pg_temp.leave('EV_cache_8', 'cache-room-8', 'CLIENT_INITIATED'), 'processed/completed',
          'once the savepoint is rolled back, the same delivery is processed');

-- 7. The (inlinable) function of a CHECK constraint replaced between two deliveries of one
-- transaction: the second delivery follows the replacement
CREATE OR REPLACE FUNCTION public.cache_room_allowed(room text) RETURNS boolean LANGUAGE sql
AS $$ SELECT true $$;
ALTER TABLE callout.livekit_call_event ADD CONSTRAINT dba_room_allowed
    CHECK (public.cache_room_allowed(room_name));
SELECT callout.register_call('tenant-cache', 'cache-refused-9', 'outbound') AS call_9 \gset
SELECT callout.register_call('tenant-cache', 'cache-refused-10', 'outbound') AS call_10 \gset
SELECT is(pg_temp.leave('EV_cache_9', 'cache-refused-9', 'CLIENT_INITIATED'), 'processed/completed',
          'a delivery the constraint''s function allows');
CREATE OR REPLACE FUNCTION public.cache_room_allowed(room text) RETURNS boolean LANGUAGE sql
AS $$ SELECT room NOT LIKE 'cache-refused%' $$;
SELECT throws_ok($$SELECT pg_temp.leave('EV_cache_10', 'cache-refused-10', 'CLIENT_INITIATED')$$, '23514',
                 NULL, 'once the function is replaced, the next delivery is refused');
ALTER TABLE callout.livekit_call_event DROP CONSTRAINT dba_room_allowed;

SELECT * FROM finish();
ROLLBACK;
