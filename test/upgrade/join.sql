-- The phone leg's join, delivered to the old version before it is updated: prints the answer's
-- status.
SET callout.verify_at = '2026-01-01 12:00:00+00';
SELECT r.status FROM (SELECT '{"event":"participant_joined","id":"EV_upgrade_join","createdAt":"1767268801","room":{"sid":"RM_upgrade","name":"outbound-upgrade"},"participant":{"identity":"lead","kind":"SIP","joinedAt":"1767268801"}}'::text AS b) AS d,
     LATERAL callout.process_livekit_webhook(d.b, livekit_test.livekit_token(d.b, 'APIupgrade',
         'upgrade-secret-of-at-least-32-characters', 1767268800)) AS r;
