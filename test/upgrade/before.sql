-- Data an older version holds when it is updated: a key, a registered call and the event of its
-- phone leg joining (run against the old version, with the test signer loaded).
SET callout.verify_at = '2026-01-01 12:00:00+00';
SELECT callout.add_signing_key('APIupgrade', 'upgrade-secret-of-at-least-32-characters');
SELECT callout.register_call('tenant-u', 'outbound-upgrade', 'outbound');
SELECT r.status FROM (SELECT '{"event":"participant_joined","id":"EV_upgrade_join","createdAt":"1767268801","room":{"sid":"RM_upgrade","name":"outbound-upgrade"},"participant":{"identity":"lead","kind":"SIP","joinedAt":"1767268801"}}'::text AS b) AS d,
     LATERAL callout.process_livekit_webhook(d.b, livekit_test.livekit_token(d.b, 'APIupgrade',
         'upgrade-secret-of-at-least-32-characters', 1767268800)) AS r;
