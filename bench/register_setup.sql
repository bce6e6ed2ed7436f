-- The register scenario's database (bench/register_session.sql runs in it): callout, ~10 open
-- calls, and what times registrations. psql variable: tenants (the tenants registrations are
-- spread over; the first, tenant-00, has half of them).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE EXTENSION callout;
CREATE SCHEMA bench;

-- Autovacuum would analyze call_log once it grows, at a moment of its own: the analyze
-- invalidates the session's cached plans, so what a phase measured would depend on when it came.
-- The session has call_log analyzed at a known point instead (its "analyzed" phase).
ALTER TABLE callout.call_log SET (autovacuum_enabled = off);

CREATE TABLE bench.register_phase (
    phase text PRIMARY KEY,
    registrations integer NOT NULL,
    open_before bigint NOT NULL,  -- open calls when the phase began
    ms double precision NOT NULL,
    pages_read bigint NOT NULL,  -- pages of call_log and its indexes visited
    backend integer NOT NULL);

-- The tenant of the i-th registration: every other one tenant-00's, the rest spread over the others.
CREATE FUNCTION bench.tenant(i bigint, tenants integer) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT CASE WHEN tenants <= 1 OR i % 2 = 0 THEN 'tenant-00'
                ELSE 'tenant-' || lpad((1 + i / 2 % (tenants - 1))::text, 2, '0') END
$$;

-- Pages of call_log and its indexes this backend visited (in shared buffers or not) since its
-- statistics were last sent (pg_stat_get_xact_*: the backend's own pending counts; none are
-- sent during a CALL, so the difference over one CALL is what it read). A lookup that walks a
-- whole index shows here: the entries it returns (none, for a new room) would not.
CREATE FUNCTION bench.call_log_pages_read() RETURNS bigint
LANGUAGE sql
AS $$
    SELECT sum(pg_stat_get_xact_blocks_fetched(r.oid))::bigint
    FROM (SELECT 'callout.call_log'::regclass::oid AS oid
          UNION ALL
          SELECT i.indexrelid FROM pg_index AS i WHERE i.indrelid = 'callout.call_log'::regclass) AS r
$$;

-- Registers k calls in rooms of their own, a transaction each, as a gateway's connection does,
-- and records the phase's time (server clock, from before the first to after the last commit).
CREATE PROCEDURE bench.register_calls(phase text, k integer, tenants integer)
LANGUAGE plpgsql
AS $$
DECLARE
    open_before bigint := (SELECT count(*) FROM callout.call_log AS c WHERE callout._is_open(c.status));
    read_before bigint := bench.call_log_pages_read();
    started timestamptz;
BEGIN
    COMMIT;
    started := clock_timestamp();
    FOR i IN 1..k LOOP
        PERFORM callout.register_call(bench.tenant(i, tenants),
                                      'outbound-campaign-4711-lead-' || lpad(i::text, 7, '0') || '-' || phase,
                                      'outbound');
        COMMIT;
    END LOOP;
    INSERT INTO bench.register_phase
    VALUES (phase, k, open_before, extract(epoch FROM clock_timestamp() - started) * 1000,
            bench.call_log_pages_read() - read_before, pg_backend_pid());
    COMMIT;
END
$$;

-- ~10 open calls when the session starts
SELECT count(callout.register_call(bench.tenant(i, :tenants), 'outbound-campaign-4711-lead-' || lpad(i::text, 7, '0') || '-seed',
                                   'outbound')) AS seeded
FROM generate_series(1, 10) AS i \gset
