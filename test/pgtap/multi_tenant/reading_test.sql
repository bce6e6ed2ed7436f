-- Reading calls under row-level security: the callout.calls view (security_invoker) and
-- callout.call_stats(since, until, group_by) (STABLE, SECURITY INVOKER), logged in as tenant A,
-- tenant B, the auditor and a role with no grants. Each tenant sees and counts only its own
-- calls, the auditor every tenant's; answered_at is set for answered calls only (here the
-- completed ones; ended_at minus the talk time: the instant the phone leg joined); the window is
-- [since, until); every grouping answers exact attempts, outcomes, answer rate (completed /
-- attempts, 4 places) and talk seconds of completed calls.
BEGIN;
SELECT plan(58);
\ir tenants.psql

-- Calls of March 2026, registered by the superuser and ended by one SIP participant_left
-- delivery each (room creationTime = started_at; the leave's createdAt = ended_at; duration =
-- createdAt - joinedAt). Times are UTC.
--   name  tenant    started           direction campaign agent    reason / SIP status     seconds  outcome
--   ra9   tenant-a  03-01 23:59:59    outbound  spring   agent-x  CLIENT_INITIATED hangup   90  completed  (before since)
--   ra7   tenant-a  03-02 00:00:00    inbound   summer   agent-y  USER_UNAVAILABLE ringing  30  no_answer  (at since)
--   ra1   tenant-a  03-02 09:00:00    outbound  spring   agent-x  CLIENT_INITIATED hangup  120  completed
--   ra2   tenant-a  03-02 10:00:00    outbound  spring   agent-x  USER_UNAVAILABLE ringing  30  no_answer
--   ra3   tenant-a  03-02 11:00:00    outbound  spring   agent-y  USER_REJECTED ringing      8  busy
--   ra4   tenant-a  03-03 09:00:00    outbound  summer   agent-y  SIP_TRUNK_FAILURE dialing  2  failed
--   ra5   tenant-a  03-03 10:00:00    inbound   (none)   agent-x  CLIENT_INITIATED active   46  completed
--   ra6   tenant-a  03-03 11:00:00    outbound  summer   agent-x  CLIENT_INITIATED hangup  300  completed
--   ra8   tenant-a  03-04 00:00:00    outbound  spring   agent-x  CLIENT_INITIATED hangup   60  completed  (at until)
--   rb1   tenant-b  03-02 12:00:00    outbound  spring   agent-x  CLIENT_INITIATED hangup  200  completed
--   rb2   tenant-b  03-03 12:00:00    outbound  spring   agent-x  USER_REJECTED ringing     12  busy
--   rb3   tenant-b  03-03 13:00:00    inbound   (none)   agent-b  USER_UNAVAILABLE ringing  20  no_answer
-- The window [since, until) is [2026-03-02 00:00:00 UTC, 2026-03-04 00:00:00 UTC). The shared
-- fixture's calls (A1, B1 on 2026-01-01; A2, B2 registered now, never started) lie outside it.
SET LOCAL TimeZone = 'UTC';
\set since '2026-03-02 00:00:00+00'
\set until '2026-03-04 00:00:00+00'

CREATE TEMP TABLE rd_call (
    name text PRIMARY KEY, user_id text NOT NULL, direction text NOT NULL, phone text NOT NULL,
    campaign text, agent text NOT NULL, started timestamptz NOT NULL, joined timestamptz NOT NULL,
    left_at timestamptz NOT NULL, reason text NOT NULL, sip_status text NOT NULL,
    outcome callout.call_outcome NOT NULL, id bigint);
GRANT SELECT ON rd_call TO PUBLIC;
INSERT INTO rd_call (name, user_id, direction, phone, campaign, agent, started, joined, left_at, reason,
                     sip_status, outcome) VALUES
    ('ra9', 'tenant-a', 'outbound', '+14155550309', 'spring', 'agent-x', '2026-03-01 23:59:59+00',
     '2026-03-02 00:00:01+00', '2026-03-02 00:01:31+00', 'CLIENT_INITIATED', 'hangup', 'completed'),
    ('ra7', 'tenant-a', 'inbound', '+14155550307', 'summer', 'agent-y', '2026-03-02 00:00:00+00',
     '2026-03-02 00:00:01+00', '2026-03-02 00:00:31+00', 'USER_UNAVAILABLE', 'ringing', 'no_answer'),
    ('ra1', 'tenant-a', 'outbound', '+14155550301', 'spring', 'agent-x', '2026-03-02 09:00:00+00',
     '2026-03-02 09:00:02+00', '2026-03-02 09:02:02+00', 'CLIENT_INITIATED', 'hangup', 'completed'),
    ('ra2', 'tenant-a', 'outbound', '+14155550302', 'spring', 'agent-x', '2026-03-02 10:00:00+00',
     '2026-03-02 10:00:01+00', '2026-03-02 10:00:31+00', 'USER_UNAVAILABLE', 'ringing', 'no_answer'),
    ('ra3', 'tenant-a', 'outbound', '+14155550303', 'spring', 'agent-y', '2026-03-02 11:00:00+00',
     '2026-03-02 11:00:01+00', '2026-03-02 11:00:09+00', 'USER_REJECTED', 'ringing', 'busy'),
    ('ra4', 'tenant-a', 'outbound', '+14155550304', 'summer', 'agent-y', '2026-03-03 09:00:00+00',
     '2026-03-03 09:00:01+00', '2026-03-03 09:00:03+00', 'SIP_TRUNK_FAILURE', 'dialing', 'failed'),
    ('ra5', 'tenant-a', 'inbound', '+14155550305', NULL, 'agent-x', '2026-03-03 10:00:00+00',
     '2026-03-03 10:00:01+00', '2026-03-03 10:00:47+00', 'CLIENT_INITIATED', 'active', 'completed'),
    ('ra6', 'tenant-a', 'outbound', '+14155550306', 'summer', 'agent-x', '2026-03-03 11:00:00+00',
     '2026-03-03 11:00:02+00', '2026-03-03 11:05:02+00', 'CLIENT_INITIATED', 'hangup', 'completed'),
    ('ra8', 'tenant-a', 'outbound', '+14155550308', 'spring', 'agent-x', '2026-03-04 00:00:00+00',
     '2026-03-04 00:00:01+00', '2026-03-04 00:01:01+00', 'CLIENT_INITIATED', 'hangup', 'completed'),
    ('rb1', 'tenant-b', 'outbound', '+14155550401', 'spring', 'agent-x', '2026-03-02 12:00:00+00',
     '2026-03-02 12:00:01+00', '2026-03-02 12:03:21+00', 'CLIENT_INITIATED', 'hangup', 'completed'),
    ('rb2', 'tenant-b', 'outbound', '+14155550402', 'spring', 'agent-x', '2026-03-03 12:00:00+00',
     '2026-03-03 12:00:01+00', '2026-03-03 12:00:13+00', 'USER_REJECTED', 'ringing', 'busy'),
    ('rb3', 'tenant-b', 'inbound', '+14155550403', NULL, 'agent-b', '2026-03-03 13:00:00+00',
     '2026-03-03 13:00:01+00', '2026-03-03 13:00:21+00', 'USER_UNAVAILABLE', 'ringing', 'no_answer');

-- A SIP participant's participant_left as LiveKit's server writes it (inbound legs carry the
-- dispatch rule's sip.ruleID).
CREATE FUNCTION pg_temp.left_event(c rd_call) RETURNS text
LANGUAGE sql STABLE
AS $$
    SELECT format('{"event":"participant_left","room":{"sid":%s,"name":%s,"emptyTimeout":300,'
                  '"departureTimeout":20,"creationTime":"%s","numParticipants":1},'
                  '"participant":{"sid":%s,"identity":%s,"state":"DISCONNECTED","joinedAt":"%s",'
                  '"joinedAtMs":"%s","name":%s,"kind":"SIP","attributes":{"sip.callID":%s,'
                  '"sip.callStatus":%s,"sip.phoneNumber":%s,%s"sip.trunkPhoneNumber":"+18005550300"},'
                  '"disconnectReason":%s},"id":%s,"createdAt":"%s"}',
                  to_json('RM_RD_' || c.name), to_json('rd-room-' || c.name),
                  extract(epoch FROM c.started)::bigint, to_json('PA_RD_' || c.name),
                  to_json('sip_' || c.phone), extract(epoch FROM c.joined)::bigint,
                  extract(epoch FROM c.joined)::bigint * 1000 + 250, to_json('Phone ' || c.phone),
                  to_json('SCL_RD_' || c.name), to_json(c.sip_status), to_json(c.phone),
                  CASE WHEN c.direction = 'inbound' THEN '"sip.ruleID":"SDR_RD",' ELSE '' END,
                  to_json(c.reason), to_json('EV_RD_' || c.name || '_LEFT'),
                  extract(epoch FROM c.left_at)::bigint)
$$;

-- Registered by the superuser, then delivered, signed with the shared key at 2026-03-04
-- 00:05:00 UTC and verified 30 s later; the setup checks its own result.
SET LOCAL callout.verify_at = '2026-03-04 00:05:30+00';
UPDATE rd_call SET id = callout.register_call(user_id, 'rd-room-' || name, direction, phone, campaign, agent);
DO $$
DECLARE
    got text;
BEGIN
    SELECT string_agg(format('%s:%s:%s', c.name, r.status, coalesce(r.call_id = c.id, false)), ' ' ORDER BY c.name)
    INTO got
    FROM rd_call AS c
    JOIN tap_key AS k ON k.api_key = 'APItapShared'
    CROSS JOIN LATERAL (SELECT pg_temp.left_event(c) AS body) AS b
    CROSS JOIN LATERAL callout.process_livekit_webhook(
        b.body,
        livekit_test.livekit_token(b.body, k.api_key, k.api_secret,
                                   extract(epoch FROM timestamptz '2026-03-04 00:05:00+00')::bigint)) AS r;
    IF got IS DISTINCT FROM (SELECT string_agg(format('%s:processed:t', name), ' ' ORDER BY name) FROM rd_call) THEN
        RAISE EXCEPTION 'reading setup: deliveries answered %', got;
    END IF;
END
$$;

SELECT id AS ra1 FROM rd_call WHERE name = 'ra1' \gset
SELECT id AS ra2 FROM rd_call WHERE name = 'ra2' \gset
SELECT id AS rb1 FROM rd_call WHERE name = 'rb1' \gset

-- call_stats as lines "bucket attempts completed no_answer busy failed answer_rate
-- total_talk_seconds average_talk_seconds" ('-' for NULL), by bucket.
CREATE FUNCTION pg_temp.stats(since timestamptz, until timestamptz, group_by text) RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(array_agg(concat_ws(' ', coalesce(s.bucket, '-'), s.attempts, s.completed, s.no_answer,
                                        s.busy, s.failed, s.answer_rate, s.total_talk_seconds,
                                        coalesce(s.average_talk_seconds::text, '-'))
                              ORDER BY s.bucket NULLS FIRST), '{}')
    FROM callout.call_stats(since, until, group_by) AS s
$$;
-- The same with group_by left to its default.
CREATE FUNCTION pg_temp.stats(since timestamptz, until timestamptz) RETURNS text[]
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(array_agg(concat_ws(' ', coalesce(s.bucket, '-'), s.attempts, s.completed, s.no_answer,
                                        s.busy, s.failed, s.answer_rate, s.total_talk_seconds,
                                        coalesce(s.average_talk_seconds::text, '-'))
                              ORDER BY s.bucket NULLS FIRST), '{}')
    FROM callout.call_stats(since, until) AS s
$$;

-- ---- the objects (5)

SELECT ok((SELECT 'security_invoker=true' = ANY (c.reloptions) FROM pg_class AS c
           WHERE c.oid = 'callout.calls'::regclass),
          'callout.calls is a security_invoker view (pg_class.reloptions)');
SELECT columns_are('callout', 'calls',
                   ARRAY['id', 'user_id', 'room_name', 'direction', 'phone_number', 'campaign_id',
                         'agent_config_id', 'status', 'outcome', 'started_at', 'answered_at', 'ended_at',
                         'duration_seconds', 'disconnect_reason', 'sip_call_status', 'recording_url',
                         'metadata', 'created_at', 'room_sid', 'updated_at', 'sip_call_id', 'sip_call_id_full',
                         'ring_seconds', 'talk_seconds'],
                   'callout.calls has the columns a person reads, its room sid and last change (incremental sync), the SIP call ids, ring and talk time included');
SELECT volatility_is('callout', 'call_stats',
                     ARRAY['timestamp with time zone', 'timestamp with time zone', 'text'], 'stable',
                     'call_stats is STABLE');
SELECT isnt_definer('callout', 'call_stats', ARRAY['timestamp with time zone', 'timestamp with time zone', 'text'],
                    'call_stats is SECURITY INVOKER');
SELECT results_eq($$SELECT c.name, l.outcome FROM rd_call AS c JOIN callout.call_log AS l ON l.id = c.id
                    ORDER BY c.name$$,
                  $$SELECT name, outcome FROM rd_call ORDER BY name$$,
                  'the superuser finds the March calls with their designed outcomes');

-- ---- tenant A: callout.calls (8)

SET SESSION AUTHORIZATION callout_tap_a;
SELECT results_eq('SELECT id FROM callout.calls ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-a'
                        UNION ALL SELECT id FROM rd_call WHERE user_id = 'tenant-a' ORDER BY 1),
                  'tenant A: callout.calls shows exactly its 11 calls');
SELECT is((SELECT count(*) FROM callout.calls WHERE user_id <> 'tenant-a'), 0::bigint,
          'tenant A: callout.calls shows no row of another tenant');
SELECT is_empty(format('SELECT id FROM callout.calls WHERE id = %s', :rb1),
                'tenant A: B''s call is not in callout.calls even by its id');
SELECT results_eq(format($$SELECT id, user_id, room_name, direction, phone_number, campaign_id, agent_config_id,
                                  status, outcome, started_at, answered_at, ended_at, duration_seconds,
                                  disconnect_reason, sip_call_status, recording_url
                           FROM callout.calls WHERE id = %s$$, :ra1),
                  format($$VALUES (%s::bigint, 'tenant-a', 'rd-room-ra1', 'outbound', '+14155550301', 'spring',
                                   'agent-x', 'ended'::callout.call_status, 'completed'::callout.call_outcome,
                                   '2026-03-02 09:00:00+00'::timestamptz, '2026-03-02 09:00:02+00'::timestamptz,
                                   '2026-03-02 09:02:02+00'::timestamptz, 120, 'CLIENT_INITIATED', 'hangup',
                                   NULL::text)$$, :ra1),
                  'tenant A: ra1 reads started 09:00:00, answered 09:00:02 (joined), ended 09:02:02, 120 s, completed');
SELECT results_eq($$SELECT id FROM callout.calls WHERE answered_at IS NOT NULL ORDER BY id$$,
                  ARRAY(SELECT id FROM tap_call WHERE name = 'A1'
                        UNION ALL SELECT id FROM rd_call WHERE user_id = 'tenant-a' AND outcome = 'completed'
                        ORDER BY 1),
                  'tenant A: answered_at is set for its completed calls and no other');
SELECT is((SELECT count(*) FROM callout.calls
           WHERE outcome = 'completed' AND answered_at = ended_at - make_interval(secs => duration_seconds)),
          6::bigint, 'tenant A: for each of its 6 completed calls answered_at = ended_at - duration');
SELECT results_eq($$SELECT v.id, v.answered_at FROM callout.calls AS v JOIN rd_call AS c ON c.id = v.id
                    WHERE v.outcome = 'completed' ORDER BY v.id$$,
                  $$SELECT id, joined FROM rd_call WHERE user_id = 'tenant-a' AND outcome = 'completed' ORDER BY id$$,
                  'tenant A: answered_at of a completed call is when its phone leg joined');
SELECT results_eq(format($$SELECT outcome::text, duration_seconds, ended_at IS NOT NULL, answered_at
                           FROM callout.calls WHERE id = %s$$, :ra2),
                  $$VALUES ('no_answer', 30, true, NULL::timestamptz)$$,
                  'tenant A: a no_answer call that rang 30 s has no answered_at');

-- ---- tenant A: call_stats over [since, until) (14)

SELECT is(pg_temp.stats(:'since', :'until', NULL),
          ARRAY['- 7 3 2 1 1 0.4286 466 155.33'],
          'tenant A: call_stats group_by NULL: 7 attempts, 3 completed, 2 no_answer, 1 busy, 1 failed, '
          '0.4286, 466 s, 155.33 s');
SELECT is(pg_temp.stats(:'since', :'until'),
          ARRAY['- 7 3 2 1 1 0.4286 466 155.33'],
          'tenant A: call_stats with group_by omitted is one row of every call');
SELECT is(pg_temp.stats(:'since', :'until', 'none'),
          ARRAY['- 7 3 2 1 1 0.4286 466 155.33'],
          'tenant A: call_stats group_by none is the same one row');
SELECT is(pg_temp.stats(:'since', :'until', 'day'),
          ARRAY['2026-03-02 4 1 2 1 0 0.2500 120 120.00',
                '2026-03-03 3 2 0 0 1 0.6667 346 173.00'],
          'tenant A: call_stats by day (UTC)');
SELECT is(pg_temp.stats(:'since', :'until', 'campaign'),
          ARRAY['- 1 1 0 0 0 1.0000 46 46.00',
                'spring 3 1 1 1 0 0.3333 120 120.00',
                'summer 3 1 1 0 1 0.3333 300 300.00'],
          'tenant A: call_stats by campaign (a call without one is the NULL bucket)');
SELECT is(pg_temp.stats(:'since', :'until', 'agent_config'),
          ARRAY['agent-x 4 3 1 0 0 0.7500 466 155.33',
                'agent-y 3 0 1 1 1 0.0000 0 -'],
          'tenant A: call_stats by agent_config (no completed call: 0 talk seconds, no average)');
SELECT is(pg_temp.stats(:'since', :'until', 'direction'),
          ARRAY['inbound 2 1 1 0 0 0.5000 46 46.00',
                'outbound 5 2 1 1 1 0.4000 420 210.00'],
          'tenant A: call_stats by direction');
SELECT is(pg_temp.stats(:'since', :'until', 'outcome'),
          ARRAY['busy 1 0 0 1 0 0.0000 0 -',
                'completed 3 3 0 0 0 1.0000 466 155.33',
                'failed 1 0 0 0 1 0.0000 0 -',
                'no_answer 2 0 2 0 0 0.0000 0 -'],
          'tenant A: call_stats by outcome (talk time only of completed calls)');
SET LOCAL TimeZone = 'America/Los_Angeles';
SELECT is(pg_temp.stats(:'since', :'until', 'day'),
          ARRAY['2026-03-01 1 0 1 0 0 0.0000 0 -',
                '2026-03-02 3 1 1 1 0 0.3333 120 120.00',
                '2026-03-03 3 2 0 0 1 0.6667 346 173.00'],
          'tenant A: call_stats by day follows the session''s TimeZone (ra7 is 2026-03-01 16:00 in Los Angeles)');
SET LOCAL TimeZone = 'UTC';
SELECT is(pg_temp.stats(:'since', timestamptz :'since' + interval '1 second', NULL),
          ARRAY['- 1 0 1 0 0 0.0000 0 -'],
          'tenant A: a call that started exactly at since is counted (ra7)');
SELECT is(pg_temp.stats(:'until', timestamptz :'until' + interval '1 day', NULL),
          ARRAY['- 1 1 0 0 0 1.0000 60 60.00'],
          'tenant A: the call that started exactly at until belongs to the next window (ra8)');
SELECT is(pg_temp.stats(timestamptz :'since' - interval '1 second', :'since', NULL),
          ARRAY['- 1 1 0 0 0 1.0000 90 90.00'],
          'tenant A: the call one second before since belongs to the previous window (ra9)');
SELECT is(pg_temp.stats(now() - interval '1 hour', now() + interval '1 hour', 'outcome'),
          ARRAY['- 1 0 0 0 0 0.0000 0 -'],
          'tenant A: a call registered now that never started counts by its creation time, with no outcome (A2)');
SELECT throws_ok(format($$SELECT * FROM callout.call_stats(%L, %L, 'week')$$, :'since', :'until'), '22023',
                 'unknown group_by "week"', 'tenant A: call_stats with an unknown group_by is an error (22023)');
RESET SESSION AUTHORIZATION;

-- ---- tenant B (11)

SET SESSION AUTHORIZATION callout_tap_b;
SELECT results_eq('SELECT id FROM callout.calls ORDER BY id',
                  ARRAY(SELECT id FROM tap_call WHERE user_id = 'tenant-b'
                        UNION ALL SELECT id FROM rd_call WHERE user_id = 'tenant-b' ORDER BY 1),
                  'tenant B: callout.calls shows exactly its 5 calls');
SELECT is_empty(format('SELECT id FROM callout.calls WHERE id IN (%s, %s)', :ra1, :ra2),
                'tenant B: A''s calls are not in callout.calls');
SELECT results_eq($$SELECT id FROM callout.calls WHERE answered_at IS NOT NULL ORDER BY id$$,
                  ARRAY[:rb1::bigint],
                  'tenant B: answered_at only on its completed call');
SELECT is(pg_temp.stats(:'since', :'until', NULL),
          ARRAY['- 3 1 1 1 0 0.3333 200 200.00'],
          'tenant B: call_stats group_by NULL counts only its own 3 calls');
SELECT is(pg_temp.stats(:'since', :'until', 'none'),
          ARRAY['- 3 1 1 1 0 0.3333 200 200.00'],
          'tenant B: call_stats group_by none');
SELECT is(pg_temp.stats(:'since', :'until', 'day'),
          ARRAY['2026-03-02 1 1 0 0 0 1.0000 200 200.00',
                '2026-03-03 2 0 1 1 0 0.0000 0 -'],
          'tenant B: call_stats by day');
SELECT is(pg_temp.stats(:'since', :'until', 'campaign'),
          ARRAY['- 1 0 1 0 0 0.0000 0 -',
                'spring 2 1 0 1 0 0.5000 200 200.00'],
          'tenant B: call_stats by campaign: its spring is not A''s spring');
SELECT is(pg_temp.stats(:'since', :'until', 'agent_config'),
          ARRAY['agent-b 1 0 1 0 0 0.0000 0 -',
                'agent-x 2 1 0 1 0 0.5000 200 200.00'],
          'tenant B: call_stats by agent_config: its agent-x is not A''s agent-x');
SELECT is(pg_temp.stats(:'since', :'until', 'direction'),
          ARRAY['inbound 1 0 1 0 0 0.0000 0 -',
                'outbound 2 1 0 1 0 0.5000 200 200.00'],
          'tenant B: call_stats by direction');
SELECT is(pg_temp.stats(:'since', :'until', 'outcome'),
          ARRAY['busy 1 0 0 1 0 0.0000 0 -',
                'completed 1 1 0 0 0 1.0000 200 200.00',
                'no_answer 1 0 1 0 0 0.0000 0 -'],
          'tenant B: call_stats by outcome');
SELECT is(pg_temp.stats(:'since', timestamptz :'since' + interval '13 hours', NULL),
          ARRAY['- 1 1 0 0 0 1.0000 200 200.00'],
          'tenant B: a window holding four of A''s calls and one of its own counts only its own');
RESET SESSION AUTHORIZATION;

-- ---- the auditor: every tenant (11)

SET SESSION AUTHORIZATION callout_tap_auditor;
SELECT results_eq('SELECT id FROM callout.calls ORDER BY id',
                  ARRAY(SELECT id FROM tap_call UNION ALL SELECT id FROM rd_call ORDER BY 1),
                  'the auditor: callout.calls shows every tenant''s 16 calls');
SELECT results_eq($$SELECT user_id, count(*) FROM callout.calls GROUP BY user_id ORDER BY user_id$$,
                  $$VALUES ('tenant-a', 11::bigint), ('tenant-b', 5::bigint)$$,
                  'the auditor: 11 calls of tenant-a, 5 of tenant-b');
SELECT results_eq($$SELECT id FROM callout.calls WHERE answered_at IS NOT NULL ORDER BY id$$,
                  ARRAY(SELECT id FROM tap_call WHERE name = 'A1'
                        UNION ALL SELECT id FROM rd_call WHERE outcome = 'completed' ORDER BY 1),
                  'the auditor: answered_at on every tenant''s completed calls and no other');
SELECT is(pg_temp.stats(:'since', :'until', NULL),
          ARRAY['- 10 4 3 2 1 0.4000 666 166.50'],
          'the auditor: call_stats group_by NULL counts both tenants');
SELECT is(pg_temp.stats(:'since', :'until', 'none'),
          ARRAY['- 10 4 3 2 1 0.4000 666 166.50'],
          'the auditor: call_stats group_by none');
SELECT is(pg_temp.stats(:'since', :'until', 'day'),
          ARRAY['2026-03-02 5 2 2 1 0 0.4000 320 160.00',
                '2026-03-03 5 2 1 1 1 0.4000 346 173.00'],
          'the auditor: call_stats by day');
SELECT is(pg_temp.stats(:'since', :'until', 'campaign'),
          ARRAY['- 2 1 1 0 0 0.5000 46 46.00',
                'spring 5 2 1 2 0 0.4000 320 160.00',
                'summer 3 1 1 0 1 0.3333 300 300.00'],
          'the auditor: call_stats by campaign (a campaign name both tenants use is one bucket)');
SELECT is(pg_temp.stats(:'since', :'until', 'agent_config'),
          ARRAY['agent-b 1 0 1 0 0 0.0000 0 -',
                'agent-x 6 4 1 1 0 0.6667 666 166.50',
                'agent-y 3 0 1 1 1 0.0000 0 -'],
          'the auditor: call_stats by agent_config');
SELECT is(pg_temp.stats(:'since', :'until', 'direction'),
          ARRAY['inbound 3 1 2 0 0 0.3333 46 46.00',
                'outbound 7 3 1 2 1 0.4286 620 206.67'],
          'the auditor: call_stats by direction');
SELECT is(pg_temp.stats(:'since', :'until', 'outcome'),
          ARRAY['busy 2 0 0 2 0 0.0000 0 -',
                'completed 4 4 0 0 0 1.0000 666 166.50',
                'failed 1 0 0 0 1 0.0000 0 -',
                'no_answer 3 0 3 0 0 0.0000 0 -'],
          'the auditor: call_stats by outcome');
SELECT is(pg_temp.stats('2026-01-01 00:00:00+00', '2026-01-02 00:00:00+00', 'outcome'),
          ARRAY['- 1 0 0 0 0 0.0000 0 -',
                'completed 1 1 0 0 0 1.0000 187 187.00'],
          'the auditor: on 2026-01-01, A1 completed (187 s) and B1 still in progress (an attempt without outcome)');
RESET SESSION AUTHORIZATION;

-- ---- the superuser reads what the auditor reads (1)

SELECT is(pg_temp.stats(:'since', :'until', 'direction'),
          ARRAY['inbound 3 1 2 0 0 0.3333 46 46.00',
                'outbound 7 3 1 2 1 0.4286 620 206.67'],
          'the superuser: call_stats by direction counts every tenant');

-- ---- no grants, and the webhook-only role (8)

SET SESSION AUTHORIZATION callout_tap_nobody;
SELECT throws_ok('SELECT id FROM callout.calls', '42501', 'permission denied for schema callout',
                 'the no-grants role cannot read callout.calls (42501)');
SELECT throws_ok(format($$SELECT * FROM callout.call_stats(%L, %L, NULL)$$, :'since', :'until'), '42501',
                 'permission denied for schema callout', 'the no-grants role cannot call call_stats (42501)');
SELECT throws_ok(format($$SELECT * FROM callout.call_stats(%L, %L, 'week')$$, :'since', :'until'), '42501',
                 'permission denied for schema callout',
                 'the no-grants role is refused before group_by is looked at (42501, not 22023)');
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION callout_tap_webhook;
SELECT throws_ok('SELECT id FROM callout.calls', '42501', 'permission denied for view calls',
                 'the webhook-only role cannot read callout.calls (42501)');
SELECT throws_ok(format($$SELECT * FROM callout.call_stats(%L, %L, NULL)$$, :'since', :'until'), '42501',
                 'permission denied for function call_stats', 'the webhook-only role cannot call call_stats (42501)');
RESET SESSION AUTHORIZATION;
SELECT ok(NOT has_table_privilege('callout_tap_nobody', 'callout.calls', 'SELECT')
          AND NOT has_function_privilege('callout_tap_nobody', 'callout.call_stats(timestamptz, timestamptz, text)',
                                         'EXECUTE'),
          'the no-grants role holds neither SELECT on callout.calls nor EXECUTE on call_stats (nothing via PUBLIC)');
SELECT ok(has_table_privilege('callout_tap_a', 'callout.calls', 'SELECT')
          AND has_table_privilege('callout_tap_auditor', 'callout.calls', 'SELECT')
          AND has_function_privilege('callout_tap_b', 'callout.call_stats(timestamptz, timestamptz, text)', 'EXECUTE'),
          'map_tenant_role granted the tenants and the auditor callout.calls and call_stats');
SELECT ok(NOT has_table_privilege('callout_tap_a', 'callout.calls', 'INSERT')
          AND NOT has_table_privilege('callout_tap_a', 'callout.calls', 'UPDATE')
          AND NOT has_table_privilege('callout_tap_auditor', 'callout.calls', 'DELETE'),
          'callout.calls is read-only to tenants and the auditor');

SELECT * FROM finish();
ROLLBACK;
