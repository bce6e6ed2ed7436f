-- One reader's session on the split call table's prototype (bench/split_setup.sql): each query of
-- bench/readers.sql on callout.calls and the same on a view of the split tables, both timed by
-- bench.measure, and whether they return the same rows. Prints
-- "split|LABEL|ROWS|EXEC_MS_NOW|EXEC_MS_SPLIT|same" (or "differ"). psql variables as
-- bench/readers.sql's: tenant, gateway, runs, call_id, phone, campaign; and split_view, the view
-- of the split tables read in callout.calls' place (bench.split_calls unless set).
\set ON_ERROR_STOP 1
\if :{?split_view}
\else
\set split_view bench.split_calls
\endif
\if :gateway
SET callout.user_id = :'tenant';
\endif

CREATE TEMP TABLE split_query (ord integer, label text, now_query text, split_query text);
INSERT INTO split_query
SELECT q.ord, q.label, q.query, replace(q.query, 'callout.calls', :'split_view')
FROM (VALUES
    (1, 'latest 50', 'SELECT * FROM callout.calls ORDER BY created_at DESC LIMIT 50'),
    (2, 'last day: count', 'SELECT count(*) FROM callout.calls WHERE created_at >= now() - interval ''1 day'''),
    (3, 'last day: first page',
     'SELECT * FROM callout.calls WHERE created_at >= now() - interval ''1 day'' ORDER BY created_at LIMIT 50'),
    (4, 'no_answer in 7 days: latest 50',
     'SELECT * FROM callout.calls WHERE outcome = ''no_answer'' AND created_at >= now() - interval ''7 days'' '
     'ORDER BY created_at DESC LIMIT 50'),
    (5, 'campaign: latest 50',
     format('SELECT * FROM callout.calls WHERE campaign_id = %L ORDER BY created_at DESC LIMIT 50', :'campaign')),
    (6, 'phone number', format('SELECT * FROM callout.calls WHERE phone_number = %L', :'phone')),
    (7, 'started 2-3 days ago: latest 50',
     'SELECT * FROM callout.calls WHERE started_at >= now() - interval ''3 days'' '
     'AND started_at < now() - interval ''2 days'' ORDER BY started_at DESC LIMIT 50'),
    (10, 'a call by id', format('SELECT * FROM callout.calls WHERE id = %s', :call_id)))
    AS q (ord, label, query)
UNION ALL
SELECT q.ord, q.label,
       format('SELECT s.bucket, s.attempts, s.completed, s.no_answer, s.busy, s.failed, s.open, s.expired, '
              's.total_talk_seconds FROM callout.call_stats(now() - interval ''7 days'', now(), %L) AS s', q.dimension),
       format('SELECT * FROM bench.split_call_stats(now() - interval ''7 days'', now(), %L)', q.dimension)
FROM (VALUES (8, 'call_stats 7 days by campaign', 'campaign'), (9, 'call_stats 7 days by day', 'day'))
    AS q (ord, label, dimension);

-- The rows of a query, as one value (the same rows in any order give the same value).
CREATE FUNCTION pg_temp.rows_of(query text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    digest text;
BEGIN
    EXECUTE format('SELECT md5(coalesce(string_agg(q::text, '','' ORDER BY q::text), '''')) FROM (%s) AS q', query)
    INTO digest;
    RETURN digest;
END
$$;

SELECT concat_ws('|', 'split', q.label, n.rows_returned, round(n.execution_ms::numeric, 3),
                 round(s.execution_ms::numeric, 3),
                 CASE WHEN pg_temp.rows_of(q.now_query) = pg_temp.rows_of(q.split_query) THEN 'same' ELSE 'differ' END)
FROM split_query AS q,
     LATERAL bench.measure(q.now_query, :runs) AS n,
     LATERAL bench.measure(q.split_query, :runs) AS s
ORDER BY q.ord;
