-- callout.call_stats beyond one dimension and ended calls: the calls still open and those expired
-- in columns of their own, grouping by tenant (a tenant sees its own bucket, an auditor every
-- tenant's), and by two dimensions at once (bucket, then sub_bucket). On the shared fixture (A1
-- ended completed, A2 registered, B1 in progress, B2 registered; A1 and B1 started 2026-01-01,
-- A2 and B2 never started, created now), the window reaching from 2025-12-31 to tomorrow.
BEGIN;
SELECT plan(18);
\ir tenants.psql

-- call_stats as lines "bucket sub_bucket attempts completed no_answer busy failed open expired
-- answer_rate" ('-' for NULL), by bucket and sub_bucket.
CREATE FUNCTION pg_temp.stats(group_by text) RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(array_agg(concat_ws(' ', coalesce(s.bucket, '-'), coalesce(s.sub_bucket, '-'), s.attempts,
                                        s.completed, s.no_answer, s.busy, s.failed, s.open, s.expired,
                                        s.answer_rate)
                              ORDER BY s.bucket NULLS FIRST, s.sub_bucket NULLS FIRST), '{}')
    FROM callout.call_stats('2025-12-31 00:00:00+00', now() + interval '1 day', group_by) AS s
$$;
GRANT EXECUTE ON FUNCTION pg_temp.stats(text) TO PUBLIC;
SET LOCAL TimeZone = 'UTC';

-- ---- open and expired calls, in their own columns (3)

SELECT is(pg_temp.stats(NULL), ARRAY['- - 4 1 0 0 0 3 0 0.2500'],
          'every call: 4 attempts, 1 completed, 3 still open (two registered, one in progress), none expired');
SELECT is(pg_temp.stats('tenant'), ARRAY['tenant-a - 2 1 0 0 0 1 0 0.5000', 'tenant-b - 2 0 0 0 0 2 0 0.0000'],
          'by tenant: A has one ended and one open call, B two open calls');
UPDATE callout.call_log SET status = 'expired' WHERE id = (SELECT id FROM tap_call WHERE name = 'B1');
SELECT is(pg_temp.stats('tenant'), ARRAY['tenant-a - 2 1 0 0 0 1 0 0.5000', 'tenant-b - 2 0 0 0 0 1 1 0.0000'],
          'B1 expired (its end never came): counted as expired, no longer open');

-- ---- two dimensions (4)

SELECT is(pg_temp.stats('tenant,direction'),
          ARRAY['tenant-a outbound 2 1 0 0 0 1 0 0.5000', 'tenant-b inbound 1 0 0 0 0 0 1 0.0000',
                'tenant-b outbound 1 0 0 0 0 1 0 0.0000'],
          'by tenant and direction: a row per pair, the second in sub_bucket');
SELECT is(pg_temp.stats('day, campaign'),
          ARRAY['2026-01-01 - 1 0 0 0 0 0 1 0.0000', '2026-01-01 campaign-a 1 1 0 0 0 0 0 1.0000',
                to_char(now(), 'YYYY-MM-DD') || ' - 2 0 0 0 0 2 0 0.0000'],
          'by day and campaign (spaces around the comma allowed; a call without a campaign is the NULL sub_bucket)');
SELECT is(pg_temp.stats('outcome,tenant'),
          ARRAY['- tenant-a 1 0 0 0 0 1 0 0.0000', '- tenant-b 2 0 0 0 0 1 1 0.0000',
                'completed tenant-a 1 1 0 0 0 0 0 1.0000'],
          'by outcome and tenant: the open and expired calls have no outcome');
SELECT is((SELECT array_agg(s.sub_bucket IS NULL) FROM callout.call_stats('2025-12-31', now() + interval '1 day', 'day') AS s),
          ARRAY[true, true], 'one dimension: sub_bucket is NULL');

-- ---- the tenant dimension under row-level security (3)

SET SESSION AUTHORIZATION callout_tap_a;
SELECT is(pg_temp.stats('tenant'), ARRAY['tenant-a - 2 1 0 0 0 1 0 0.5000'],
          'tenant A by tenant: its own bucket only');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_b;
SELECT is(pg_temp.stats('tenant,direction'),
          ARRAY['tenant-b inbound 1 0 0 0 0 0 1 0.0000', 'tenant-b outbound 1 0 0 0 0 1 0 0.0000'],
          'tenant B by tenant and direction: its own buckets only');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT is(pg_temp.stats('tenant'), ARRAY['tenant-a - 2 1 0 0 0 1 0 0.5000', 'tenant-b - 2 0 0 0 0 1 1 0.0000'],
          'the auditor by tenant: every tenant''s bucket');
RESET SESSION AUTHORIZATION;

-- ---- what group_by refuses (6)

SELECT throws_ok($$SELECT * FROM callout.call_stats('2025-12-31', now(), 'tenant,tenant')$$, '22023',
                 'group_by names "tenant" twice', 'a dimension twice is an error (22023)');
SELECT throws_ok($$SELECT * FROM callout.call_stats('2025-12-31', now(), 'day,campaign,outcome')$$, '22023',
                 'group_by names at most two dimensions', 'three dimensions are an error (22023)');
SELECT throws_ok($$SELECT * FROM callout.call_stats('2025-12-31', now(), 'day,week')$$, '22023',
                 'unknown group_by "week"', 'an unknown second dimension is an error (22023)');
SELECT throws_ok($$SELECT * FROM callout.call_stats('2025-12-31', now(), 'day,')$$, '22023',
                 'unknown group_by ""', 'an empty dimension is an error (22023)');
SELECT throws_ok($$SELECT * FROM callout.call_stats('2025-12-31', now(), 'none,day')$$, '22023',
                 'group_by none stands alone', 'none with another dimension is an error (22023)');
SELECT is(pg_temp.stats('none'), pg_temp.stats(NULL), 'none is every call in one row, as NULL');

-- ---- a day is the session's TimeZone's (2)

UPDATE callout.call_log SET started_at = '2030-06-30 23:30:00+00' WHERE id = (SELECT id FROM tap_call WHERE name = 'B1');
SELECT is(ARRAY(SELECT s.bucket || ' ' || s.attempts FROM callout.call_stats('2030-06-30 23:00:00+00', '2030-07-01 00:00:00+00', 'day') AS s),
          ARRAY['2030-06-30 1'], 'a call started at 23:30 UTC is of that day in UTC');
SET LOCAL TimeZone = 'Asia/Kolkata';
SELECT is(ARRAY(SELECT s.bucket || ' ' || s.attempts FROM callout.call_stats('2030-06-30 23:00:00+00', '2030-07-01 00:00:00+00', 'day') AS s),
          ARRAY['2030-07-01 1'], 'and of the next day in Kolkata (UTC+05:30)');

SELECT * FROM finish();
ROLLBACK;
