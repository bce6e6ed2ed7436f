-- What the dump round trip carries: keys, a route, role mappings, calls (registered and
-- auto-created), processed and unmatched events, a parked delivery, and a database setting of
-- callout.
\set ON_ERROR_STOP 1
SELECT callout.add_signing_key('APIdump', 'dump-secret-of-at-least-32-characters');
SELECT callout.add_signing_key('APIdumpOld', 'old-dump-secret-of-at-least-32-chars', 'tenant-d', true);
SELECT callout.revoke_signing_key('APIdumpOld');
SELECT callout.add_phone_route('+18005550160', 'tenant-d', 'agent-d');
SELECT callout.trust_gateway_role('callout_dump_gateway');
SELECT callout.map_tenant_role('callout_dump_tenant', 'tenant-d');
-- an auditor: the auditors' policies name it (pg_dump keeps no policy of an extension's table)
SELECT callout.map_tenant_role('callout_dump_auditor', NULL);
SET callout.verify_at = '2026-01-01 12:00:00+00';
SELECT callout.register_call('tenant-d', 'outbound-dump-1', 'outbound', '+4930901800160', 'c-dump', 'agent-o',
                             '{"lead": 1}');
CREATE TEMP TABLE delivery (body text);
INSERT INTO delivery VALUES
 ('{"event":"participant_left","id":"EV_dump_1","createdAt":"1767268988","room":{"sid":"RM_dump_1","name":"outbound-dump-1","creationTime":"1767268800"},"participant":{"identity":"lead","kind":"SIP","joinedAt":"1767268801","disconnectReason":"CLIENT_INITIATED","attributes":{"sip.callStatus":"hangup"}}}'),
 ('{"event":"participant_joined","id":"EV_dump_2","createdAt":"1767268801","room":{"sid":"RM_dump_2","name":"call-_+14155550160_dump"},"participant":{"identity":"sip_1","kind":"SIP","joinedAt":"1767268801","attributes":{"sip.callStatus":"active","sip.ruleID":"SDR_d","sip.trunkPhoneNumber":"+18005550160","sip.phoneNumber":"+14155550160"}}}'),
 ('{"event":"room_started","id":"EV_dump_3","createdAt":"1767268800","room":{"sid":"RM_dump_3","name":"room-nobody-registered"}}');
-- and what stores nothing new: a duplicate, an ignored event, a rejection
INSERT INTO delivery VALUES
 ('{"event":"participant_left","id":"EV_dump_1","createdAt":"1767268988","room":{"sid":"RM_dump_1","name":"outbound-dump-1","creationTime":"1767268800"},"participant":{"identity":"lead","kind":"SIP","joinedAt":"1767268801","disconnectReason":"CLIENT_INITIATED","attributes":{"sip.callStatus":"hangup"}}}'),
 ('{"event":"track_published","id":"EV_dump_4","room":{"name":"outbound-dump-1"}}'),
 ('not json at all');
SELECT r.status FROM delivery AS d,
     LATERAL callout.process_livekit_webhook(d.body, livekit_test.livekit_token(d.body, 'APIdump',
         'dump-secret-of-at-least-32-characters', 1767268800)) AS r;
-- a delivery with a key not yet added, parked until it is
SELECT r.status, r.reason FROM (SELECT '{"event":"room_finished","id":"EV_dump_parked","room":{"sid":"RM_dump_1","name":"outbound-dump-1"}}'::text AS body) AS d,
     LATERAL callout.process_livekit_webhook(d.body, livekit_test.livekit_token(d.body, 'APIdumpLater',
         'later-dump-secret-of-at-least-32-chars', 1767268800)) AS r;
