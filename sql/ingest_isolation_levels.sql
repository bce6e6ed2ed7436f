--
-- Ingestion needs READ COMMITTED: a delivery and a registration of the same room serialize on
-- the room's lock, and only a statement that starts after the lock sees what the lock's
-- previous holder committed. Under REPEATABLE READ or SERIALIZABLE (set by BEGIN, by SET
-- TRANSACTION, or by default_transaction_isolation) process_livekit_webhook and register_call
-- refuse with 0A000 and store nothing; under READ COMMITTED both work.
--
\set ECHO none
\i test/fixtures/livekit_signer.sql
\set ECHO all
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';

SELECT callout.add_signing_key('APIisolation', 'isolation-secret-of-at-least-32-chars');
SET callout.verify_at = '2026-01-01 12:00:00+00';

-- A phone leg joining room call-_+14155550170_iso, as LiveKit's server writes it.
CREATE FUNCTION pg_temp.body(id text) RETURNS text LANGUAGE sql AS $$
    SELECT format('{"event":"participant_joined","room":{"sid":"RM_iso","name":"call-_+14155550170_iso",'
                  '"creationTime":"1767268800"},"participant":{"sid":"PA_iso","identity":"sip_+14155550170",'
                  '"state":"ACTIVE","joinedAt":"1767268801","kind":"SIP","attributes":{'
                  '"sip.callStatus":"active","sip.phoneNumber":"+14155550170"}},"id":%s,"createdAt":"1767268801"}',
                  to_json(id))
$$;

-- One delivery signed at the pinned instant.
CREATE FUNCTION pg_temp.deliver(body text) RETURNS callout.webhook_result LANGUAGE sql AS $$
    SELECT * FROM callout.process_livekit_webhook(
        body, livekit_test.livekit_token(body, 'APIisolation', 'isolation-secret-of-at-least-32-chars', 1767268800))
$$;

-- The SQLSTATE and message of a statement's error, or 'no error'.
CREATE FUNCTION pg_temp.error_of(statement text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;

-- REPEATABLE READ: the delivery is refused, with why and what to do
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT status FROM pg_temp.deliver(pg_temp.body('EV_iso_1'));
ROLLBACK;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT callout.register_call('tenant_i', 'call-_+14155550170_iso', 'outbound');
ROLLBACK;

-- ... both with SQLSTATE 0A000
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT current_setting('transaction_isolation') AS isolation,
       pg_temp.error_of($$SELECT pg_temp.deliver(pg_temp.body('EV_iso_1'))$$) AS delivery,
       pg_temp.error_of($$SELECT callout.register_call('tenant_i', 'call-_+14155550170_iso', 'outbound')$$)
           AS registration;
ROLLBACK;

-- SERIALIZABLE: the same
BEGIN ISOLATION LEVEL SERIALIZABLE;
SELECT current_setting('transaction_isolation') AS isolation,
       pg_temp.error_of($$SELECT pg_temp.deliver(pg_temp.body('EV_iso_1'))$$) AS delivery,
       pg_temp.error_of($$SELECT callout.register_call('tenant_i', 'call-_+14155550170_iso', 'outbound')$$)
           AS registration;
ROLLBACK;

-- SET TRANSACTION as the first statement of the transaction: the same
BEGIN;
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SELECT current_setting('transaction_isolation') AS isolation,
       pg_temp.error_of($$SELECT pg_temp.deliver(pg_temp.body('EV_iso_1'))$$) AS delivery,
       pg_temp.error_of($$SELECT callout.register_call('tenant_i', 'call-_+14155550170_iso', 'outbound')$$)
           AS registration;
ROLLBACK;

-- default_transaction_isolation: a statement on its own is refused too
SET default_transaction_isolation = 'repeatable read';
SELECT status FROM pg_temp.deliver(pg_temp.body('EV_iso_1'));
SELECT callout.register_call('tenant_i', 'call-_+14155550170_iso', 'outbound');
RESET default_transaction_isolation;

-- none of it stored anything
SELECT (SELECT count(*) FROM callout.livekit_call_event) AS events,
       (SELECT count(*) FROM callout.call_log) AS calls;

-- READ COMMITTED (the default, here spelled out): the delivery waits unmatched, the
-- registration applies it
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT status, reason, event_id FROM pg_temp.deliver(pg_temp.body('EV_iso_1'));
SELECT callout.register_call('tenant_i', 'call-_+14155550170_iso', 'outbound') IS NOT NULL AS registered;
COMMIT;
SELECT c.user_id, c.status, c.room_sid, c.phone_number,
       (SELECT array_agg(e.event_id) FROM callout.livekit_call_event AS e WHERE e.call_log_id = c.id) AS events
FROM callout.call_log AS c WHERE c.room_name = 'call-_+14155550170_iso';

-- a known event under REPEATABLE READ is refused as well (the lock comes before the
-- duplicate check), and READ COMMITTED answers it as a duplicate
BEGIN ISOLATION LEVEL REPEATABLE READ;
SELECT pg_temp.error_of($$SELECT pg_temp.deliver(pg_temp.body('EV_iso_1'))$$) AS delivery;
ROLLBACK;
SELECT status, reason FROM pg_temp.deliver(pg_temp.body('EV_iso_1'));

--
-- Clean up for later suites.
--
DELETE FROM callout.livekit_call_event;
DELETE FROM callout.call_log;
DELETE FROM callout.signing_key;
RESET callout.verify_at;
SET client_min_messages = warning;
DROP SCHEMA livekit_test CASCADE;
RESET client_min_messages;
