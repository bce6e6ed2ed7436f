-- Replay of the public LiveKit vectors (test/vectors) through process_livekit_webhook: each call
-- scenario's call is registered first ('call-' rooms inbound, 'outbound-' rooms outbound), its
-- deliveries arrive in seq order (the retried duplicate included), each verified at the
-- vector's own instant with the SDK's 10 s leeway; then the stored rows are checked against the
-- facts of the vectors and the outcomes of DESIGN.md §9. Every negative vector answers
-- rejected with the reason it expects, and changes nothing.
BEGIN;
SELECT plan(115);

SET LOCAL callout.clock_leeway = 10;

-- The vectors are verified with one configured key pair (1).
SELECT is((SELECT count(DISTINCT (api_key, api_secret))::integer FROM livekit_test.vectors), 1,
          'the vectors share one configured key pair');
SELECT livekit_test.add_vector_key();


-- What each delivery of a scenario must answer.
CREATE TEMP TABLE expected_answer (name text PRIMARY KEY, answer text NOT NULL);
INSERT INTO expected_answer VALUES
    ('in1_room_started', 'processed'),
    ('in1_sip_participant_joined', 'processed'),
    ('in1_agent_participant_joined', 'processed'),
    ('in1_track_published', 'ignored'),
    ('in1_egress_started', 'ignored'),
    ('in1_sip_participant_left_hangup', 'processed'),
    ('in1_sip_participant_left_retry_duplicate', 'duplicate/already processed'),
    ('in1_room_finished', 'processed'),
    ('in1_egress_ended_file', 'processed'),
    ('ob_answered_room_started', 'processed'),
    ('ob_answered_participant_joined_dialing', 'processed'),
    ('ob_answered_long_call_participant_left', 'processed'),
    ('ob_answered_room_finished', 'processed'),
    ('ob_no_answer_participant_joined', 'processed'),
    ('ob_no_answer_participant_left', 'processed'),
    ('ob_busy_participant_left', 'processed'),
    ('ob_trunk_failure_participant_left', 'processed'),
    ('ob_short_call_participant_left', 'processed'),
    ('ob_agent_removed_participant_left', 'processed'),
    ('ob_participant_connection_aborted', 'processed'),
    ('egress_updated_active', 'ignored'),
    ('egress_ended_failed_no_location', 'processed'),
    ('track_unpublished_ignored', 'ignored'),
    ('ingress_started_ignored', 'ignored'),
    ('unicode_participant_left', 'processed'),
    ('hidden_phone_number_participant_joined', 'processed'),
    ('standard_participant_joined_kind_omitted', 'processed'),
    ('room_finished_with_room_end_reason', 'processed');

-- The call each scenario must end as: the webhook-owned columns (times as unix seconds) and
-- the outcome. rer (a room that idled out with no phone leg ever seen) is failed: the room's own
-- 300 s say nothing about a phone that never connected.
CREATE TEMP TABLE expected_call (
    scenario text PRIMARY KEY, label text NOT NULL, outcome callout.call_outcome,
    row jsonb NOT NULL);
INSERT INTO expected_call VALUES
    ('in1', 'in1: inbound, answered, 187 s (the SIP leg, not the room''s 209 s), recorded', 'completed',
     '{"status": "ended", "duration_seconds": 187, "phone_number": "+14155550123",
       "disconnect_reason": "CLIENT_INITIATED", "sip_call_status": "hangup",
       "recording_url": "https://acme-call-recordings.s3.amazonaws.com/calls/2026/01/01/SCL_NFY26D5ujP7n.ogg",
       "room_sid": "RM_MwNsaNSjtNNy", "started_at": 1767268800, "ended_at": 1767268988,
       "campaign_id": null, "direction": "inbound"}'),
    ('ob-000123', 'ob_answered: a long answered call', 'completed',
     '{"status": "ended", "duration_seconds": 3725, "phone_number": "+49309018323",
       "disconnect_reason": "CLIENT_INITIATED", "sip_call_status": "hangup", "recording_url": null,
       "room_sid": "RM_BVD8Rx7V96zh", "started_at": 1767272400, "ended_at": 1767276126,
       "campaign_id": "4711", "direction": "outbound"}'),
    ('ob-000124', 'ob_no_answer: rang out', 'no_answer',
     '{"status": "ended", "duration_seconds": 45, "phone_number": "+49309018324",
       "disconnect_reason": "USER_UNAVAILABLE", "sip_call_status": "ringing", "recording_url": null,
       "room_sid": "RM_eQeU3dkxuz7c", "started_at": 1767273000, "ended_at": 1767273046,
       "campaign_id": "4711", "direction": "outbound"}'),
    ('ob-000125', 'ob_busy: rejected by the callee', 'busy',
     '{"status": "ended", "duration_seconds": 6, "phone_number": "+49309018325",
       "disconnect_reason": "USER_REJECTED", "sip_call_status": "dialing", "recording_url": null,
       "room_sid": "RM_Mybguf8nu2NF", "started_at": 1767273300, "ended_at": 1767273307,
       "campaign_id": "4711", "direction": "outbound"}'),
    ('ob-000126', 'ob_trunk_failure: the trunk failed', 'failed',
     '{"status": "ended", "duration_seconds": 2, "phone_number": "+49309018326",
       "disconnect_reason": "SIP_TRUNK_FAILURE", "sip_call_status": "dialing", "recording_url": null,
       "room_sid": "RM_xy8mGaUB2Wu4", "started_at": 1767273600, "ended_at": 1767273603,
       "campaign_id": "4711", "direction": "outbound"}'),
    ('ob-000128', 'ob_short_call: answered, 4 s', 'completed',
     '{"status": "ended", "duration_seconds": 4, "phone_number": "+49309018328",
       "disconnect_reason": "CLIENT_INITIATED", "sip_call_status": "hangup", "recording_url": null,
       "room_sid": "RM_ohqLTHkhtxdf", "started_at": 1767273900, "ended_at": 1767273905,
       "campaign_id": "4711", "direction": "outbound"}'),
    ('ob-000129', 'ob_agent_removed: answered, then removed', 'completed',
     '{"status": "ended", "duration_seconds": 94, "phone_number": "+49309018329",
       "disconnect_reason": "PARTICIPANT_REMOVED", "sip_call_status": "active", "recording_url": null,
       "room_sid": "RM_hoJRWyBkVNEJ", "started_at": 1767274200, "ended_at": 1767274295,
       "campaign_id": "4711", "direction": "outbound"}'),
    ('ob-000131', 'ob_participant_connection_aborted: never joined', 'failed',
     '{"status": "ended", "duration_seconds": 11, "phone_number": "+49309018331",
       "disconnect_reason": "JOIN_FAILURE", "sip_call_status": "dialing", "recording_url": null,
       "room_sid": "RM_mEa3cCthCCw7", "started_at": 1767274800, "ended_at": 1767274812,
       "campaign_id": "4711", "direction": "outbound"}'),
    ('egx', 'egx: a failed egress leaves no recording, and no end arrived', NULL,
     '{"status": "registered", "duration_seconds": null, "phone_number": "+14155550555",
       "disconnect_reason": null, "sip_call_status": null, "recording_url": null,
       "room_sid": "RM_E9CJVhmgP8Hw", "started_at": null, "ended_at": null,
       "campaign_id": null, "direction": "inbound"}'),
    ('uni', 'uni: a Unicode room name, answered, 41 s', 'completed',
     '{"status": "ended", "duration_seconds": 41, "phone_number": "+33142685300",
       "disconnect_reason": "CLIENT_INITIATED", "sip_call_status": "hangup", "recording_url": null,
       "room_sid": "RM_EEF3HZA7nkDV", "started_at": 1767276000, "ended_at": 1767276042,
       "campaign_id": null, "direction": "inbound"}'),
    ('hide', 'hide: a caller with a hidden number, still ringing', NULL,
     '{"status": "in_progress", "duration_seconds": null, "phone_number": null,
       "disconnect_reason": null, "sip_call_status": "ringing", "recording_url": null,
       "room_sid": "RM_3eVtKdgbVSDa", "started_at": 1767276200, "ended_at": null,
       "campaign_id": null, "direction": "inbound"}'),
    ('std', 'std: a standard participant does not start a call', NULL,
     '{"status": "registered", "duration_seconds": null, "phone_number": null,
       "disconnect_reason": null, "sip_call_status": null, "recording_url": null,
       "room_sid": "RM_G2Vy988MEUtA", "started_at": 1767276300, "ended_at": null,
       "campaign_id": null, "direction": "inbound"}'),
    ('rer', 'rer: room_finished alone ends the call with the room''s 300 s, failed', 'failed',
     '{"status": "ended", "duration_seconds": 300, "phone_number": "+14155550666",
       "disconnect_reason": null, "sip_call_status": null, "recording_url": null,
       "room_sid": "RM_qCgGFJ6ufWvH", "started_at": 1767276600, "ended_at": 1767276900,
       "campaign_id": null, "direction": "inbound"}');

-- The scenarios of the vectors are exactly these, one room each (1).
SELECT is(
    ARRAY(SELECT scenario || ':' || count(DISTINCT expect->>'room_name') FROM livekit_test.vectors
          WHERE scenario IS NOT NULL GROUP BY scenario ORDER BY scenario),
    ARRAY(SELECT scenario || ':1' FROM expected_call ORDER BY scenario),
    'the vectors hold these 13 call scenarios, one room each');

-- Each scenario's call, registered before its events arrive: 'outbound-' rooms outbound for
-- tenant_out, every other room inbound for tenant_in.
CREATE TEMP TABLE scenario_call AS
SELECT scenario, min(expect->>'room_name') AS room_name,
       CASE WHEN min(expect->>'room_name') LIKE 'outbound-%' THEN 'outbound' ELSE 'inbound' END AS direction,
       CASE WHEN min(expect->>'room_name') LIKE 'outbound-%' THEN 'tenant_out' ELSE 'tenant_in' END AS user_id,
       NULL::bigint AS call_id
FROM livekit_test.vectors WHERE scenario IS NOT NULL GROUP BY scenario;
UPDATE scenario_call SET call_id = callout.register_call(user_id, room_name, direction);

-- The rejected vectors' rooms get a call too: a rejected delivery must leave it untouched.
CREATE TEMP TABLE rejected_call AS
SELECT v.name, callout.register_call('tenant_in', v.body::jsonb -> 'room' ->> 'name',
                                     CASE WHEN v.body::jsonb -> 'room' ->> 'name' LIKE 'outbound-%'
                                          THEN 'outbound' ELSE 'inbound' END) AS call_id
FROM livekit_test.vectors AS v
WHERE NOT (v.expect->>'valid')::boolean AND v.expect->>'reason' <> 'body_not_json';

-- Every delivery, scenario by scenario in seq order, then every vector outside the scenarios.
CREATE TEMP TABLE answer (n serial PRIMARY KEY, name text NOT NULL, scenario text, status text,
                          reason text, event_id text, call_id bigint, outcome callout.call_outcome);
DO $$
DECLARE
    v record;
    r callout.webhook_result;
BEGIN
    FOR v IN SELECT name, scenario FROM livekit_test.vectors
             ORDER BY scenario IS NULL, scenario, seq, name LOOP
        r := livekit_test.deliver_vector(v.name);
        INSERT INTO answer (name, scenario, status, reason, event_id, call_id, outcome)
        VALUES (v.name, v.scenario, r.status, r.reason, r.event_id, r.call_id, r.outcome);
    END LOOP;
END
$$;

-- Each scenario delivery answers as expected (28).
SELECT is(a.status || coalesce('/' || a.reason, ''), e.answer, a.name || ': ' || e.answer)
FROM answer AS a JOIN expected_answer AS e USING (name)
ORDER BY a.n;

-- Processed and duplicate answers name the scenario's call; ignored ones no call (1).
SELECT is(
    ARRAY(SELECT a.name FROM answer AS a JOIN scenario_call AS s USING (scenario)
          WHERE a.call_id IS DISTINCT FROM CASE WHEN a.status = 'ignored' THEN NULL ELSE s.call_id END
          ORDER BY a.n),
    ARRAY[]::text[],
    'every answer names the scenario''s own call (ignored ones none)');

-- The outcome in the last processed answer of each scenario is the call's (1).
SELECT is(
    ARRAY(SELECT s.scenario FROM scenario_call AS s JOIN callout.call_log AS c ON c.id = s.call_id
          WHERE (SELECT a.outcome FROM answer AS a WHERE a.scenario = s.scenario AND a.status = 'processed'
                 ORDER BY a.n DESC LIMIT 1) IS DISTINCT FROM c.outcome
          ORDER BY s.scenario),
    ARRAY[]::text[],
    'the last processed answer of each scenario carries its call''s outcome');

-- The stored call of each scenario (13).
SELECT is(
    jsonb_build_object(
        'status', c.status, 'duration_seconds', c.duration_seconds, 'phone_number', c.phone_number,
        'disconnect_reason', c.disconnect_reason, 'sip_call_status', c.sip_call_status,
        'recording_url', c.recording_url, 'room_sid', c.room_sid,
        'started_at', extract(epoch FROM c.started_at)::bigint,
        'ended_at', extract(epoch FROM c.ended_at)::bigint,
        'campaign_id', c.campaign_id, 'direction', c.direction),
    e.row,
    e.label)
FROM expected_call AS e
JOIN scenario_call AS s USING (scenario)
JOIN callout.call_log AS c ON c.id = s.call_id
ORDER BY e.scenario;

-- The outcome of each call (13): DESIGN.md §9 for in1 and the ob_* calls, none for the calls
-- whose end never arrived, failed for the room whose phone leg never appeared.
SELECT is(c.outcome, e.outcome,
          format('%s: outcome %s', split_part(e.label, ':', 1), coalesce(e.outcome::text, 'none yet')))
FROM expected_call AS e
JOIN scenario_call AS s USING (scenario)
JOIN callout.call_log AS c ON c.id = s.call_id
ORDER BY e.scenario;

-- The call detail of each scenario as callout.calls shows it (13): its phone leg's SIP call ids
-- (in1's trunk Call-ID too); answered_at of an answered call (completed, or a leg's status
-- active, automation or hangup), its leg's joinedAt; talk time from then to the end; ring time
-- for an ended call not answered that its leg's leave ended (rer's room lived 300 s with no leg:
-- unknown). No vector's leg joined answered: LiveKit reported no answer instant, so the answered
-- calls' ring time is unknown and their talk time includes it.
CREATE TEMP TABLE expected_detail (scenario text PRIMARY KEY, label text NOT NULL, detail jsonb NOT NULL);
INSERT INTO expected_detail VALUES
    ('in1', 'in1: the trunk''s Call-ID, answered when the caller joined, 187 s of talk',
     '{"sip_call_id": "SCL_NFY26D5ujP7n", "sip_call_id_full": "bb1bd102cffeef887862dc45fa5f0b18@203.0.113.10",
       "answered_at": 1767268801, "ring_seconds": null, "talk_seconds": 187}'),
    ('ob-000123', 'ob_answered: joined dialing, answered: 3725 s of talk, ringing included',
     '{"sip_call_id": "SCL_Fz5EKsF2FXwY", "sip_call_id_full": null,
       "answered_at": 1767272401, "ring_seconds": null, "talk_seconds": 3725}'),
    ('ob-000124', 'ob_no_answer: not answered, rang 45 s',
     '{"sip_call_id": "SCL_pfuSpHEzH3Jr", "sip_call_id_full": null,
       "answered_at": null, "ring_seconds": 45, "talk_seconds": null}'),
    ('ob-000125', 'ob_busy: not answered, rang 6 s',
     '{"sip_call_id": "SCL_J2AJ44cykxD4", "sip_call_id_full": null,
       "answered_at": null, "ring_seconds": 6, "talk_seconds": null}'),
    ('ob-000126', 'ob_trunk_failure: not answered, 2 s',
     '{"sip_call_id": "SCL_3X9QjEMK6Mvg", "sip_call_id_full": null,
       "answered_at": null, "ring_seconds": 2, "talk_seconds": null}'),
    ('ob-000128', 'ob_short_call: answered (hangup), 4 s of talk',
     '{"sip_call_id": "SCL_PVDwwe4TbkUr", "sip_call_id_full": null,
       "answered_at": 1767273901, "ring_seconds": null, "talk_seconds": 4}'),
    ('ob-000129', 'ob_agent_removed: answered (active), 94 s of talk',
     '{"sip_call_id": "SCL_vCzgUw3J7H68", "sip_call_id_full": null,
       "answered_at": 1767274201, "ring_seconds": null, "talk_seconds": 94}'),
    ('ob-000131', 'ob_participant_connection_aborted: not answered, 11 s',
     '{"sip_call_id": "SCL_fZtbjwkrqpnb", "sip_call_id_full": null,
       "answered_at": null, "ring_seconds": 11, "talk_seconds": null}'),
    ('egx', 'egx: no phone leg, no end: nothing',
     '{"sip_call_id": null, "sip_call_id_full": null,
       "answered_at": null, "ring_seconds": null, "talk_seconds": null}'),
    ('uni', 'uni: answered (hangup), 41 s of talk',
     '{"sip_call_id": "SCL_iaytHCa2a3kC", "sip_call_id_full": null,
       "answered_at": 1767276001, "ring_seconds": null, "talk_seconds": 41}'),
    ('hide', 'hide: still ringing: its call id, no answer, no times yet',
     '{"sip_call_id": "SCL_EUL2PT8HR77B", "sip_call_id_full": null,
       "answered_at": null, "ring_seconds": null, "talk_seconds": null}'),
    ('std', 'std: no phone leg: nothing',
     '{"sip_call_id": null, "sip_call_id_full": null,
       "answered_at": null, "ring_seconds": null, "talk_seconds": null}'),
    ('rer', 'rer: ended by the room with no phone leg: no ring time',
     '{"sip_call_id": null, "sip_call_id_full": null,
       "answered_at": null, "ring_seconds": null, "talk_seconds": null}');
SELECT is(
    jsonb_build_object(
        'sip_call_id', v.sip_call_id, 'sip_call_id_full', v.sip_call_id_full,
        'answered_at', extract(epoch FROM v.answered_at)::bigint,
        'ring_seconds', v.ring_seconds, 'talk_seconds', v.talk_seconds),
    d.detail,
    d.label)
FROM expected_detail AS d
JOIN scenario_call AS s USING (scenario)
JOIN callout.calls AS v ON v.id = s.call_id
ORDER BY d.scenario;

-- Each call holds exactly the events its deliveries stored (13).
SELECT is(
    ARRAY(SELECT ev.event_id FROM callout.livekit_call_event AS ev WHERE ev.call_log_id = s.call_id
          ORDER BY ev.event_id),
    ARRAY(SELECT DISTINCT v.expect->>'event_id' FROM livekit_test.vectors AS v
          JOIN expected_answer AS e USING (name)
          WHERE v.scenario = s.scenario AND e.answer <> 'ignored'
          ORDER BY 1),
    s.scenario || ': the call holds its stored events')
FROM scenario_call AS s
ORDER BY s.scenario;

-- The retried delivery left one event row (1).
SELECT is((SELECT count(*)::integer FROM callout.livekit_call_event WHERE event_id = 'EV_mKUoerFN6dHW'), 1,
          'in1: the hangup delivered twice is stored once');

-- Stored payloads keep no TURN password, which the bodies did carry (2).
SELECT ok((SELECT count(*) FROM livekit_test.vectors AS v JOIN callout.livekit_call_event AS ev
           ON ev.event_id = v.expect->>'event_id'
           WHERE strpos(v.body, '"turnPassword"') > 0) > 0,
          'the stored events'' bodies carried room.turnPassword');
SELECT is((SELECT count(*)::integer FROM callout.livekit_call_event WHERE payload -> 'room' ? 'turnPassword'), 0,
          'no stored payload keeps room.turnPassword');

-- The events of a call belong to its tenant (1).
SELECT is(
    ARRAY(SELECT ev.event_id FROM callout.livekit_call_event AS ev
          JOIN callout.call_log AS c ON c.id = ev.call_log_id
          WHERE ev.user_id IS DISTINCT FROM c.user_id ORDER BY ev.event_id),
    ARRAY[]::text[],
    'every attached event carries its call''s tenant');

-- The negative vectors (auth_negative, body_negative, and clock ones that must fail): 21, the
-- two body_not_json ones included (1), each rejected with the reason it expects (21).
SELECT is(
    (SELECT count(*)::integer FROM livekit_test.vectors
     WHERE category IN ('auth_negative', 'body_negative', 'clock') AND NOT (expect->>'valid')::boolean),
    21, 'the vectors hold 21 negative deliveries');
SELECT is(a.status || '/' || coalesce(a.reason, ''), 'rejected/' || (v.expect->>'reason'),
          a.name || ': rejected/' || (v.expect->>'reason'))
FROM answer AS a JOIN livekit_test.vectors AS v USING (name)
WHERE v.category IN ('auth_negative', 'body_negative', 'clock') AND NOT (v.expect->>'valid')::boolean
ORDER BY a.name;

-- The clock vectors that must pass are accepted: no call was registered for their rooms, so
-- they are stored unmatched (2), each as one row without a call (1).
SELECT is(a.status || coalesce('/' || a.reason, ''), 'unmatched', a.name || ': accepted, unmatched')
FROM answer AS a JOIN livekit_test.vectors AS v USING (name)
WHERE v.category = 'clock' AND (v.expect->>'valid')::boolean
ORDER BY a.name;
SELECT is(
    ARRAY(SELECT ev.event_id || ':' || ev.place
          FROM (SELECT e.event_id, coalesce(e.call_log_id::text, 'none') AS place FROM callout.livekit_call_event AS e
                UNION ALL SELECT p.event_id, 'pending' FROM callout.pending_event AS p) AS ev
          JOIN livekit_test.vectors AS v ON v.expect->>'event_id' = ev.event_id
          WHERE v.category = 'clock' ORDER BY ev.event_id COLLATE "C"),
    ARRAY['EV_UP8EzZBorD8a:pending', 'EV_ejXWSiJwbjBH:pending'],
    'the accepted clock vectors are stored once each, attached to no call (pending: no tenant yet)');

-- Rejected deliveries stored nothing (1) and left their rooms' calls as registered (1).
SELECT is(
    (SELECT count(*)::integer FROM callout.livekit_call_event AS ev
     JOIN (SELECT v.body::jsonb AS body FROM livekit_test.vectors AS v JOIN rejected_call USING (name)
           OFFSET 0) AS r
       ON ev.event_id = r.body ->> 'id' OR ev.room_name = r.body -> 'room' ->> 'name'),
    0, 'no rejected delivery stored an event');
SELECT is(
    ARRAY(SELECT r.name FROM rejected_call AS r JOIN callout.call_log AS c ON c.id = r.call_id
          WHERE c.status <> 'registered' OR c.room_sid IS NOT NULL OR c.outcome IS NOT NULL
             OR c.started_at IS NOT NULL OR c.sip_call_status IS NOT NULL
          ORDER BY r.name),
    ARRAY[]::text[],
    'the calls of the rejected deliveries'' rooms are untouched');

SELECT * FROM finish();
ROLLBACK;
