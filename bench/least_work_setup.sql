-- The baselines callout is measured against, on tables of their own (bench/least_work.sql,
-- bench/plpgsql_receiver.sql): a plain event table with a unique event id, a plain calls table
-- found by room name holding one registered call per delivery (the same calls as callout's), and
-- the signing keys a receiver looks the token's issuer up in. Included by bench/setup.sql, with
-- its psql variables (api_key, api_secret).

-- What any receiver must keep of a delivery: its id, tenant, type and payload, stored once.
CREATE TABLE bench.lw_event (
    event_id text NOT NULL,
    tenant text,
    event_type text NOT NULL,
    payload jsonb NOT NULL);
CREATE UNIQUE INDEX lw_event_event_id ON bench.lw_event (event_id);

-- The calls an application registered before dialing; a delivery sets the outcome columns.
CREATE TABLE bench.lw_call (
    id bigint PRIMARY KEY,
    tenant text NOT NULL,
    room_name text NOT NULL,
    status text NOT NULL DEFAULT 'registered',
    outcome text,
    ended_at timestamptz,
    duration_seconds integer,
    disconnect_reason text);
CREATE UNIQUE INDEX lw_call_room_name ON bench.lw_call (room_name);

-- The receiver's signing keys: API key -> secret.
CREATE TABLE bench.lw_key (
    api_key text PRIMARY KEY,
    secret text NOT NULL);
SET log_statement = 'none';
INSERT INTO bench.lw_key VALUES (:'api_key', :'api_secret');
RESET log_statement;

-- Empties the baselines' tables and registers the calls of deliveries 1..rows (call i is
-- delivery i's, as in callout.call_log). Called by bench.reset.
CREATE FUNCTION bench.least_work_reset(rows integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE bench.lw_event, bench.lw_call;
    INSERT INTO bench.lw_call (id, tenant, room_name)
    SELECT d.id, 'tenant-bench', d.room_name
    FROM bench.delivery AS d WHERE d.id <= rows ORDER BY d.id;
END
$$;

\i bench/plpgsql_receiver.sql

-- The receiver refuses what it must refuse, and writes nothing then (rolled back either way).
-- The forged signature changes its last character to another that still carries data bits:
-- 'A' and 'E' differ in them, so the forgery never equals the real signature.
BEGIN;
SELECT bench.least_work_reset(1);
SELECT bench.plpgsql_receiver(d.body || ' ', d.auth) = 'sha256_mismatch'
       AND bench.plpgsql_receiver(
               d.body, left(d.auth, -1) || CASE right(d.auth, 1) WHEN 'A' THEN 'E' ELSE 'A' END)
           = 'bad_signature'
       AND bench.plpgsql_receiver(d.body, 'Bearer ' || d.auth) = 'malformed_jwt'
       AND NOT EXISTS (SELECT FROM bench.lw_event)
       AND bench.plpgsql_receiver(d.body, d.auth) = 'processed'
       AND bench.plpgsql_receiver(d.body, d.auth) = 'duplicate' AS receiver_refuses
FROM bench.delivery AS d WHERE d.id = 1 \gset
ROLLBACK;
\if :receiver_refuses
\else
    \warn 'bench.plpgsql_receiver does not answer as it should'
    SELECT 1 / 0;
\endif
