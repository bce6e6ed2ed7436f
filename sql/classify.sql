--
-- classify_outcome(duration_seconds, disconnect_reason, sip_call_status,
--                  min_connected_seconds DEFAULT 3, min_completed_seconds DEFAULT 10)
-- The first rule that applies wins:
--   1. LiveKit reasons meaning the phone never connected
--   2. SIP call status at leave (dialing/ringing: never answered; active/hangup/automation)
--   3. any other reason, not a LiveKit reason name, read as free text
--   4. the duration against the thresholds
--

--
-- The original module's cases
--

-- completed
SELECT callout.classify_outcome(120) AS completed;

-- no_answer short
SELECT callout.classify_outcome(5) AS no_answer_short;

-- failed very short
SELECT callout.classify_outcome(1) AS failed_very_short;

-- busy
SELECT callout.classify_outcome(0, 'busy') AS busy;

-- no_answer reason
SELECT callout.classify_outcome(0, 'no answer') AS no_answer_reason;

-- failed reason
SELECT callout.classify_outcome(60, 'connection error') AS failed_reason;

-- edge 10 s: exactly 10 s is completed
SELECT callout.classify_outcome(10) AS at_10, callout.classify_outcome(9.999) AS below_10;

-- edge 3 s: exactly 3 s is no_answer
SELECT callout.classify_outcome(3) AS at_3, callout.classify_outcome(2.999) AS below_3;

--
-- Rule 1: LiveKit reasons that mean the phone never connected, whatever else is known
--
SELECT reason, callout.classify_outcome(600, reason, 'active') AS outcome
FROM unnest(ARRAY['USER_UNAVAILABLE', 'USER_REJECTED', 'SIP_TRUNK_FAILURE', 'JOIN_FAILURE',
                  '11', '12', '13', '7', ' USER_REJECTED ']) AS reason;

-- rule 1 beats rule 2: a rejected call whose SIP status says active is busy
SELECT callout.classify_outcome(300, 'USER_REJECTED', 'active') AS rejected_active,
       callout.classify_outcome(45, 'USER_UNAVAILABLE', 'hangup') AS unavailable_hangup;

-- rule 1 beats rule 4: a long call ending in SIP_TRUNK_FAILURE is failed
SELECT callout.classify_outcome(1200, 'SIP_TRUNK_FAILURE') AS trunk_failure_20_min,
       callout.classify_outcome(NULL, 'USER_UNAVAILABLE') AS unavailable_no_duration;

-- rule 1 is exact: LiveKit writes these names in upper case; others are free text (rule 3)
SELECT callout.classify_outcome(600, 'user_rejected') AS lower_case_rejected,
       callout.classify_outcome(600, 'user_unavailable') AS lower_case_unavailable;

--
-- Rule 2: the SIP call status when the phone leg left
--

-- ringing 45 s: never answered, long enough to have rung: no_answer
SELECT callout.classify_outcome(45, 'CLIENT_INITIATED', 'ringing') AS ringing_45s;

-- dialing 1 s: never answered, under min_connected_seconds: failed
SELECT callout.classify_outcome(1, 'CLIENT_INITIATED', 'dialing') AS dialing_1s;

-- dialing/ringing at the threshold and without a duration
SELECT callout.classify_outcome(3, NULL, 'dialing') AS dialing_3s,
       callout.classify_outcome(2.5, NULL, 'ringing') AS ringing_2_5s,
       callout.classify_outcome(NULL, NULL, 'ringing') AS ringing_no_duration,
       callout.classify_outcome(3600, NULL, 'ringing') AS ringing_1h;

-- hangup, active, automation: answered, so completed whatever the duration
SELECT status, callout.classify_outcome(1, NULL, status) AS after_1s,
       callout.classify_outcome(NULL, NULL, status) AS no_duration
FROM unnest(ARRAY['hangup', 'active', 'automation', 'HANGUP', ' Active ']) AS status;

-- rule 2 beats rule 3: free text is not read once the SIP status is known
SELECT callout.classify_outcome(1, 'Busy Here', 'hangup') AS busy_text_hangup,
       callout.classify_outcome(30, 'internal error', 'ringing') AS error_text_ringing;

-- an unknown status is passed over
SELECT callout.classify_outcome(600, NULL, 'transferring') AS unknown_status_long,
       callout.classify_outcome(1, NULL, 'transferring') AS unknown_status_short;

--
-- Rule 3: a reason that is not a LiveKit reason name, read as free text (case-insensitive);
-- BUSY and NO_ANSWER are enum-shaped (upper case, digits, underscores): LiveKit's, not free text
--
SELECT reason, callout.classify_outcome(600, reason) AS outcome
FROM unnest(ARRAY['Busy Here', '486 Busy Here', 'BUSY', 'no answer', 'No Answer from callee',
                  'NO_ANSWER', 'user unavailable', '480 Temporarily Unavailable',
                  'internal error', 'call failed', 'Failure', 'busy; no answer',
                  'caller hung up']) AS reason;

-- free text beats the duration: a 1 s call that says busy is busy
SELECT callout.classify_outcome(1, 'Busy Here') AS busy_1s,
       callout.classify_outcome(1, 'caller hung up') AS unrecognised_text_1s;

-- non-ASCII text is left alone
SELECT callout.classify_outcome(600, 'Besetzt – busy') AS german_busy,
       callout.classify_outcome(600, 'ЗАНЯТО') AS russian_busy;

--
-- LiveKit reason names are never read as free text: MEDIA_FAILURE contains "FAIL", yet it
-- falls through to the SIP status and the duration
--

-- MEDIA_FAILURE after 20 minutes: completed
SELECT callout.classify_outcome(1200, 'MEDIA_FAILURE') AS media_failure_20_min,
       callout.classify_outcome(1200, 'MEDIA_FAILURE', 'active') AS with_status,
       callout.classify_outcome(2, 'MEDIA_FAILURE') AS media_failure_2s;

SELECT reason, callout.classify_outcome(5, reason) AS after_5s,
       callout.classify_outcome(60, reason) AS after_60s
FROM unnest(ARRAY['UNKNOWN_REASON', 'CLIENT_INITIATED', 'DUPLICATE_IDENTITY', 'SERVER_SHUTDOWN',
                  'PARTICIPANT_REMOVED', 'ROOM_DELETED', 'STATE_MISMATCH', 'MIGRATION',
                  'SIGNAL_CLOSE', 'ROOM_CLOSED', 'CONNECTION_TIMEOUT', 'MEDIA_FAILURE',
                  '15', '99']) AS reason;

-- AGENT_ERROR (16) and names of later LiveKit releases (any upper-case enum-shaped name) are
-- LiveKit's too: never free text, whatever words they contain
SELECT reason, callout.classify_outcome(30, reason) AS after_30s,
       callout.classify_outcome(30, reason, 'ringing') AS ringing_30s
FROM unnest(ARRAY['AGENT_ERROR', '16', 'SOME_FUTURE_ERROR', 'CALLEE_BUSY', 'Agent_Error']) AS reason;

-- the same words in another case are free text
SELECT callout.classify_outcome(600, 'media_failure') AS lower_case_media_failure;

--
-- Rule 4: the duration
--

-- NULL duration: failed
SELECT callout.classify_outcome(NULL) AS null_duration,
       callout.classify_outcome(NULL, 'CLIENT_INITIATED') AS null_duration_with_reason;

-- NaN duration counts as unknown; negative durations are short
SELECT callout.classify_outcome('NaN') AS nan_duration,
       callout.classify_outcome(-5) AS negative,
       callout.classify_outcome('Infinity') AS infinite,
       callout.classify_outcome(0) AS zero;

-- empty or blank reason and status count as absent
SELECT callout.classify_outcome(600, '', '') AS empty_600s,
       callout.classify_outcome(1, ' ', E'\t') AS blank_1s;

-- custom thresholds
SELECT d AS duration, callout.classify_outcome(d, NULL, NULL, 5, 30) AS min_5_30
FROM unnest(ARRAY[4.9, 5, 29.9, 30]::numeric[]) AS d;
SELECT callout.classify_outcome(0, NULL, NULL, 0, 0) AS zero_thresholds,
       callout.classify_outcome(4, NULL, 'ringing', 5, 30) AS ringing_under_custom,
       callout.classify_outcome(5, NULL, 'ringing', 5, 30) AS ringing_at_custom,
       callout.classify_outcome(min_connected_seconds => 60, duration_seconds => 45,
                                min_completed_seconds => 120) AS named_arguments;

-- NULL or NaN thresholds: ERROR
SELECT callout.classify_outcome(60, NULL, NULL, NULL, 10);
SELECT callout.classify_outcome(60, NULL, NULL, 3, NULL);
SELECT callout.classify_outcome(60, NULL, NULL, 'NaN', 10);
DO $$
BEGIN
    PERFORM callout.classify_outcome(60, NULL, NULL, NULL, 10);
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE '%: %', SQLSTATE, SQLERRM;
END
$$;

--
-- The function
--

-- IMMUTABLE and PARALLEL SAFE, not STRICT (NULL duration is a fact), returns call_outcome
SELECT provolatile, proparallel, proisstrict, prorettype::regtype AS returns
FROM pg_proc
WHERE oid = 'callout.classify_outcome(numeric, text, text, numeric, numeric)'::regprocedure;

SELECT pg_typeof(callout.classify_outcome(187, 'CLIENT_INITIATED', 'hangup')) AS result_type;

SELECT enum_range(NULL::callout.call_outcome) AS labels;

-- usable where an immutable expression is required (an index expression)
CREATE TEMP TABLE legs (duration numeric, reason text, status text);
CREATE INDEX ON legs (callout.classify_outcome(duration, reason, status));
INSERT INTO legs VALUES (187, 'CLIENT_INITIATED', 'hangup'), (2, 'SIP_TRUNK_FAILURE', 'dialing');
SELECT callout.classify_outcome(duration, reason, status) AS outcome, count(*)
FROM legs GROUP BY 1 ORDER BY 1;
DROP TABLE legs;

--
-- The real calls of test/vectors/livekit-webhooks.jsonl (the SIP participant's leave):
-- call_duration_s, disconnect_reason and sip.callStatus as LiveKit sent them
--
SELECT scenario, duration, reason, status,
       callout.classify_outcome(duration, reason, status) AS outcome,
       callout.classify_outcome(duration, reason, status) = expected AS as_expected
FROM (VALUES
    ('in1', 187, 'CLIENT_INITIATED', 'hangup', 'completed'::callout.call_outcome),
    ('ob_answered', 3725, 'CLIENT_INITIATED', 'hangup', 'completed'),
    ('ob_no_answer', 45, 'USER_UNAVAILABLE', 'ringing', 'no_answer'),
    ('ob_busy', 6, 'USER_REJECTED', 'dialing', 'busy'),
    ('ob_trunk_failure', 2, 'SIP_TRUNK_FAILURE', 'dialing', 'failed'),
    ('ob_short_call', 4, 'CLIENT_INITIATED', 'hangup', 'completed'),
    ('ob_agent_removed', 94, 'PARTICIPANT_REMOVED', 'active', 'completed'),
    ('ob_participant_connection_aborted', 11, 'JOIN_FAILURE', 'dialing', 'failed'),
    ('unicode', 41, 'CLIENT_INITIATED', 'hangup', 'completed')
) AS v(scenario, duration, reason, status, expected);

-- in1 by the room's duration (209 s, room_finished) would also be completed, but the leave's
-- 187 s is the call's; without any SIP facts a 4 s call would only be no_answer
SELECT callout.classify_outcome(209) AS in1_room_duration,
       callout.classify_outcome(4) AS short_call_without_sip_facts;

-- thresholds are compared exactly on numerics: values a double cannot tell from the threshold
SELECT callout.classify_outcome(2.99999999999999999999) AS just_under_3,
       callout.classify_outcome(3) AS exactly_3,
       callout.classify_outcome(9.99999999999999999999) AS just_under_10,
       callout.classify_outcome(10) AS exactly_10,
       callout.classify_outcome(10, NULL, NULL, 3, 10.000000000000000001) AS under_a_fine_threshold,
       callout.classify_outcome(1e400) AS beyond_double_range;
-- inverted thresholds (connected above completed) still compare each one exactly
SELECT d, callout.classify_outcome(d, NULL, NULL, 10, 3) AS outcome
FROM unnest(ARRAY[2, 3, 9.999, 10]::numeric[]) AS d;
