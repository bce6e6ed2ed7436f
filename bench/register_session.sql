-- The register scenario's one session: it starts while call_log holds ~10 open calls and times
-- registrations at every size in the same backend, where PL/pgSQL keeps register_call's plans.
-- Other connections grow the table and analyze it between phases, as other gateways and
-- autovacuum would (psql's \! waits for them; this session stays connected). psql variables: k
-- (registrations a phase), open (open calls to grow to), tenants, bench_dir.
\set ON_ERROR_STOP 1
SET synchronous_commit = off;  -- the function's cost, not the disk's flush per commit
SELECT pg_backend_pid() AS backend \gset
-- what the other connections are given (\! does not interpolate psql variables)
\setenv PGDATABASE :DBNAME
\setenv REGISTER_OPEN :open
\setenv REGISTER_TENANTS :tenants
\setenv REGISTER_GROW :bench_dir/register_grow.sql

-- 1. ~10 open calls: the plans register_call caches now are the ones the session keeps
CALL bench.register_calls('small', :k, :tenants);

-- 2. grown to :open open calls by another connection; not analyzed
\! psql -X -q -v ON_ERROR_STOP=1 -v open="$REGISTER_OPEN" -v tenants="$REGISTER_TENANTS" -f "$REGISTER_GROW"
SELECT count(*) >= :open AS grown FROM callout.call_log AS c WHERE callout._is_open(c.status) \gset
\if :grown
\else
    \warn 'call_log did not grow to the open calls asked for'
    SELECT 1 / 0;
\endif
CALL bench.register_calls('large', :k, :tenants);

-- 3. analyzed by another connection, as autovacuum would: the analyze invalidates the session's
-- plans, so register_call plans again with the grown table's statistics
\! psql -X -q -v ON_ERROR_STOP=1 -c 'VACUUM ANALYZE callout.call_log'
SELECT c.reltuples >= :open AS analyzed FROM pg_class AS c WHERE c.oid = 'callout.call_log'::regclass \gset
\if :analyzed
\else
    \warn 'call_log was not analyzed'
    SELECT 1 / 0;
\endif
CALL bench.register_calls('analyzed', :k, :tenants);

-- every phase ran in this backend and registered its calls
SELECT count(*) = 3 AND bool_and(p.backend = :backend) AND bool_and(p.registrations = :k)
       AND (SELECT count(*) FROM callout.call_log AS c WHERE c.room_name LIKE '%-small'
                                                        OR c.room_name LIKE '%-large'
                                                        OR c.room_name LIKE '%-analyzed') = 3 * :k
       AS same_session
FROM bench.register_phase AS p \gset
\if :same_session
\else
    \warn 'the phases did not all run in the session''s backend, or did not register their calls'
    SELECT 1 / 0;
\endif
-- "phase NAME OPEN_BEFORE MS_PER_REGISTRATION PAGES_PER_REGISTRATION BACKEND"
SELECT 'phase ' || p.phase || ' ' || p.open_before || ' ' || round((p.ms / p.registrations)::numeric, 4)
       || ' ' || round(p.pages_read::numeric / p.registrations, 1) || ' ' || p.backend
FROM bench.register_phase AS p ORDER BY p.open_before;
