-- Data an older version holds when it is updated: a key and a registered call (run against the
-- old version, with the test signer loaded). test/run then delivers the phone leg's join
-- (test/upgrade/join.sql) before the update.
SET callout.verify_at = '2026-01-01 12:00:00+00';
SELECT callout.add_signing_key('APIupgrade', 'upgrade-secret-of-at-least-32-characters');
SELECT callout.register_call('tenant-u', 'outbound-upgrade', 'outbound');
-- an event no call claimed, as the old version stored it (no tenant, no call), an event attached
-- to a call without a tenant of its own, and a trusted gateway role, kept by name before 0.4.0
INSERT INTO callout.livekit_call_event (event_id, event_type, room_name, room_sid, body_sha256, payload)
VALUES ('EV_upgrade_waiting', 'room_started', 'outbound-upgrade-late', 'RM_upgrade_late', '\x00',
        '{"event":"room_started","id":"EV_upgrade_waiting"}');
INSERT INTO callout.livekit_call_event (event_id, event_type, room_name, room_sid, body_sha256, payload,
                                        call_log_id)
SELECT 'EV_upgrade_attached', 'room_started', 'outbound-upgrade-attached', 'RM_upgrade_attached', '\x00',
       '{"event":"room_started","id":"EV_upgrade_attached"}',
       callout.register_call('tenant-u', 'outbound-upgrade-attached', 'outbound');
-- a call whose phone leg joined answered and left, as stored before the SIP call ids were read
-- (the call row not made yet: the update makes it from its events), and a phone leg's event that
-- waits for the room of the event no call claimed
INSERT INTO callout.livekit_call_event (event_id, event_type, room_name, room_sid, body_sha256, payload,
                                        event_created_at, participant_identity, participant_kind, is_sip,
                                        joined_at, disconnect_reason, sip_call_status, call_duration_seconds,
                                        call_log_id)
SELECT e.event_id, e.event_type, 'outbound-upgrade-detail', 'RM_upgrade_detail', '\x00', p.payload,
       to_timestamp(e.created), 'lead-detail', 'SIP', true, to_timestamp(1767268700), e.reason, e.status,
       e.duration, c.id
FROM (VALUES ('EV_upgrade_detail_join', 'participant_joined', 1767268700, NULL, 'active', NULL),
             ('EV_upgrade_detail_left', 'participant_left', 1767268760, 'CLIENT_INITIATED', 'hangup', 60))
         AS e (event_id, event_type, created, reason, status, duration),
     LATERAL (SELECT jsonb_build_object('event', e.event_type, 'id', e.event_id,
                                        'participant', jsonb_build_object(
                                            'identity', 'lead-detail', 'kind', 'SIP',
                                            'attributes', jsonb_build_object(
                                                'sip.callStatus', e.status, 'sip.callID', 'SCL_upgrade_detail',
                                                'sip.callIDFull', 'detail@203.0.113.10'))) AS payload) AS p,
     (SELECT callout.register_call('tenant-u', 'outbound-upgrade-detail', 'outbound') AS id) AS c;
INSERT INTO callout.livekit_call_event (event_id, event_type, room_name, room_sid, body_sha256, payload,
                                        participant_identity, participant_kind, is_sip, joined_at)
VALUES ('EV_upgrade_waiting_leg', 'participant_joined', 'outbound-upgrade-late', 'RM_upgrade_late', '\x00',
        '{"event":"participant_joined","id":"EV_upgrade_waiting_leg","participant":{"identity":"lead-late","kind":"SIP","attributes":{"sip.callID":"SCL_upgrade_late","sip.callIDFull":7}}}',
        'lead-late', 'SIP', true, to_timestamp(1767268790));
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callout_upgrade_gw') THEN
        CREATE ROLE callout_upgrade_gw;
    END IF;
END $$;
SELECT callout.trust_gateway_role('callout_upgrade_gw');
-- an auditor, where the version maps roles: after the update the auditors' policies name it
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callout_upgrade_auditor') THEN
        CREATE ROLE callout_upgrade_auditor;
    END IF;
    IF to_regprocedure('callout.map_tenant_role(name, text)') IS NOT NULL THEN
        PERFORM callout.map_tenant_role('callout_upgrade_auditor', NULL);
    END IF;
END $$;
