-- The outcomes of the real vector calls (DESIGN §9): classify_outcome applied to the leave of
-- each call's SIP participant (participant_left or participant_connection_aborted), with the
-- duration, disconnect reason and SIP call status transform_livekit_event reads from it, and
-- the default thresholds (3 s, 10 s).
BEGIN;
SELECT plan(24);

-- Each call of the vectors, by the name its vectors start with, and its expected outcome.
CREATE TEMP TABLE calls (call text PRIMARY KEY, outcome callout.call_outcome NOT NULL, leaves integer NOT NULL);
INSERT INTO calls VALUES
    ('in1_', 'completed', 2),   -- the hangup and its retried delivery
    ('ob_answered_', 'completed', 1),
    ('ob_no_answer_', 'no_answer', 1),
    ('ob_busy_', 'busy', 1),
    ('ob_trunk_failure_', 'failed', 1),
    ('ob_short_call_', 'completed', 1),
    ('ob_agent_removed_', 'completed', 1),
    ('ob_participant_connection_aborted', 'failed', 1);

-- The SIP leaves of those calls, normalized.
CREATE TEMP TABLE leaves AS
SELECT c.call, c.outcome, v.name, callout.transform_livekit_event(v.body::jsonb) AS event
FROM calls AS c
JOIN livekit_test.vectors AS v ON starts_with(v.name, c.call)
WHERE v.expect->>'event' IN ('participant_left', 'participant_connection_aborted')
  AND (v.expect->>'is_sip')::boolean;

-- Every call has its leave(s): no scenario is left out (1).
SELECT is(
    ARRAY(SELECT c.call || '=' || (SELECT count(*) FROM leaves AS l WHERE l.call = c.call)
          FROM calls AS c ORDER BY c.call),
    ARRAY(SELECT call || '=' || leaves FROM calls ORDER BY call),
    'each call of the vectors has its SIP leave');

-- The outcome of each leave (9).
SELECT is(
    callout.classify_outcome((event->>'call_duration_s')::numeric,
                             event->>'disconnect_reason',
                             event->>'sip_call_status'),
    outcome,
    format('%s: %s (%s s, %s, %s)', name, outcome, event->>'call_duration_s',
           event->>'disconnect_reason', event->>'sip_call_status'))
FROM leaves
ORDER BY name;

-- The facts the outcomes rest on are the leaves' own (9): the SIP participant left.
SELECT is(event->>'is_sip', 'true', name || ': the participant who left is the SIP leg')
FROM leaves
ORDER BY name;

-- in1: the call lasted 187 s (SIP join to SIP leave), not the room's 209 s (3).
SELECT is(
    (SELECT (event->>'call_duration_s')::integer FROM leaves
     WHERE name = 'in1_sip_participant_left_hangup'),
    187, 'in1: the SIP leg was connected 187 s');
SELECT is(
    (SELECT (callout.transform_livekit_event(body::jsonb)->>'call_duration_s')::integer
     FROM livekit_test.vectors WHERE name = 'in1_room_finished'),
    209, 'in1: the room lived 209 s');
SELECT is(
    (SELECT callout.call_duration(event->>'joined_at', event->>'created_at') FROM leaves
     WHERE name = 'in1_sip_participant_left_hangup'),
    187, 'in1: call_duration(joined_at, created_at) of the leave is 187 s');

-- What decides the short and the aborted calls: the rule order of §5 (2).
SELECT is(callout.classify_outcome(4, 'CLIENT_INITIATED', NULL), 'no_answer'::callout.call_outcome,
          'ob_short_call without its SIP status would be no_answer by duration: the status decides');
SELECT is(callout.classify_outcome(11, NULL, 'dialing'), 'no_answer'::callout.call_outcome,
          'ob_participant_connection_aborted without JOIN_FAILURE would be no_answer: the reason decides');

SELECT * FROM finish();
ROLLBACK;
