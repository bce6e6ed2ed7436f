-- Data an older version holds when it is updated: a key and a registered call (run against the
-- old version, with the test signer loaded). test/run then delivers the phone leg's join
-- (test/upgrade/join.sql) before the update.
SET callout.verify_at = '2026-01-01 12:00:00+00';
SELECT callout.add_signing_key('APIupgrade', 'upgrade-secret-of-at-least-32-characters');
SELECT callout.register_call('tenant-u', 'outbound-upgrade', 'outbound');
