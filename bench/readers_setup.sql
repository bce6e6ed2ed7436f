-- The readers scenario's database (bench/readers.sql reads it): callout with :calls calls over 30
-- days of :tenants tenants, tenant-00 holding half of them, on whatever indexes the installed
-- schema gives call_log; the roles readers log in as; what times a query. psql variables: calls,
-- tenants.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET synchronous_commit = off;
CREATE EXTENSION callout;
CREATE SCHEMA bench;
GRANT USAGE ON SCHEMA bench TO PUBLIC;

-- Call i was created at now() - 30 days + i/calls of 30 days: the table is written in time order,
-- as calls are, so ids, created_at and the heap's order agree. Every value but the time is drawn
-- from hashes of i (hashint8extended): tenant-00 has half of the calls,
-- the other tenants share the rest; each tenant has its own 50 campaigns and 10 agent configs,
-- and dials its own numbers, drawn from calls/3 of them (tenant-00 calls each 1.5 times on
-- average); 10% of calls are inbound (no campaign).
-- Outcomes as a dialer's: 45% completed, 30% no_answer, 10% busy, 11% failed, 4% expired (never
-- started, no outcome); the calls of the last 10 minutes are still open (registered or in
-- progress, no outcome).
INSERT INTO callout.call_log (user_id, agent_config_id, room_name, room_sid, direction, phone_number,
                              registered_phone_number, campaign_id, status, outcome, duration_seconds,
                              disconnect_reason, sip_call_status, recording_url, metadata, started_at,
                              answered_at, ended_at, origin, created_at, updated_at)
SELECT c.user_id, c.agent_config_id, c.direction || '-' || coalesce(c.campaign_id, 'none') || '-' || c.phone || '-' || c.i,
       CASE WHEN c.started IS NOT NULL THEN 'RM_' || to_hex(c.i) END,
       c.direction, c.phone, CASE WHEN c.direction = 'outbound' THEN c.phone END, c.campaign_id,
       c.status::callout.call_status, c.outcome::callout.call_outcome,
       CASE c.outcome WHEN 'completed' THEN c.talk WHEN 'no_answer' THEN 30 WHEN 'busy' THEN 8
                      WHEN 'failed' THEN 2 END,
       CASE c.outcome WHEN 'completed' THEN 'CLIENT_INITIATED' WHEN 'no_answer' THEN 'USER_UNAVAILABLE'
                      WHEN 'busy' THEN 'USER_REJECTED' WHEN 'failed' THEN 'SIP_TRUNK_FAILURE' END,
       CASE WHEN c.outcome = 'completed' THEN 'hangup' WHEN c.outcome IN ('no_answer', 'busy') THEN 'ringing'
            WHEN c.outcome = 'failed' THEN 'dialing' WHEN c.status = 'in_progress' THEN 'ringing' END,
       CASE WHEN c.outcome = 'completed' AND c.i % 2 = 0
            THEN 'https://recordings.example.com/' || to_hex(c.i) || '.ogg' END,
       CASE WHEN c.direction = 'outbound'
            THEN jsonb_build_object('lead', c.lead, 'attempt', 1 + c.i % 3) END,
       c.started, c.answered, c.ended, 'registered', c.created, coalesce(c.ended, c.started, c.created)
FROM (
    SELECT d.*,
           CASE d.outcome WHEN 'completed' THEN d.answered + make_interval(secs => d.talk)
                          WHEN 'no_answer' THEN d.started + interval '30 s'
                          WHEN 'busy' THEN d.started + interval '8 s'
                          WHEN 'failed' THEN d.started + interval '2 s' END AS ended
    FROM (
        SELECT t.i, t.created, t.user_id, t.direction, t.lead, t.status, t.outcome,
               'agent-' || t.tenant || '-' || t.h % 10 AS agent_config_id,
               CASE WHEN t.direction = 'outbound' THEN 'cmp-' || t.tenant || '-' || t.h / 10 % 50 END AS campaign_id,
               '+1' || (200 + t.tenant) || lpad(t.lead::text, 7, '0') AS phone,
               CASE WHEN t.status IN ('ended', 'in_progress') THEN t.created + interval '1 s' END AS started,
               CASE WHEN t.outcome = 'completed' THEN t.created + make_interval(secs => 4 + t.h / 500 % 20) END AS answered,
               15 + (t.h / 10000 % 600)::integer AS talk
        FROM (
            SELECT s.*, 'tenant-' || lpad(s.tenant::text, 2, '0') AS user_id,
                   CASE WHEN s.v % 10 = 0 THEN 'inbound' ELSE 'outbound' END AS direction,
                   CASE WHEN s.created > now() - interval '10 minutes'
                        THEN CASE WHEN s.u % 2 = 0 THEN 'registered' ELSE 'in_progress' END
                        WHEN s.u >= 960 THEN 'expired' ELSE 'ended' END AS status,
                   CASE WHEN s.created > now() - interval '10 minutes' OR s.u >= 960 THEN NULL
                        WHEN s.u < 450 THEN 'completed' WHEN s.u < 750 THEN 'no_answer'
                        WHEN s.u < 850 THEN 'busy' ELSE 'failed' END AS outcome
            FROM (
                SELECT g.i, now() - interval '30 days' + (g.i - 1) * (interval '30 days' / :calls) AS created,
                       -- tenant-00 for half of the hash's values, the others in turn for the rest
                       CASE WHEN :tenants <= 1 THEN 0
                            ELSE CASE WHEN abs(hashint8extended(g.i, 1)) % (2 * (:tenants - 1)) < :tenants - 1 THEN 0
                                      ELSE abs(hashint8extended(g.i, 1)) % (2 * (:tenants - 1)) - (:tenants - 1) + 1 END
                       END AS tenant,
                       abs(hashint8extended(g.i, 2)) % 1000 AS u,
                       abs(hashint8extended(g.i, 3)) AS h,
                       abs(hashint8extended(g.i, 4)) % greatest(least(:calls / 3, 9999999), 1) AS lead,
                       abs(hashint8extended(g.i, 5)) AS v
                FROM generate_series(1, :calls) AS g (i)
            ) AS s
        ) AS t
    ) AS d
) AS c
ORDER BY c.i;
VACUUM ANALYZE callout.call_log;

-- Readers: a role mapped to the big tenant, one to a small tenant (map_tenant_role: a tenant
-- logs in as its own role), and a trusted gateway that says which tenant it acts for with
-- callout.user_id (trust_gateway_role: an application server, PostgREST's authenticator).
CREATE ROLE bench_reader_big LOGIN;
CREATE ROLE bench_reader_small LOGIN;
CREATE ROLE bench_gateway LOGIN;
SELECT callout.map_tenant_role('bench_reader_big', 'tenant-00'),
       callout.map_tenant_role('bench_reader_small', 'tenant-01'),
       callout.trust_gateway_role('bench_gateway');

-- Scans, rows or entries returned and pages read (from shared buffers or not) of call_log (a scan
-- of the table itself is a sequential one) and of each of its indexes, by this backend since its statistics were last sent
-- (pg_stat_get_xact_*: none are sent during a statement, so two readings in one function
-- differ by what ran between them; parallel workers count in their own backends).
CREATE FUNCTION bench.call_log_reads() RETURNS jsonb
LANGUAGE sql
AS $$
    SELECT jsonb_object_agg(r.relname, jsonb_build_array(pg_stat_get_xact_numscans(r.oid),
                                                         pg_stat_get_xact_tuples_returned(r.oid),
                                                         pg_stat_get_xact_blocks_fetched(r.oid)))
    FROM pg_class AS r
    WHERE r.oid = 'callout.call_log'::regclass
       OR r.oid IN (SELECT i.indexrelid FROM pg_index AS i WHERE i.indrelid = 'callout.call_log'::regclass)
$$;

-- Runs query once to warm the caches, then runs times under EXPLAIN (ANALYZE, TIMING OFF), as
-- the caller (row-level security applies): the medians of the planning and execution times the
-- server measured, the rows the last run returned, and what that run read of call_log: each index
-- scanned ("INDEX N entries P pages": entries returned, pages visited), then the table, by a
-- sequential scan ("seq scan N rows P pages") or by the indexes' row pointers ("heap P pages");
-- "parallel" when workers read part of it (their reads are not counted; EXPLAIN shows workers
-- of the query itself, not of a query inside a function it calls).
CREATE FUNCTION bench.measure(query text, runs integer, OUT rows_returned bigint, OUT planning_ms double precision,
                              OUT execution_ms double precision, OUT reads text)
LANGUAGE plpgsql
AS $$
DECLARE
    plan jsonb;
    read_before jsonb;
    planning double precision[] := '{}';
    execution double precision[] := '{}';
BEGIN
    EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || query INTO plan;
    FOR r IN 1..runs LOOP
        read_before := bench.call_log_reads();
        EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || query INTO plan;
        planning := planning || (plan -> 0 ->> 'Planning Time')::double precision;
        execution := execution || (plan -> 0 ->> 'Execution Time')::double precision;
    END LOOP;
    rows_returned := (plan -> 0 -> 'Plan' ->> 'Actual Rows')::numeric;  -- "50.00" from PostgreSQL 18
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) INTO planning_ms FROM unnest(planning) AS v;
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) INTO execution_ms FROM unnest(execution) AS v;
    SELECT coalesce(string_agg(CASE WHEN d.relname <> 'call_log' THEN d.relname || ' ' || d.tuples || ' entries '
                                    WHEN d.scans > 0 THEN 'seq scan ' || d.tuples || ' rows '
                                    ELSE 'heap ' END || d.pages || ' pages',
                               ', ' ORDER BY d.relname = 'call_log', d.relname), 'nothing')
    INTO reads
    FROM (SELECT a.key AS relname, (a.value ->> 0)::bigint - (b.value ->> 0)::bigint AS scans,
                 (a.value ->> 1)::bigint - (b.value ->> 1)::bigint AS tuples,
                 (a.value ->> 2)::bigint - (b.value ->> 2)::bigint AS pages
          FROM jsonb_each(bench.call_log_reads()) AS a JOIN jsonb_each(read_before) AS b ON b.key = a.key) AS d
    WHERE d.scans > 0 OR d.pages > 0;
    IF jsonb_path_exists(plan, '$.**."Workers Launched" ? (@ > 0)') THEN
        reads := reads || ' (parallel)';
    END IF;
END
$$;

-- The rows query returns whose user_id is not tenant's (under the caller's row-level security:
-- must be none).
CREATE FUNCTION bench.foreign_rows(query text, tenant text) RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    n bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM (%s) AS q WHERE q.user_id IS DISTINCT FROM %L', query, tenant) INTO n;
    RETURN n;
END
$$;
