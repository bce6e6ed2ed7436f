-- The outcome feed after the concurrent delivery: what demo/outcome-worker handed and
-- acknowledged while it was killed (SIGKILL) at random points and started again, then drained
-- the feed (test/run). The worker's file comes on standard input: "change FEED_XACT CALL_ID
-- OUTCOME USER_ID" (USER_ID as a JSON string) per change handled, "ack FEED_XACT CALL_ID" per
-- acknowledgement, in the order written. One line per check, as check.sql.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on

\ir ../fixtures/check_line.sql

CREATE TEMP TABLE feed_line (n serial PRIMARY KEY, line text NOT NULL);
-- each line as written (csv with a quote and a delimiter no line holds: text would take the JSON's
-- backslashes for escapes)
\copy feed_line (line) FROM pstdin WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
CREATE TEMP TABLE handed AS
SELECT l.n, split_part(l.line, ' ', 2)::xid8 AS xact, split_part(l.line, ' ', 3)::bigint AS call_id,
       split_part(l.line, ' ', 4) AS outcome, substring(l.line FROM '^(?:\S+ ){4}(.*)$')::json #>> '{}' AS user_id
FROM feed_line AS l WHERE l.line LIKE 'change %';
CREATE TEMP TABLE acked AS
SELECT l.n, split_part(l.line, ' ', 2)::xid8 AS xact, split_part(l.line, ' ', 3)::bigint AS call_id
FROM feed_line AS l WHERE l.line LIKE 'ack %';

SELECT pg_temp.check('every call with an outcome was handed to the worker, the last time with its outcome',
    count(*), string_agg(format('call %s: %s, last handed %s', x.id, x.outcome, x.last), '; ') FILTER (WHERE x.k <= 5))
FROM (SELECT c.id, c.outcome, last.outcome AS last, row_number() OVER (ORDER BY c.id) AS k
      FROM callout.call_log AS c
      LEFT JOIN LATERAL (SELECT h.outcome FROM handed AS h WHERE h.call_id = c.id ORDER BY h.n DESC LIMIT 1) AS last ON true
      WHERE c.outcome IS NOT NULL AND last.outcome IS DISTINCT FROM c.outcome::text) AS x;

SELECT pg_temp.check('each change was handed with its call''s tenant, whole (the names hold a space, quotes and a line break)',
    count(*), string_agg(format('call %s: %L, handed %L', x.call_id, x.tenant, x.user_id), '; ') FILTER (WHERE x.k <= 5))
FROM (SELECT h.call_id, c.user_id AS tenant, h.user_id, row_number() OVER (ORDER BY h.n) AS k
      FROM handed AS h JOIN callout.call_log AS c ON c.id = h.call_id
      WHERE h.user_id IS DISTINCT FROM c.user_id) AS x;

SELECT pg_temp.check('the worker was handed no call without an outcome',
    count(*), string_agg(h.call_id::text, ', ') FILTER (WHERE h.k <= 5))
FROM (SELECT h.call_id, row_number() OVER (ORDER BY h.n) AS k FROM handed AS h
      WHERE NOT EXISTS (SELECT FROM callout.call_log AS c WHERE c.id = h.call_id AND c.outcome IS NOT NULL)) AS h;

SELECT pg_temp.check('in order per call: no call was handed at a position before one it was handed at earlier',
    count(*), string_agg(format('call %s: %s after %s', x.call_id, x.xact, x.previous), '; ') FILTER (WHERE x.k <= 5))
FROM (SELECT h.call_id, h.xact, h.previous, row_number() OVER (ORDER BY h.n) AS k
      FROM (SELECT h.*, lag(h.xact) OVER (PARTITION BY h.call_id ORDER BY h.n) AS previous FROM handed AS h) AS h
      WHERE h.xact < h.previous) AS x;

SELECT pg_temp.check('nothing was handed again once acknowledged: every change handed after an acknowledgement is after its position',
    count(*), string_agg(format('line %s: %s/%s after ack %s/%s', x.n, x.xact, x.call_id, x.ack_xact, x.ack_call), '; ') FILTER (WHERE x.k <= 5))
FROM (SELECT h.n, h.xact, h.call_id, a.xact AS ack_xact, a.call_id AS ack_call, row_number() OVER (ORDER BY h.n) AS k
      FROM handed AS h
      CROSS JOIN LATERAL (SELECT a.* FROM acked AS a WHERE a.n < h.n ORDER BY a.n DESC LIMIT 1) AS a
      WHERE (h.xact, h.call_id) <= (a.xact, a.call_id)) AS x;

SELECT pg_temp.check('the consumer acknowledged the end of the feed',
    count(*), string_agg(format('%s/%s, the feed ends at %s/%s', f.feed_xact, f.call_id, e.feed_xact, e.id), '; '))
FROM callout.feed_consumer AS f,
     LATERAL (SELECT c.feed_xact, c.id FROM callout.call_log AS c WHERE c.feed_xact IS NOT NULL
              ORDER BY c.feed_xact DESC, c.id DESC LIMIT 1) AS e
WHERE f.name = 'conc-worker' AND (f.feed_xact, f.call_id) <> (e.feed_xact, e.id);

SELECT format('# outcome feed: %s changes handed (%s calls, %s handed again after a kill), %s acknowledgements, %s kills',
              (SELECT count(*) FROM handed), (SELECT count(DISTINCT call_id) FROM handed),
              (SELECT count(*) - count(DISTINCT (xact, call_id)) FROM handed), (SELECT count(*) FROM acked), :'kills');
