-- The answers and rows of the concurrent delivery. One line per check: "ok - ..." or
-- "not ok - ..." with up to five examples; "# ..." lines are counts for the record.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on

\ir ../fixtures/check_line.sql

SELECT pg_temp.check('every ticket was delivered and answered exactly once',
    count(*), string_agg(s.ticket::text, ', ') FILTER (WHERE n <= 5))
FROM (SELECT s.*, row_number() OVER (ORDER BY s.ticket) AS n FROM conc.schedule AS s
      WHERE NOT EXISTS (SELECT FROM conc.answer AS a WHERE a.ticket = s.ticket)) AS s;

SELECT pg_temp.check('every delivery answered processed, unmatched, duplicate / already processed, or (events callout does not act on) ignored',
    count(*), string_agg(format('#%s %s %s/%s', x.ticket, x.event_id, x.status, x.reason), '; ') FILTER (WHERE n <= 5))
FROM (SELECT a.ticket, a.status, a.reason, d.event_id, row_number() OVER (ORDER BY a.ticket) AS n
      FROM conc.answer AS a JOIN conc.delivery AS d ON d.id = a.delivery_id
      WHERE CASE WHEN d.processable THEN a.status || '/' || a.reason NOT IN ('processed/', 'unmatched/', 'duplicate/already processed')
                 ELSE a.status || '/' || a.reason <> 'ignored/' END) AS x;

SELECT pg_temp.check('exactly one processed (registered room) or unmatched (unregistered room) answer per event id, the other copies duplicate',
    count(*), string_agg(format('%s: %s', x.event_id, x.answers), '; ') FILTER (WHERE n <= 5))
FROM (SELECT d.event_id, row_number() OVER (ORDER BY d.event_id) AS n,
             string_agg(a.status, ',' ORDER BY a.ticket) AS answers,
             count(*) FILTER (WHERE a.status = CASE WHEN d.registered THEN 'processed' ELSE 'unmatched' END) AS first,
             count(*) FILTER (WHERE a.status IN ('processed', 'unmatched')) AS stored,
             count(*) FILTER (WHERE a.status = 'duplicate') AS duplicates, count(*) AS copies
      FROM conc.delivery AS d JOIN conc.answer AS a ON a.delivery_id = d.id
      WHERE d.processable GROUP BY d.event_id, d.registered) AS x
WHERE NOT (x.first = 1 AND x.stored = 1 AND x.duplicates = x.copies - 1);

SELECT pg_temp.check('every delivered event is stored exactly once, and nothing else is',
    count(*), string_agg(coalesce(d.event_id, e.event_id) || CASE WHEN e.event_id IS NULL THEN ' missing'
                                                             WHEN d.event_id IS NULL THEN ' unexpected'
                                                             ELSE ' stored ' || e.copies || ' times' END, '; '))
FROM (SELECT DISTINCT event_id FROM conc.delivery WHERE processable) AS d
FULL JOIN (SELECT event_id, count(*) AS copies FROM public.stored_event GROUP BY 1) AS e USING (event_id)
WHERE d.event_id IS NULL OR e.event_id IS NULL OR e.copies <> 1;

SELECT pg_temp.check('processed and duplicate answers name the call of the event''s room; unmatched events wait without one',
    count(*), string_agg(format('#%s %s %s call %s', x.ticket, x.event_id, x.status, x.call_id), '; ') FILTER (WHERE n <= 5))
FROM (SELECT a.ticket, a.status, a.call_id, d.event_id, row_number() OVER (ORDER BY a.ticket) AS n
      FROM conc.answer AS a JOIN conc.delivery AS d ON d.id = a.delivery_id
      WHERE d.processable
        AND a.call_id IS DISTINCT FROM coalesce((SELECT c.id::text FROM callout.call_log AS c WHERE c.room_name = d.room), '')) AS x;

SELECT pg_temp.check('unmatched events have no call, the others the call of their room',
    count(*), string_agg(e.event_id, ', ') FILTER (WHERE n <= 5))
FROM (SELECT e.*, row_number() OVER (ORDER BY e.event_id) AS n
      FROM public.stored_event AS e JOIN (SELECT DISTINCT event_id, room, registered FROM conc.delivery) AS d USING (event_id)
      WHERE e.call_log_id IS DISTINCT FROM (SELECT c.id FROM callout.call_log AS c WHERE c.room_name = d.room)) AS e;

SELECT format('# %s deliveries by %s sessions (%s distinct, %s events of %s calls, %s rooms unregistered): %s',
              (SELECT count(*) FROM conc.answer), (SELECT count(DISTINCT backend) FROM conc.answer),
              (SELECT count(*) FROM conc.delivery), (SELECT count(DISTINCT event_id) FROM conc.delivery WHERE processable),
              (SELECT count(DISTINCT call) FROM conc.delivery), (SELECT count(DISTINCT room) FROM conc.delivery WHERE NOT registered),
              (SELECT string_agg(format('%s %s', status, n), ', ' ORDER BY n DESC)
               FROM (SELECT status, count(*) AS n FROM conc.answer GROUP BY 1) AS s));
