-- What a delivery leaves behind, one line per call and per event, keyed by room name and event
-- id (identity values differ between databases): the webhook-owned columns of every call, and
-- every stored event with its call's room, facts and payload.
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
SET TimeZone = 'UTC';
SELECT 'call', c.room_name, c.user_id, c.direction, c.status, c.outcome, c.duration_seconds, c.disconnect_reason,
       c.sip_call_status, c.started_at, c.answered_at, c.ended_at, c.room_sid, c.phone_number,
       c.recording_url, c.campaign_id, c.origin, c.sip_call_id, c.sip_call_id_full, c.answered_on_join
FROM callout.call_log AS c ORDER BY c.room_name, c.id;
SELECT 'event', e.event_id, c.room_name AS call_room, e.user_id, e.api_key, e.event_type, e.room_name,
       e.room_sid, e.event_created_at, encode(e.body_sha256, 'hex'), e.room_creation_time,
       e.participant_identity, e.participant_kind, e.is_sip, e.joined_at, e.disconnect_reason,
       e.sip_call_status, e.sip_phone_number, e.sip_trunk_phone_number, e.call_duration_seconds,
       e.recording_url, e.egress_status, e.payload, e.sip_call_id, e.sip_call_id_full
FROM public.stored_event AS e LEFT JOIN callout.call_log AS c ON c.id = e.call_log_id
ORDER BY e.event_id;
