-- callout's string settings (callout.verify_at and callout.user_id) set, reset and rolled back
-- over and over: SET, RESET, SET LOCAL, transactions and savepoints rolled back and released,
-- set_config, and a function's own SET clause. The server copies and frees a setting's values
-- (and the instant callout.verify_at parses into its "extra") as each is replaced or undone, so
-- memory handed to it from the wrong allocator shows here as an error or a lost backend, and
-- in the sanitize suite as a report. The module is loaded first: until then the settings are
-- the server's placeholders, which no callout code checks or frees.
LOAD 'callout';
SET callout.verify_at = '2026-01-01 12:00:00+00';
SET callout.user_id = 'tenant-a';
SELECT current_setting('callout.verify_at') AS verify_at, current_setting('callout.user_id') AS user_id;

-- a transaction: SET, SET LOCAL, a savepoint rolled back, one released, then all rolled back
BEGIN;
SET callout.verify_at = '1767268800';
SET LOCAL callout.user_id = 'tenant-b';
SAVEPOINT inner_one;
SET callout.verify_at = '2026-06-01T00:00:00Z';
SET callout.user_id = 'tenant-c';
ROLLBACK TO SAVEPOINT inner_one;
SELECT current_setting('callout.verify_at') AS verify_at, current_setting('callout.user_id') AS user_id;
SAVEPOINT inner_two;
SET LOCAL callout.verify_at = '2027-01-01 00:00:00+00';
SELECT set_config('callout.user_id', 'tenant-d', true) AS user_id;
RELEASE SAVEPOINT inner_two;
SELECT current_setting('callout.verify_at') AS verify_at, current_setting('callout.user_id') AS user_id;
ROLLBACK;
SELECT current_setting('callout.verify_at') AS verify_at, current_setting('callout.user_id') AS user_id;

-- a transaction that commits keeps the session-level SETs, not the local ones
BEGIN;
SET callout.verify_at = '2026-02-01 00:00:00+00';
SET LOCAL callout.user_id = 'tenant-e';
COMMIT;
SELECT current_setting('callout.verify_at') AS verify_at, current_setting('callout.user_id') AS user_id;

-- a function's SET clause is applied for the call and undone after it
CREATE FUNCTION pg_temp.pinned() RETURNS text LANGUAGE sql
    SET callout.verify_at = '2030-01-01 00:00:00+00' SET callout.user_id = 'tenant-f'
    AS $$ SELECT current_setting('callout.verify_at') || ' ' || current_setting('callout.user_id') $$;
SELECT pg_temp.pinned() AS inside, current_setting('callout.verify_at') AS verify_at_after,
       current_setting('callout.user_id') AS user_id_after;

-- a value refused by the check leaves the setting as it was, in a transaction or not
SET callout.verify_at = 'not an instant';
BEGIN;
SET LOCAL callout.user_id = 'tenant-g';
SET callout.verify_at = 'next tuesday';
ROLLBACK;
SELECT current_setting('callout.verify_at') AS verify_at;

RESET callout.verify_at;
RESET callout.user_id;
SELECT current_setting('callout.verify_at') = '' AS verify_at_empty,
       current_setting('callout.user_id') = '' AS user_id_empty;

-- fifty rounds of all of it (the statements are not echoed)
\set ECHO none
SELECT format('SET callout.verify_at = %L', '2026-01-01 12:' || lpad(i::text, 2, '0') || ':00+00'),
       format('SET callout.user_id = %L', 'tenant-' || i),
       'BEGIN',
       format('SET LOCAL callout.verify_at = %L', (1767268800 + i)::text),
       'SAVEPOINT round',
       format('SET callout.verify_at = %L', '2026-03-01T00:00:' || lpad(i::text, 2, '0') || 'Z'),
       format('SET callout.user_id = %L', 'tenant-x' || i),
       'ROLLBACK TO SAVEPOINT round',
       'RESET callout.user_id',
       CASE WHEN i % 2 = 0 THEN 'ROLLBACK' ELSE 'COMMIT' END,
       CASE WHEN i % 3 = 0 THEN 'RESET ALL' ELSE 'RESET callout.verify_at' END
FROM generate_series(1, 50) AS i \gexec
\set ECHO all
SELECT current_setting('callout.verify_at') AS verify_at, current_setting('callout.user_id') AS user_id;
SET callout.verify_at = '1767268800';
SET callout.user_id = 'tenant-last';
SELECT current_setting('callout.verify_at') AS verify_at, current_setting('callout.user_id') AS user_id;
RESET ALL;
SELECT current_setting('callout.verify_at') = '' AS verify_at_empty,
       current_setting('callout.user_id') = '' AS user_id_empty;
