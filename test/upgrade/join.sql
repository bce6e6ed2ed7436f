-- The phone leg's join, delivered to the old version before it is updated: prints the answer's
-- status. First, in the same session, an update that is rolled back after a delivery under the
-- new version (its status printed first): the session must not go on as if the database were
-- updated.
SET callout.verify_at = '2026-01-01 12:00:00+00';
\set ON_ERROR_STOP 1
BEGIN;
ALTER EXTENSION callout UPDATE;
SELECT r.status FROM (SELECT '{"event":"room_started","id":"EV_upgrade_rolled_back","createdAt":"1767268801","room":{"sid":"RM_upgrade_rolled_back","name":"outbound-upgrade-rolled-back"}}'::text AS b) AS d,
     LATERAL callout.process_livekit_webhook(d.b, livekit_test.livekit_token(d.b, 'APIupgrade',
         'upgrade-secret-of-at-least-32-characters', 1767268800)) AS r;
ROLLBACK;
\set ON_ERROR_STOP 0
SELECT r.status FROM (SELECT '{"event":"participant_joined","id":"EV_upgrade_join","createdAt":"1767268801","room":{"sid":"RM_upgrade","name":"outbound-upgrade"},"participant":{"identity":"lead","kind":"SIP","joinedAt":"1767268801"}}'::text AS b) AS d,
     LATERAL callout.process_livekit_webhook(d.b, livekit_test.livekit_token(d.b, 'APIupgrade',
         'upgrade-secret-of-at-least-32-characters', 1767268800)) AS r;
