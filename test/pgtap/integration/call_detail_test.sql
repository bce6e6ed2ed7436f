-- Call detail through deliveries (DESIGN.md §4): each phone leg event stores its SIP call ids
-- (sip.callID, sip.callIDFull; an agent's attributes are not read), waiting events keep them when
-- they move to their call, and the call shows the ids of the leg whose leave ended it. A leg
-- that joined already answered (LiveKit's wait_until_answered: its participant_joined reports
-- sip.callStatus active) was answered when it joined: 0 s of ringing, the rest talk, while the
-- call is in progress too. Another leg's answer never makes the call answered.
BEGIN;
SELECT plan(11);

SET LOCAL callout.verify_at = '2026-01-01 12:00:00+00';
SELECT callout.add_signing_key('APIdetail', 'detail-secret-of-at-least-32-characters');

-- A participant event of a room, as LiveKit writes it (kind SIP unless given, the SIP attributes
-- given, empty ones left out), delivered with the key above; its answer's status.
CREATE FUNCTION pg_temp.deliver(event text, id text, room text, created bigint, identity text,
                                joined bigint, status text, call_id text, call_id_full text,
                                reason text DEFAULT NULL, kind text DEFAULT 'SIP')
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    body text := json_build_object(
        'event', event, 'id', id, 'createdAt', created::text,
        'room', json_build_object('sid', 'RM_' || room, 'name', room, 'creationTime', '1767268500'),
        'participant', json_strip_nulls(json_build_object(
            'identity', identity, 'kind', kind, 'joinedAt', joined::text, 'disconnectReason', reason,
            'attributes', json_strip_nulls(json_build_object(
                'sip.callStatus', status, 'sip.callID', call_id, 'sip.callIDFull', call_id_full)))))::text;
BEGIN
    RETURN (callout.process_livekit_webhook(
        body, livekit_test.livekit_token(body, 'APIdetail', 'detail-secret-of-at-least-32-characters',
                                         1767268800))).status;
END
$$;

-- What callout.calls shows of a call's detail.
CREATE FUNCTION pg_temp.detail(room text) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'status', v.status, 'outcome', v.outcome, 'duration_seconds', v.duration_seconds,
        'sip_call_id', v.sip_call_id, 'sip_call_id_full', v.sip_call_id_full,
        'answered_at', extract(epoch FROM v.answered_at)::bigint,
        'ring_seconds', v.ring_seconds, 'talk_seconds', v.talk_seconds)
    FROM callout.calls AS v WHERE v.room_name = room
$$;

-- ---- a leg that joined answered (4)

SELECT callout.register_call('tenant-detail', 'detail-on-join', 'outbound', '+14155550901');
SELECT is(pg_temp.deliver('participant_joined', 'EV_DETAIL_JOIN', 'detail-on-join', 1767268710,
                          'lead-901', 1767268710, 'active', 'SCL_detailA', 'a1@198.51.100.7'),
          'processed', 'the leg that joined answered is delivered');
SELECT is(pg_temp.detail('detail-on-join'),
          '{"status": "in_progress", "outcome": null, "duration_seconds": null,
            "sip_call_id": "SCL_detailA", "sip_call_id_full": "a1@198.51.100.7",
            "answered_at": 1767268710, "ring_seconds": 0, "talk_seconds": null}',
          'in progress: its SIP call ids, answered when it joined, no ringing, no talk time yet');
SELECT is(pg_temp.deliver('participant_left', 'EV_DETAIL_LEFT', 'detail-on-join', 1767268770,
                          'lead-901', 1767268710, 'hangup', 'SCL_detailA', NULL, 'CLIENT_INITIATED'),
          'processed', 'its leave is delivered');
SELECT is(pg_temp.detail('detail-on-join'),
          '{"status": "ended", "outcome": "completed", "duration_seconds": 60,
            "sip_call_id": "SCL_detailA", "sip_call_id_full": "a1@198.51.100.7",
            "answered_at": 1767268710, "ring_seconds": 0, "talk_seconds": 60}',
          'ended: the full id its join carried, no ringing, 60 s of talk');

-- ---- two legs, delivered before the call was registered (4)

SELECT is(ARRAY[
    pg_temp.deliver('participant_joined', 'EV_DETAIL_L1_JOIN', 'detail-two-legs', 1767268600,
                    'transfer-target', 1767268600, 'active', 'SCL_detailB1', 'b1@198.51.100.7'),
    pg_temp.deliver('participant_left', 'EV_DETAIL_L1_LEFT', 'detail-two-legs', 1767268650,
                    'transfer-target', 1767268600, 'hangup', 'SCL_detailB1', 'b1@198.51.100.7',
                    'CLIENT_INITIATED'),
    pg_temp.deliver('participant_joined', 'EV_DETAIL_L2_JOIN', 'detail-two-legs', 1767268700,
                    'lead-902', 1767268700, 'dialing', 'SCL_detailB2', 'b2@198.51.100.7'),
    pg_temp.deliver('participant_left', 'EV_DETAIL_L2_LEFT', 'detail-two-legs', 1767268730,
                    'lead-902', 1767268700, 'ringing', 'SCL_detailB2', 'b2@198.51.100.7',
                    'USER_UNAVAILABLE'),
    pg_temp.deliver('participant_joined', 'EV_DETAIL_AGENT', 'detail-two-legs', 1767268701,
                    'agent-902', 1767268701, 'active', 'SCL_agent', 'agent@198.51.100.7', NULL, 'AGENT')],
    ARRAY['unmatched', 'unmatched', 'unmatched', 'unmatched', 'unmatched'],
    'five events of a room no call claims yet wait (an unbound key: in the pending store)');
SELECT is(ARRAY(SELECT p.event_id || ' ' || coalesce(p.sip_call_id, '-') || ' ' || coalesce(p.sip_call_id_full, '-')
                FROM callout.pending_event AS p WHERE p.room_name = 'detail-two-legs' ORDER BY p.event_id),
          ARRAY['EV_DETAIL_AGENT - -', 'EV_DETAIL_L1_JOIN SCL_detailB1 b1@198.51.100.7',
                'EV_DETAIL_L1_LEFT SCL_detailB1 b1@198.51.100.7', 'EV_DETAIL_L2_JOIN SCL_detailB2 b2@198.51.100.7',
                'EV_DETAIL_L2_LEFT SCL_detailB2 b2@198.51.100.7'],
          'the waiting phone leg events hold their SIP call ids; the agent''s attributes are not read');
SELECT callout.register_call('tenant-detail', 'detail-two-legs', 'outbound', '+14155550902');
SELECT is(ARRAY(SELECT e.event_id || ' ' || coalesce(e.sip_call_id, '-') || ' ' || coalesce(e.sip_call_id_full, '-')
                FROM callout.livekit_call_event AS e JOIN callout.call_log AS c ON c.id = e.call_log_id
                WHERE c.room_name = 'detail-two-legs' ORDER BY e.event_id),
          ARRAY['EV_DETAIL_AGENT - -', 'EV_DETAIL_L1_JOIN SCL_detailB1 b1@198.51.100.7',
                'EV_DETAIL_L1_LEFT SCL_detailB1 b1@198.51.100.7', 'EV_DETAIL_L2_JOIN SCL_detailB2 b2@198.51.100.7',
                'EV_DETAIL_L2_LEFT SCL_detailB2 b2@198.51.100.7'],
          'registered, the call takes the waiting events with their SIP call ids');
SELECT is(pg_temp.detail('detail-two-legs'),
          '{"status": "ended", "outcome": "no_answer", "duration_seconds": 30,
            "sip_call_id": "SCL_detailB2", "sip_call_id_full": "b2@198.51.100.7",
            "answered_at": null, "ring_seconds": 30, "talk_seconds": null}',
          'the leg that ended the call rang out: its ids, not answered (the other leg''s answer is not its), 30 s of ringing');

-- ---- times that LiveKit would never send, read without an error (2)

-- A leg that joined in 1970 and left in 5138: more seconds than an integer holds, so no duration
-- (as the event's own), and no talk time either; the view is still read.
SELECT callout.register_call('tenant-detail', 'detail-far-end', 'outbound', '+14155550903');
SELECT is(pg_temp.deliver('participant_left', 'EV_DETAIL_FAR_LEFT', 'detail-far-end', 99999999999,
                          'lead-903', 1, 'hangup', 'SCL_detailC', NULL, 'CLIENT_INITIATED'),
          'processed', 'a leave 99999999998 s after its join is delivered');
SELECT is(pg_temp.detail('detail-far-end'),
          '{"status": "ended", "outcome": "completed", "duration_seconds": null,
            "sip_call_id": "SCL_detailC", "sip_call_id_full": null,
            "answered_at": 1, "ring_seconds": null, "talk_seconds": null}',
          'answered (hangup) when it joined, but its duration and talk time are beyond an integer: none');

-- ---- the column is not indexed (1)

SELECT is(ARRAY(SELECT i.indexrelid::regclass::text FROM pg_index AS i
                JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                WHERE i.indrelid IN ('callout.call_log'::regclass, 'callout.livekit_call_event'::regclass,
                                     'callout.pending_event'::regclass)
                  AND a.attname IN ('sip_call_id', 'sip_call_id_full', 'answered_on_join')),
          '{}'::text[],
          'no index holds the SIP call ids or answered_on_join: a delivery''s UPDATE writes no entry for them');

SELECT * FROM finish();
ROLLBACK;
