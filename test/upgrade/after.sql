-- After the update: the call registered before it takes its leave event and its join (stored
-- before the update, a duplicate now; or stored now, when the old version could not ingest with
-- this library), the join again is a duplicate, and the row is made from both, its outcome in the
-- feed; what the old version held is migrated. Prints one line per check, 'ok' when it holds.
SET callout.verify_at = '2026-01-01 12:00:00+00';
CREATE TEMP TABLE answer AS
SELECT d.name, r.status, r.reason, r.outcome
FROM (VALUES (1, 'leave', '{"event":"participant_left","id":"EV_upgrade_leave","createdAt":"1767268988","room":{"sid":"RM_upgrade","name":"outbound-upgrade"},"participant":{"identity":"lead","kind":"SIP","joinedAt":"1767268801","disconnectReason":"CLIENT_INITIATED"}}'),
             (2, 'join', '{"event":"participant_joined","id":"EV_upgrade_join","createdAt":"1767268801","room":{"sid":"RM_upgrade","name":"outbound-upgrade"},"participant":{"identity":"lead","kind":"SIP","joinedAt":"1767268801"}}'),
             (3, 'again', '{"event":"participant_joined","id":"EV_upgrade_join","createdAt":"1767268801","room":{"sid":"RM_upgrade","name":"outbound-upgrade"},"participant":{"identity":"lead","kind":"SIP","joinedAt":"1767268801"}}')) AS d (n, name, b),
     LATERAL callout.process_livekit_webhook(d.b, livekit_test.livekit_token(d.b, 'APIupgrade',
         'upgrade-secret-of-at-least-32-characters', 1767268800)) AS r
ORDER BY d.n;
-- the event no call claimed waits in the pending store, and moves to the call registered for its
-- room; the attached event stays with its call, under its call's tenant; the trusted role is
-- still trusted, by its OID, and may read the outcome feed as a role trusted now would; the
-- auditor mapped before is named by the auditors' policies
CREATE TEMP TABLE waited AS
SELECT (SELECT count(*) FROM callout.pending_event WHERE event_id = 'EV_upgrade_waiting') AS pending_before,
       callout.register_call('tenant-u', 'outbound-upgrade-late', 'outbound') AS late_call;
SELECT CASE WHEN (SELECT pending_before FROM waited) = 1
             AND (SELECT e.call_log_id = w.late_call AND e.user_id = 'tenant-u'
                  FROM callout.livekit_call_event AS e, waited AS w WHERE e.event_id = 'EV_upgrade_waiting')
             AND (SELECT count(*) FROM callout.pending_event) = 0
             AND (SELECT c.room_sid FROM callout.call_log AS c, waited AS w WHERE c.id = w.late_call) = 'RM_upgrade_late'
             AND EXISTS (SELECT FROM callout.gateway_role WHERE role = 'callout_upgrade_gw'::regrole)
             AND has_function_privilege('callout_upgrade_gw', 'callout.outcome_changes(xid8, bigint, integer)', 'EXECUTE')
             AND has_function_privilege('callout_upgrade_gw', 'callout.consume_outcomes(text, integer)', 'EXECUTE')
             AND has_function_privilege('callout_upgrade_gw', 'callout.acknowledge_outcomes(text, xid8, bigint)', 'EXECUTE')
             AND has_function_privilege('callout_upgrade_gw', 'callout.process_livekit_webhook(text, text)', 'EXECUTE')
             AND (SELECT c.room_name || '/' || e.user_id FROM callout.livekit_call_event AS e
                  JOIN callout.call_log AS c ON c.id = e.call_log_id
                  WHERE e.event_id = 'EV_upgrade_attached') = 'outbound-upgrade-attached/tenant-u'
             AND (SELECT count(*) FILTER (WHERE p.roles = CASE WHEN EXISTS (SELECT FROM callout.tenant_role
                                                                             WHERE user_id IS NULL)
                                                              THEN '{callout_upgrade_auditor}'::name[]
                                                              ELSE '{pg_database_owner}' END)
                  FROM pg_catalog.pg_policies AS p
                  WHERE p.schemaname = 'callout' AND p.policyname LIKE '%\_audit') = 3
        THEN 'ok' ELSE 'not ok: the waiting event, the attached event, the trusted role (or its grants) or the auditor' END;
SELECT CASE WHEN (SELECT status || '/' || outcome FROM answer WHERE name = 'leave') = 'processed/completed'
             AND (SELECT status FROM answer WHERE name = 'join') IN ('processed', 'duplicate')
             AND (SELECT status || '/' || reason FROM answer WHERE name = 'again') = 'duplicate/already processed'
             AND (SELECT c.status || '/' || c.outcome || '/' || c.duration_seconds || '/' || c.room_sid
                  FROM callout.call_log AS c WHERE c.room_name = 'outbound-upgrade') = 'ended/completed/187/RM_upgrade'
             AND (SELECT c.feed_xact IS NOT NULL FROM callout.call_log AS c WHERE c.room_name = 'outbound-upgrade')
             AND (SELECT count(*) FROM callout.livekit_call_event WHERE room_name = 'outbound-upgrade') = 2
        THEN 'ok' ELSE 'not ok: ' || (SELECT string_agg(name || ' ' || status || ' ' || coalesce(reason, outcome::text, ''), '; ') FROM answer) END;
-- the update read the SIP call ids out of the stored payloads (an id that is no string is none),
-- and made the call whose events it held again: its leg's ids, answered when it joined, no
-- ringing, its talk; the waiting leg's event took its ids to the call registered for its room
SELECT CASE WHEN (SELECT string_agg(e.event_id || ' ' || coalesce(e.sip_call_id, '-') || ' '
                                    || coalesce(e.sip_call_id_full, '-'), ', ' ORDER BY e.event_id)
                  FROM callout.livekit_call_event AS e
                  WHERE e.event_id IN ('EV_upgrade_detail_join', 'EV_upgrade_detail_left', 'EV_upgrade_waiting_leg'))
                 = 'EV_upgrade_detail_join SCL_upgrade_detail detail@203.0.113.10, '
                   'EV_upgrade_detail_left SCL_upgrade_detail detail@203.0.113.10, EV_upgrade_waiting_leg SCL_upgrade_late -'
             AND (SELECT concat_ws('/', c.status, c.outcome, c.sip_call_id, c.sip_call_id_full,
                                   extract(epoch FROM c.answered_at)::bigint, c.ring_seconds, c.talk_seconds)
                  FROM callout.calls AS c WHERE c.room_name = 'outbound-upgrade-detail')
                 = 'ended/completed/SCL_upgrade_detail/detail@203.0.113.10/1767268700/0/60'
             AND (SELECT c.sip_call_id FROM callout.call_log AS c, waited AS w WHERE c.id = w.late_call)
                 = 'SCL_upgrade_late'
        THEN 'ok' ELSE 'not ok: the SIP call ids of the events and calls, or the call made again' END;
