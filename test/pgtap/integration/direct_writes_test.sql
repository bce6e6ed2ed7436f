-- A delivery writes its event and its call's row without a statement (DESIGN.md §4, direct
-- writes), as logical replication applies a row: what a DBA adds to callout's tables still holds
-- for those writes. Row triggers fire (an UPDATE OF trigger by the columns a delivery writes,
-- and only those), a CHECK constraint refuses the row and nothing of the delivery stays, a
-- column's default is filled in, and the columns callout does not own keep their values. What a
-- backend keeps for these writes (the relations and columns it finds by name, a table's CHECK
-- constraints as read from their text) follows every change: a delivery does what an INSERT or
-- UPDATE statement does after a rename, in a savepoint rolled back, and when a BEFORE trigger
-- replaces a function a constraint calls.
BEGIN;
SELECT plan(52);

SET LOCAL callout.verify_at = '2026-01-01 12:00:00+00';
SELECT callout.add_signing_key('APIdirect', 'direct-secret-of-at-least-32-characters');

-- The leave of room's phone leg, delivered with the key above: the answer's status and outcome.
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
        body, livekit_test.livekit_token(body, 'APIdirect', 'direct-secret-of-at-least-32-characters',
                                         1767268800));
    RETURN answer.status || coalesce('/' || answer.outcome, '');
END
$$;

CREATE TABLE pg_temp.seen (what text, call_id bigint, detail text);
CREATE FUNCTION pg_temp.note_outcome() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pg_temp.seen VALUES (TG_WHEN || ' ' || TG_OP || ' ' || TG_TABLE_NAME, NEW.id,
                                     coalesce(OLD.outcome::text, '-') || ' > ' || NEW.outcome);
    RETURN NEW;
END
$$;
CREATE FUNCTION pg_temp.note_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pg_temp.seen VALUES (TG_WHEN || ' ' || TG_OP || ' ' || TG_TABLE_NAME,
                                     NEW.call_log_id, NEW.event_id);
    RETURN NEW;
END
$$;
CREATE FUNCTION pg_temp.note_metadata() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pg_temp.seen VALUES ('metadata', NEW.id, NULL);
    RETURN NEW;
END
$$;
CREATE TRIGGER dba_outcome AFTER UPDATE OF outcome ON callout.call_log
    FOR EACH ROW EXECUTE FUNCTION pg_temp.note_outcome();
CREATE TRIGGER dba_before BEFORE UPDATE OF status ON callout.call_log
    FOR EACH ROW EXECUTE FUNCTION pg_temp.note_outcome();
CREATE TRIGGER dba_event AFTER INSERT ON callout.livekit_call_event
    FOR EACH ROW EXECUTE FUNCTION pg_temp.note_event();
CREATE TRIGGER dba_metadata AFTER UPDATE OF metadata ON callout.call_log
    FOR EACH ROW EXECUTE FUNCTION pg_temp.note_metadata();
-- a column of the DBA's own, filled in by its default
ALTER TABLE callout.livekit_call_event ADD COLUMN dba_note text DEFAULT 'default-' || 'note';

SELECT callout.register_call('tenant-direct', 'direct-room-1', 'outbound') AS call_1 \gset
UPDATE callout.call_log SET metadata = '{"lead": 7}' WHERE id = :call_1;
DELETE FROM pg_temp.seen;

SELECT is(pg_temp.leave('EV_direct_1', 'direct-room-1', 'CLIENT_INITIATED'), 'processed/completed',
          'a delivery with DBA triggers on both tables is processed');
SELECT results_eq(
    $$SELECT what, detail FROM pg_temp.seen ORDER BY what$$,
    $$VALUES ('AFTER INSERT livekit_call_event', 'EV_direct_1'),
             ('AFTER UPDATE call_log', '- > completed'),
             ('BEFORE UPDATE call_log', '- > completed')$$,
    'the row triggers fire: after the event''s insert, before and after the call''s update');
SELECT is((SELECT count(*) FROM pg_temp.seen WHERE call_id = :call_1 AND what LIKE '% call_log'), 2::bigint,
          'the call''s triggers see the call');
SELECT is((SELECT count(*) FROM pg_temp.seen WHERE what = 'metadata'), 0::bigint,
          'an UPDATE OF trigger on a column a delivery does not write does not fire');
SELECT is((SELECT metadata FROM callout.call_log WHERE id = :call_1), '{"lead": 7}'::jsonb,
          'the columns callout does not own keep their values');
SELECT is((SELECT dba_note FROM callout.livekit_call_event WHERE event_id = 'EV_direct_1'), 'default-note',
          'a column callout does not write gets its default');
SELECT ok((SELECT received_at = now() AND id IS NOT NULL FROM callout.livekit_call_event
           WHERE event_id = 'EV_direct_1'),
          'the event''s arrival and id are their defaults');

-- a constraint of the DBA's refuses the row, and the delivery leaves nothing
ALTER TABLE callout.call_log ADD CONSTRAINT dba_no_busy CHECK (outcome IS DISTINCT FROM 'busy');
SELECT callout.register_call('tenant-direct', 'direct-room-2', 'outbound') AS call_2 \gset
SELECT throws_ok($$SELECT pg_temp.leave('EV_direct_2', 'direct-room-2', 'USER_REJECTED')$$, '23514',
                 NULL, 'a CHECK constraint of call_log refuses a delivery''s row');
SELECT is((SELECT count(*) FROM callout.livekit_call_event WHERE event_id = 'EV_direct_2'), 0::bigint,
          'and its event is not kept');
SELECT is((SELECT status::text FROM callout.call_log WHERE id = :call_2), 'registered',
          'nor any change to its call');

-- a constraint of the DBA's on the events (a leave has no egress status) refuses the event itself
ALTER TABLE callout.livekit_call_event ADD CONSTRAINT dba_egress CHECK (egress_status IS NOT NULL) NOT VALID;
SELECT callout.register_call('tenant-direct', 'direct-room-3', 'outbound') AS call_3 \gset
SELECT throws_ok($$SELECT pg_temp.leave('EV_direct_3', 'direct-room-3', 'CLIENT_INITIATED')$$, '23514',
                 NULL, 'a CHECK constraint of the events refuses a delivery''s event');
SELECT is((SELECT status::text FROM callout.call_log WHERE id = :call_3), 'registered',
          'and its call is unchanged');

-- generated columns of the DBA's: an event's is computed as the event is stored, and a call's
-- again from the row a delivery writes, as INSERT and UPDATE compute them
ALTER TABLE callout.livekit_call_event DROP CONSTRAINT dba_egress;
ALTER TABLE callout.livekit_call_event
    ADD COLUMN dba_kind text GENERATED ALWAYS AS (lower(participant_kind)) STORED;
ALTER TABLE callout.call_log ADD COLUMN dba_ended boolean GENERATED ALWAYS AS (status = 'ended') STORED;
SELECT callout.register_call('tenant-direct', 'direct-room-4', 'outbound') AS call_4 \gset
SELECT is(pg_temp.leave('EV_direct_4', 'direct-room-4', 'CLIENT_INITIATED'), 'processed/completed',
          'a delivery to tables with generated columns is processed');
SELECT is((SELECT dba_kind FROM callout.livekit_call_event WHERE event_id = 'EV_direct_4'), 'sip',
          'the event''s generated column is computed from the event stored');
SELECT is((SELECT dba_ended FROM callout.call_log WHERE id = :call_4), true,
          'the call''s generated column is computed from the row written');

-- an AFTER INSERT trigger of the DBA's on the events that writes the event's call: it runs after
-- the delivery wrote the call's row, as when one statement wrote both
ALTER TABLE callout.call_log ADD COLUMN dba_last_event text;
CREATE FUNCTION pg_temp.note_last_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE callout.call_log SET dba_last_event = NEW.event_id WHERE id = NEW.call_log_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER dba_last_event AFTER INSERT ON callout.livekit_call_event
    FOR EACH ROW EXECUTE FUNCTION pg_temp.note_last_event();
SELECT callout.register_call('tenant-direct', 'direct-room-5', 'outbound') AS call_5 \gset
SELECT is(pg_temp.leave('EV_direct_5', 'direct-room-5', 'CLIENT_INITIATED'), 'processed/completed',
          'a delivery whose event''s AFTER INSERT trigger updates its call is processed');
SELECT is((SELECT status || ' ' || outcome || ' ' || dba_last_event FROM callout.call_log WHERE id = :call_5),
          'ended completed EV_direct_5', 'the call holds both the delivery''s row and the trigger''s change');

-- a BEFORE INSERT trigger of the DBA's that skips an event: the event is not stored, so its call
-- is not written from it; the delivery fails, as when a statement stored nothing
CREATE FUNCTION pg_temp.skip_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RETURN NULL;
END
$$;
CREATE TRIGGER dba_skip BEFORE INSERT ON callout.livekit_call_event
    FOR EACH ROW WHEN (NEW.event_id = 'EV_direct_6') EXECUTE FUNCTION pg_temp.skip_event();
SELECT callout.register_call('tenant-direct', 'direct-room-6', 'outbound') AS call_6 \gset
SELECT throws_ok($$SELECT pg_temp.leave('EV_direct_6', 'direct-room-6', 'CLIENT_INITIATED')$$, 'XX000',
                 'event EV_direct_6 was neither stored nor found',
                 'a delivery whose event a BEFORE INSERT trigger skips is not processed');
SELECT is((SELECT status::text FROM callout.call_log WHERE id = :call_6), 'registered',
          'and its call is not written from it');

-- a column's default that calls a function of the DBA's: the function replaced, the next event
-- takes the new default, as an INSERT would
CREATE FUNCTION public.dba_direct_source() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'first' $$;
ALTER TABLE callout.livekit_call_event ADD COLUMN dba_source text DEFAULT public.dba_direct_source();
SELECT callout.register_call('tenant-direct', 'direct-room-7', 'outbound') AS call_7 \gset
SELECT callout.register_call('tenant-direct', 'direct-room-8', 'outbound') AS call_8 \gset
SELECT is(pg_temp.leave('EV_direct_7', 'direct-room-7', 'CLIENT_INITIATED'), 'processed/completed',
          'a delivery to a table with a default of a function of the DBA''s is processed');
CREATE OR REPLACE FUNCTION public.dba_direct_source() RETURNS text LANGUAGE sql STABLE
AS $$ SELECT 'second' $$;
SELECT is(pg_temp.leave('EV_direct_8', 'direct-room-8', 'CLIENT_INITIATED'), 'processed/completed',
          'and after the function is replaced');
SELECT is((SELECT dba_source FROM callout.livekit_call_event WHERE event_id = 'EV_direct_7'), 'first',
          'a default of the DBA''s function is filled in');
SELECT is((SELECT dba_source FROM callout.livekit_call_event WHERE event_id = 'EV_direct_8'), 'second',
          'and once the function is replaced, the replacement''s');

-- a BEFORE UPDATE trigger of the DBA's that updates the row being written: refused as an UPDATE
-- refuses it (27000), and the delivery leaves nothing
CREATE FUNCTION pg_temp.touch_own_row() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE callout.call_log SET metadata = '{"touched": true}' WHERE id = NEW.id;
    RETURN NEW;
END
$$;
CREATE TRIGGER dba_touch BEFORE UPDATE OF outcome ON callout.call_log
    FOR EACH ROW WHEN (NEW.room_name = 'direct-room-9') EXECUTE FUNCTION pg_temp.touch_own_row();
SELECT callout.register_call('tenant-direct', 'direct-room-9', 'outbound') AS call_9 \gset
SELECT throws_ok($$SELECT pg_temp.leave('EV_direct_9', 'direct-room-9', 'CLIENT_INITIATED')$$, '27000',
                 NULL, 'a BEFORE UPDATE trigger that updates the call row it is given is refused as for an UPDATE');
SELECT is((SELECT count(*) FROM callout.livekit_call_event WHERE event_id = 'EV_direct_9'), 0::bigint,
          'and that delivery''s event is not kept');

-- row triggers that read their transition tables (REFERENCING NEW TABLE) see the row written
-- (the trigger above that updates the call again is dropped: its UPDATE would fire them too)
DROP TRIGGER dba_last_event ON callout.livekit_call_event;
CREATE TABLE pg_temp.transitions (what text, rows_seen bigint);
CREATE FUNCTION pg_temp.count_new_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pg_temp.transitions SELECT TG_TABLE_NAME, count(*) FROM new_rows;
    RETURN NULL;
END
$$;
CREATE TRIGGER dba_new_calls AFTER UPDATE ON callout.call_log REFERENCING NEW TABLE AS new_rows
    FOR EACH ROW EXECUTE FUNCTION pg_temp.count_new_rows();
CREATE TRIGGER dba_new_events AFTER INSERT ON callout.livekit_call_event REFERENCING NEW TABLE AS new_rows
    FOR EACH ROW EXECUTE FUNCTION pg_temp.count_new_rows();
SELECT callout.register_call('tenant-direct', 'direct-room-10', 'outbound') AS call_10 \gset
DELETE FROM pg_temp.transitions;
SELECT is(pg_temp.leave('EV_direct_10', 'direct-room-10', 'CLIENT_INITIATED'), 'processed/completed',
          'a delivery to tables whose row triggers read transition tables is processed');
SELECT results_eq($$SELECT what, rows_seen FROM pg_temp.transitions ORDER BY what$$,
                  $$VALUES ('call_log', 1::bigint), ('livekit_call_event', 1::bigint)$$,
                  'each trigger''s transition table holds the one row written');
DROP TRIGGER dba_new_calls ON callout.call_log;
DROP TRIGGER dba_new_events ON callout.livekit_call_event;
SELECT is((SELECT outcome::text FROM callout.call_log WHERE id = :call_10), 'completed',
          'and the call holds its outcome');

-- a BEFORE INSERT trigger of the DBA's fires for a duplicate too, before its key is found taken,
-- as for INSERT ... ON CONFLICT DO NOTHING
CREATE TABLE pg_temp.before_inserts (event_id text);
CREATE FUNCTION pg_temp.note_before_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pg_temp.before_inserts VALUES (NEW.event_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER dba_before_insert BEFORE INSERT ON callout.livekit_call_event
    FOR EACH ROW WHEN (NEW.event_id = 'EV_direct_11') EXECUTE FUNCTION pg_temp.note_before_insert();
SELECT callout.register_call('tenant-direct', 'direct-room-11', 'outbound') AS call_11 \gset
SELECT is(pg_temp.leave('EV_direct_11', 'direct-room-11', 'CLIENT_INITIATED') || ' '
          || pg_temp.leave('EV_direct_11', 'direct-room-11', 'CLIENT_INITIATED'),
          'processed/completed duplicate/completed', 'an event delivered twice is stored once');
SELECT is((SELECT count(*) FROM pg_temp.before_inserts), 2::bigint,
          'a BEFORE INSERT trigger fires for each delivery of it, as for INSERT ... ON CONFLICT');
DROP TRIGGER dba_before_insert ON callout.livekit_call_event;

-- a CHECK constraint of the events replaced by another (as many constraints as before): the one
-- now on the table refuses, though the backend kept what it had read of the one before (read
-- again after the function change below, whatever else it follows)
ALTER TABLE callout.livekit_call_event ADD CONSTRAINT dba_room CHECK (room_name <> 'direct-room-12');
CREATE FUNCTION pg_temp.changed_once() RETURNS int LANGUAGE sql AS 'SELECT 1';
SELECT callout.register_call('tenant-direct', 'direct-room-12', 'outbound') AS call_12 \gset
SELECT callout.register_call('tenant-direct', 'direct-room-13', 'outbound') AS call_13 \gset
SELECT throws_ok($$SELECT pg_temp.leave('EV_direct_12', 'direct-room-12', 'CLIENT_INITIATED')$$, '23514',
                 NULL, 'a CHECK constraint of the events refuses the event it names');
ALTER TABLE callout.livekit_call_event DROP CONSTRAINT dba_room,
    ADD CONSTRAINT dba_room CHECK (room_name <> 'direct-room-13');
SELECT results_eq(
    $$SELECT pg_temp.leave('EV_direct_12b', 'direct-room-12', 'CLIENT_INITIATED')$$,
    $$VALUES ('processed/completed')$$,
    'once replaced by another, the event it named is stored');
SELECT throws_ok($$SELECT pg_temp.leave('EV_direct_13', 'direct-room-13', 'CLIENT_INITIATED')$$, '23514',
                 NULL, 'and the replacement refuses the event it names');
ALTER TABLE callout.livekit_call_event DROP CONSTRAINT dba_room;

-- an index a delivery reads, dropped and made again (another relation under the same name): the
-- backend finds it by its name again
DROP INDEX callout.call_log_room_sid;
CREATE UNIQUE INDEX call_log_room_sid ON callout.call_log (room_sid, user_id) WHERE room_sid IS NOT NULL;
SELECT callout.register_call('tenant-direct', 'direct-room-14', 'outbound') AS call_14 \gset
SELECT is(pg_temp.leave('EV_direct_14', 'direct-room-14', 'CLIENT_INITIATED'), 'processed/completed',
          'a delivery after an index it reads was made again is processed');

-- a column a delivery writes and reads, dropped and added again (at another place in its table,
-- as an upgrade may): the backend finds it by its name again
ALTER TABLE callout.livekit_call_event DROP COLUMN disconnect_reason;
ALTER TABLE callout.livekit_call_event ADD COLUMN disconnect_reason text;
SELECT callout.register_call('tenant-direct', 'direct-room-15', 'outbound') AS call_15 \gset
SELECT is(pg_temp.leave('EV_direct_15', 'direct-room-15', 'CLIENT_INITIATED'), 'processed/completed',
          'a delivery after a column it writes and reads was added again is processed');
SELECT is((SELECT disconnect_reason FROM callout.livekit_call_event WHERE event_id = 'EV_direct_15'),
          'CLIENT_INITIATED', 'and its event holds the column''s value where the column now is');

-- A CHECK constraint whose (inlinable SQL) function a BEFORE INSERT row trigger replaces: an
-- INSERT plans its CHECK constraints at the first row's check, after the row's BEFORE triggers,
-- so the replacement decides. Shown first with a statement on a table of the test's own, then
-- with a delivery.
CREATE FUNCTION public.cache_room_allowed(room text) RETURNS boolean LANGUAGE sql
AS $$ SELECT true $$;
CREATE FUNCTION pg_temp.tighten_room_rule() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE $f$CREATE OR REPLACE FUNCTION public.cache_room_allowed(room text) RETURNS boolean
               LANGUAGE sql AS $b$ SELECT room NOT LIKE 'direct-cache-refused%' $b$ $f$;
    RETURN NEW;
END
$$;
CREATE TABLE public.cache_statement_rows (room_name text CHECK (public.cache_room_allowed(room_name)));
CREATE TRIGGER tighten BEFORE INSERT ON public.cache_statement_rows
    FOR EACH ROW EXECUTE FUNCTION pg_temp.tighten_room_rule();
SELECT throws_ok($$INSERT INTO public.cache_statement_rows VALUES ('direct-cache-refused-statement')$$, '23514',
                 NULL, 'an INSERT statement: the function as its BEFORE trigger replaced it refuses the row');

CREATE OR REPLACE FUNCTION public.cache_room_allowed(room text) RETURNS boolean LANGUAGE sql
AS $$ SELECT true $$;
ALTER TABLE callout.livekit_call_event ADD CONSTRAINT dba_room_allowed
    CHECK (public.cache_room_allowed(room_name));
CREATE TRIGGER dba_tighten BEFORE INSERT ON callout.livekit_call_event
    FOR EACH ROW EXECUTE FUNCTION pg_temp.tighten_room_rule();
SELECT callout.register_call('tenant-cache', 'direct-cache-refused-1', 'outbound') AS call_1 \gset
SELECT throws_ok($$SELECT pg_temp.leave('EV_cache_1', 'direct-cache-refused-1', 'CLIENT_INITIATED')$$, '23514',
                 NULL, 'a delivery: the function as the event''s BEFORE INSERT trigger replaced it refuses the event, as for an INSERT');
SELECT is((SELECT count(*) FROM callout.livekit_call_event WHERE event_id = 'EV_cache_1'), 0::bigint,
          'and the event is not stored');
DROP TRIGGER dba_tighten ON callout.livekit_call_event;
ALTER TABLE callout.livekit_call_event DROP CONSTRAINT dba_room_allowed;

-- The same on the call's row, with a BEFORE UPDATE row trigger of call_log
CREATE OR REPLACE FUNCTION public.cache_room_allowed(room text) RETURNS boolean LANGUAGE sql
AS $$ SELECT true $$;
ALTER TABLE callout.call_log ADD CONSTRAINT dba_room_allowed
    CHECK (public.cache_room_allowed(room_name)) NOT VALID;
CREATE TRIGGER dba_tighten BEFORE UPDATE ON callout.call_log
    FOR EACH ROW EXECUTE FUNCTION pg_temp.tighten_room_rule();
SELECT callout.register_call('tenant-cache', 'direct-cache-refused-2', 'outbound') AS call_2 \gset
SELECT throws_ok($$SELECT pg_temp.leave('EV_cache_2', 'direct-cache-refused-2', 'CLIENT_INITIATED')$$, '23514',
                 NULL, 'a delivery: the function as the call''s BEFORE UPDATE trigger replaced it refuses the call''s row, as for an UPDATE');
DROP TRIGGER dba_tighten ON callout.call_log;
ALTER TABLE callout.call_log DROP CONSTRAINT dba_room_allowed;

-- Two CHECK constraints whose names are swapped (the relcache orders them by name): the one
-- that refuses is named as it now is
ALTER TABLE callout.livekit_call_event
    ADD CONSTRAINT dba_a CHECK (room_name <> 'direct-cache-room-3'),
    ADD CONSTRAINT dba_b CHECK (true);
SELECT callout.register_call('tenant-cache', 'direct-cache-room-3', 'outbound') AS call_3 \gset
SELECT throws_ok($$SELECT pg_temp.leave('EV_cache_3', 'direct-cache-room-3', 'CLIENT_INITIATED')$$, '23514',
                 'new row for relation "livekit_call_event" violates check constraint "dba_a"',
                 'the refusing constraint is named');
ALTER TABLE callout.livekit_call_event RENAME CONSTRAINT dba_a TO dba_c;
SELECT throws_ok($$SELECT pg_temp.leave('EV_cache_3', 'direct-cache-room-3', 'CLIENT_INITIATED')$$, '23514',
                 'new row for relation "livekit_call_event" violates check constraint "dba_c"',
                 'once renamed (now after the other by name), it is named as it now is');
ALTER TABLE callout.livekit_call_event DROP CONSTRAINT dba_b, DROP CONSTRAINT dba_c;

-- Two columns a delivery writes swapped by name inside a savepoint, a delivery, then the
-- savepoint rolled back: the next delivery writes the columns by their names again
SAVEPOINT swapped;
ALTER TABLE callout.livekit_call_event RENAME COLUMN disconnect_reason TO dba_tmp;
ALTER TABLE callout.livekit_call_event RENAME COLUMN sip_call_status TO disconnect_reason;
ALTER TABLE callout.livekit_call_event RENAME COLUMN dba_tmp TO sip_call_status;
SELECT callout.register_call('tenant-cache', 'direct-cache-room-4', 'outbound') AS call_4 \gset
SELECT is(pg_temp.leave('EV_cache_4', 'direct-cache-room-4', 'CLIENT_INITIATED'), 'processed/completed',
          'a delivery with two of its columns swapped by name');
ROLLBACK TO SAVEPOINT swapped;
SELECT callout.register_call('tenant-cache', 'direct-cache-room-5', 'outbound') AS call_5 \gset
SELECT is(pg_temp.leave('EV_cache_5', 'direct-cache-room-5', 'CLIENT_INITIATED'), 'processed/completed',
          'after the savepoint is rolled back, a delivery is processed');
SELECT is((SELECT disconnect_reason || ' ' || sip_call_status FROM callout.livekit_call_event
           WHERE event_id = 'EV_cache_5'),
          'CLIENT_INITIATED hangup', 'and writes each column by its name');

-- An index a delivery reads made again inside a savepoint, a delivery, then the savepoint
-- rolled back (the new index is gone with it): the next delivery finds the index by its name
SAVEPOINT remade;
DROP INDEX callout.call_log_room_sid;
CREATE UNIQUE INDEX call_log_room_sid ON callout.call_log (room_sid, user_id) WHERE room_sid IS NOT NULL;
SELECT callout.register_call('tenant-cache', 'direct-cache-room-6', 'outbound') AS call_6 \gset
SELECT is(pg_temp.leave('EV_cache_6', 'direct-cache-room-6', 'CLIENT_INITIATED'), 'processed/completed',
          'a delivery after the index is made again in a savepoint');
ROLLBACK TO SAVEPOINT remade;
SELECT callout.register_call('tenant-cache', 'direct-cache-room-7', 'outbound') AS call_7 \gset
SELECT is(pg_temp.leave('EV_cache_7', 'direct-cache-room-7', 'CLIENT_INITIATED'), 'processed/completed',
          'after the savepoint is rolled back, a delivery finds the index it reads');

-- A CHECK constraint added inside a savepoint refuses a delivery there; once the savepoint is
-- rolled back (the constraint gone with it), the same delivery is processed
SELECT callout.register_call('tenant-cache', 'direct-cache-room-8', 'outbound') AS call_8 \gset
SAVEPOINT constrained;
ALTER TABLE callout.livekit_call_event ADD CONSTRAINT dba_savepoint CHECK (room_name <> 'direct-cache-room-8');
SELECT throws_ok($$SELECT pg_temp.leave('EV_cache_8', 'direct-cache-room-8', 'CLIENT_INITIATED')$$, '23514',
                 NULL, 'a constraint added in a savepoint refuses');
ROLLBACK TO SAVEPOINT constrained;
SELECT is(pg_temp.leave('EV_cache_8', 'direct-cache-room-8', 'CLIENT_INITIATED'), 'processed/completed',
          'once the savepoint is rolled back, the same delivery is processed');

-- The (inlinable) function of a CHECK constraint replaced between two deliveries of one
-- transaction: the second delivery follows the replacement
CREATE OR REPLACE FUNCTION public.cache_room_allowed(room text) RETURNS boolean LANGUAGE sql
AS $$ SELECT true $$;
ALTER TABLE callout.livekit_call_event ADD CONSTRAINT dba_room_allowed
    CHECK (public.cache_room_allowed(room_name));
SELECT callout.register_call('tenant-cache', 'direct-cache-refused-9', 'outbound') AS call_9 \gset
SELECT callout.register_call('tenant-cache', 'direct-cache-refused-10', 'outbound') AS call_10 \gset
SELECT is(pg_temp.leave('EV_cache_9', 'direct-cache-refused-9', 'CLIENT_INITIATED'), 'processed/completed',
          'a delivery the constraint''s function allows');
CREATE OR REPLACE FUNCTION public.cache_room_allowed(room text) RETURNS boolean LANGUAGE sql
AS $$ SELECT room NOT LIKE 'direct-cache-refused%' $$;
SELECT throws_ok($$SELECT pg_temp.leave('EV_cache_10', 'direct-cache-refused-10', 'CLIENT_INITIATED')$$, '23514',
                 NULL, 'once the function is replaced, the next delivery is refused');
ALTER TABLE callout.livekit_call_event DROP CONSTRAINT dba_room_allowed;

-- what a backend keeps of a table's columns and defaults is made again after any function
-- changes; it must not grow with each change: 300 changes, each followed by a delivery
CREATE FUNCTION pg_temp.kept_bytes() RETURNS bigint LANGUAGE sql AS $$
    SELECT sum(used_bytes)::bigint FROM pg_backend_memory_contexts
    WHERE name = 'TopMemoryContext' OR name LIKE 'callout%'
$$;
SELECT pg_temp.kept_bytes() AS kept_before \gset
DO $$
BEGIN
    FOR i IN 1..300 LOOP
        EXECUTE format('CREATE OR REPLACE FUNCTION pg_temp.changed() RETURNS int LANGUAGE sql AS %L',
                       'SELECT ' || i);
        PERFORM callout.register_call('tenant-direct', 'direct-churn-' || i, 'outbound');
        PERFORM pg_temp.leave('EV_churn_' || i, 'direct-churn-' || i, 'CLIENT_INITIATED');
    END LOOP;
END
$$;
SELECT cmp_ok(pg_temp.kept_bytes() - :kept_before, '<', 65536::bigint,
              'the backend''s kept memory does not grow with each function change');

SELECT * FROM finish();
ROLLBACK;
