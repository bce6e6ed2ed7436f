-- One reader's session in the readers scenario, logged in as a tenant's role (or as a trusted
-- gateway acting for the tenant, gateway = true): the queries an application's screens and
-- reports run, each timed by bench.measure, then the checks that the reader saw nothing of
-- another tenant. Prints "query|LABEL|ROWS|PLANNING_MS|EXECUTION_MS|READS" and
-- "check|NAME|ok" or "check|NAME|failed: ...". psql variables: tenant, gateway, runs, and from
-- the superuser's look at the data: calls (the tenant's), call_id, phone, campaign (of one of
-- its calls), since, until, in_window (its calls started, or created, in [since, until)),
-- other_call_id, other_tenant.
\set ON_ERROR_STOP 1
\if :gateway
SET callout.user_id = :'tenant';
\endif

CREATE TEMP TABLE reader_query (ord integer, label text, query text, rows_query text);
-- rows_query: the same rows as the query, with user_id, for the check that they are the tenant's
INSERT INTO reader_query (ord, label, query, rows_query)
SELECT q.ord, q.label, q.query, coalesce(q.rows_query, CASE WHEN q.query LIKE 'SELECT * FROM callout.calls%' THEN q.query END)
FROM (VALUES
    (1, 'latest 50', 'SELECT * FROM callout.calls ORDER BY created_at DESC LIMIT 50', NULL),
    (2, 'last day: count',
     'SELECT count(*) FROM callout.calls WHERE created_at >= now() - interval ''1 day''',
     'SELECT * FROM callout.calls WHERE created_at >= now() - interval ''1 day'''),
    (3, 'last day: first page',
     'SELECT * FROM callout.calls WHERE created_at >= now() - interval ''1 day'' ORDER BY created_at LIMIT 50', NULL),
    (4, 'no_answer in 7 days: latest 50',
     'SELECT * FROM callout.calls WHERE outcome = ''no_answer'' AND created_at >= now() - interval ''7 days'' '
     'ORDER BY created_at DESC LIMIT 50', NULL),
    (5, 'campaign: latest 50',
     format('SELECT * FROM callout.calls WHERE campaign_id = %L ORDER BY created_at DESC LIMIT 50', :'campaign'), NULL),
    (6, 'phone number', format('SELECT * FROM callout.calls WHERE phone_number = %L', :'phone'), NULL),
    (7, 'started 2-3 days ago: latest 50',
     'SELECT * FROM callout.calls WHERE started_at >= now() - interval ''3 days'' '
     'AND started_at < now() - interval ''2 days'' ORDER BY started_at DESC LIMIT 50', NULL),
    (8, 'call_stats 7 days by campaign',
     'SELECT * FROM callout.call_stats(now() - interval ''7 days'', now(), ''campaign'')', NULL),
    (9, 'call_stats 7 days by day', 'SELECT * FROM callout.call_stats(now() - interval ''7 days'', now(), ''day'')', NULL),
    (10, 'get_call_outcome', format('SELECT * FROM callout.get_call_outcome(%s, %L)', :call_id, :'tenant'), NULL))
    AS q (ord, label, query, rows_query);

SELECT concat_ws('|', 'query', q.label, m.rows_returned, round(m.planning_ms::numeric, 3),
                 round(m.execution_ms::numeric, 3), m.reads)
FROM reader_query AS q, LATERAL bench.measure(q.query, :runs) AS m
ORDER BY q.ord;

-- ---- the reader saw its own tenant's calls, all of them, and nothing else
SELECT concat_ws('|', 'check', 'acts for ' || :'tenant',
                 CASE WHEN callout.current_user_id() IS NOT DISTINCT FROM :'tenant' THEN 'ok'
                      ELSE 'failed: the session acts for ' || coalesce(callout.current_user_id(), 'no tenant') END);
SELECT concat_ws('|', 'check', 'rows of the queries',
                 CASE WHEN sum(bench.foreign_rows(q.rows_query, :'tenant')) = 0 THEN 'ok'
                      ELSE 'failed: ' || sum(bench.foreign_rows(q.rows_query, :'tenant')) || ' rows of another tenant' END)
FROM reader_query AS q WHERE q.rows_query IS NOT NULL;
SELECT concat_ws('|', 'check', 'callout.calls',
                 CASE WHEN count(*) FILTER (WHERE c.user_id IS DISTINCT FROM :'tenant') = 0 AND count(*) = :calls
                      THEN 'ok'
                      ELSE format('failed: %s visible, %s of another tenant, %s expected', count(*),
                                  count(*) FILTER (WHERE c.user_id IS DISTINCT FROM :'tenant'), :calls) END)
FROM callout.calls AS c;
SELECT concat_ws('|', 'check', 'call_stats',
                 CASE WHEN sum(s.attempts) = :in_window THEN 'ok'
                      ELSE format('failed: %s attempts counted in the window, %s expected', sum(s.attempts), :in_window) END)
FROM callout.call_stats(:'since', :'until', 'campaign') AS s;
SELECT concat_ws('|', 'check', 'get_call_outcome',
                 CASE WHEN (callout.get_call_outcome(:call_id, :'tenant')).call_id = :call_id
                       AND (callout.get_call_outcome(:other_call_id, :'other_tenant')).call_id IS NULL THEN 'ok'
                      ELSE 'failed: its own call not found, or another tenant''s found' END);
