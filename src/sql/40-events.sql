-- The events: one row per accepted event (tenant data, under row-level security).

CREATE TABLE callout.livekit_call_event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id text NOT NULL CHECK (event_id <> ''),
    call_log_id bigint REFERENCES callout.call_log (id),
    user_id text,
    api_key text,
    event_type text NOT NULL,
    room_name text NOT NULL,
    room_sid text,
    event_created_at timestamptz,
    received_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    body_sha256 bytea NOT NULL,
    room_creation_time timestamptz,
    participant_identity text,
    participant_kind text,
    is_sip boolean NOT NULL DEFAULT false,
    joined_at timestamptz,
    disconnect_reason text,
    sip_call_status text,
    sip_phone_number text,
    sip_trunk_phone_number text,
    call_duration_seconds integer,
    recording_url text,
    egress_status text,
    payload jsonb);
COMMENT ON TABLE callout.livekit_call_event IS 'one row per accepted event (event_id is the idempotency key); call_log_id is NULL while unmatched';
COMMENT ON COLUMN callout.livekit_call_event.user_id IS 'the call''s tenant, or while unmatched the signing key''s tenant (NULL for an unbound key)';
COMMENT ON COLUMN callout.livekit_call_event.payload IS 'the event as received, without credentials (room.turnPassword, egress storage keys, stream URLs)';
CREATE UNIQUE INDEX livekit_call_event_event_id ON callout.livekit_call_event (event_id);
CREATE INDEX livekit_call_event_call ON callout.livekit_call_event (call_log_id);
CREATE INDEX livekit_call_event_tenant ON callout.livekit_call_event (user_id, received_at);
CREATE INDEX livekit_call_event_unmatched ON callout.livekit_call_event (room_name, received_at)
    WHERE call_log_id IS NULL;

SELECT pg_catalog.pg_extension_config_dump('callout.livekit_call_event', '');
SELECT pg_catalog.pg_extension_config_dump('callout.livekit_call_event_id_seq', '');

-- Attaches to a call just created for its room (of tenant user_id) the room's unmatched events
-- that arrived within callout.unmatched_window and match it as they would if delivered now
-- (callout._matching_call, with the key's tenant each was stored under). True when any were.
CREATE FUNCTION callout._attach_unmatched(call_id bigint, user_id text, room_name text,
                                          window_seconds integer)
RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE callout.livekit_call_event AS e SET call_log_id = call_id, user_id = _attach_unmatched.user_id
    WHERE e.call_log_id IS NULL AND e.room_name = _attach_unmatched.room_name
      AND e.received_at >= pg_catalog.now() - pg_catalog.make_interval(secs => window_seconds)
      AND EXISTS (SELECT 1 FROM callout._matching_call(e.room_sid, e.room_name, e.user_id) AS m
                  WHERE m.id = call_id);
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION callout._attach_unmatched(bigint, text, text, integer) IS 'internal: attaches a room''s waiting events to its new call';
