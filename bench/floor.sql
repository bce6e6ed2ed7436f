-- The floor: the writes process_livekit_webhook makes on callout's own tables for a SIP
-- participant's participant_left, as one statement, with no verification. Reads the body the
-- way callout's statement does; the event row gets the same columns (read from the jsonb here),
-- the call row the same columns (computed from this one event), and NOTIFY callout_outcome
-- carries the call id when the outcome is recorded or changes (callout.notify, default on).
-- bench/run prepares it for pgbench (:id) and wraps it in bench.floor_apply(body) for the replay.
WITH delivery AS (
    SELECT d.body, d.body::jsonb AS p FROM bench.delivery AS d WHERE d.id = :id
), ev AS (
    SELECT delivery.body, delivery.p, delivery.p -> 'room' AS room,
           delivery.p -> 'participant' AS part,
           delivery.p -> 'participant' -> 'attributes' AS attrs,
           to_timestamp((delivery.p ->> 'createdAt')::bigint) AS created_at,
           ((delivery.p ->> 'createdAt')::bigint
            - (delivery.p -> 'participant' ->> 'joinedAt')::bigint)::integer AS duration
    FROM delivery
), call AS (
    SELECT c.id, c.user_id, c.outcome FROM callout.call_log AS c, ev
    WHERE c.room_name = ev.room ->> 'name' AND c.status IN ('registered', 'in_progress')
      AND c.room_sid IS NULL
), stored AS (
    INSERT INTO callout.livekit_call_event AS e (
        event_id, call_log_id, user_id, api_key, event_type, room_name, room_sid,
        event_created_at, body_sha256, room_creation_time, participant_identity,
        participant_kind, is_sip, joined_at, disconnect_reason, sip_call_status,
        sip_phone_number, sip_trunk_phone_number, call_duration_seconds, recording_url,
        egress_status, payload, sip_call_id, sip_call_id_full)
    SELECT ev.p ->> 'id', call.id, call.user_id, 'APIbench', ev.p ->> 'event',
           ev.room ->> 'name', ev.room ->> 'sid', ev.created_at,
           sha256(convert_to(ev.body, 'UTF8')),
           to_timestamp((ev.room ->> 'creationTime')::bigint),
           ev.part ->> 'identity', coalesce(ev.part ->> 'kind', 'STANDARD'),
           coalesce(ev.part ->> 'kind' = 'SIP', false),
           to_timestamp((ev.part ->> 'joinedAt')::bigint),
           coalesce(ev.part ->> 'disconnectReason', 'UNKNOWN_REASON'),
           ev.attrs ->> 'sip.callStatus',
           ev.attrs ->> 'sip.phoneNumber', ev.attrs ->> 'sip.trunkPhoneNumber',
           CASE WHEN ev.duration >= 0 THEN ev.duration END, NULL, NULL,
           ev.p #- '{room,turnPassword}', ev.attrs ->> 'sip.callID', ev.attrs ->> 'sip.callIDFull'
    FROM ev LEFT JOIN call ON true
    ON CONFLICT (user_id, event_id) DO NOTHING
    RETURNING e.call_log_id, e.room_sid, e.room_creation_time, e.event_created_at, e.joined_at,
              e.call_duration_seconds, e.disconnect_reason, e.sip_call_status, e.sip_phone_number,
              e.sip_call_id, e.sip_call_id_full
), updated AS (
    UPDATE callout.call_log AS c SET
        room_sid = coalesce(c.room_sid, stored.room_sid),
        status = 'ended',
        started_at = stored.room_creation_time,
        ended_at = stored.event_created_at,
        duration_seconds = stored.call_duration_seconds,
        disconnect_reason = stored.disconnect_reason,
        sip_call_status = stored.sip_call_status,
        phone_number = coalesce(c.registered_phone_number, stored.sip_phone_number,
                                callout.extract_phone_number(c.room_name)),
        recording_url = NULL,
        outcome = decided.outcome,
        answered_at = CASE WHEN decided.outcome = 'completed'
                                 OR lower(stored.sip_call_status) IN ('active', 'automation', 'hangup')
                           THEN stored.joined_at END,
        answered_on_join = false,
        sip_call_id = stored.sip_call_id,
        sip_call_id_full = stored.sip_call_id_full,
        updated_at = now(),
        feed_xact = CASE WHEN c.outcome IS DISTINCT FROM decided.outcome THEN pg_current_xact_id() ELSE c.feed_xact END
    FROM stored
         CROSS JOIN LATERAL (SELECT callout.classify_outcome(stored.call_duration_seconds,
                 stored.disconnect_reason, stored.sip_call_status, 3, 10) AS outcome) AS decided
         JOIN call ON call.id = stored.call_log_id
    WHERE c.id = stored.call_log_id
    RETURNING c.id, c.outcome, call.outcome AS previous
)
SELECT updated.id, updated.outcome,
       CASE WHEN updated.outcome IS DISTINCT FROM updated.previous
                 AND coalesce(current_setting('callout.notify', true), 'on')::boolean
            THEN pg_notify('callout_outcome', updated.id::text) END AS notified
FROM updated;
