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
