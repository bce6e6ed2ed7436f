-- The paths that make a call's row again from its events (_recompute_call, through
-- registration, reclassify_calls and attach_late_events) against a delivery's own, with what a
-- DBA may add to the tables: a BEFORE INSERT trigger that changes an event, a BEFORE UPDATE
-- trigger that skips a call, a NOT NULL domain column; a room name LiveKit used for two rooms
-- before the call was registered; and a recompute that changes nothing.
BEGIN;
SELECT plan(23);

-- section 7 counts the calls of callout._matching_call_id (C functions are counted under 'all'),
-- set before any expression that calls it is prepared in this transaction
SET LOCAL track_functions = 'all';
SET LOCAL callout.verify_at = '2026-01-01 12:00:00+00';
SELECT callout.add_signing_key('APIadv', 'adv-secret-of-at-least-32-characters-long');

-- One delivery of a JSON body with the (unbound) key above: 'status[/outcome]'.
CREATE FUNCTION pg_temp.deliver(body jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    answer callout.webhook_result;
BEGIN
    answer := callout.process_livekit_webhook(
        body::text, livekit_test.livekit_token(body::text, 'APIadv',
                                                'adv-secret-of-at-least-32-characters-long',
                                                1767268800));
    RETURN answer.status || coalesce('/' || answer.outcome, '');
END
$$;

CREATE FUNCTION pg_temp.room_started(id text, room text, sid text, at bigint) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_build_object('event', 'room_started', 'id', id, 'createdAt', at::text,
                              'room', jsonb_build_object('sid', sid, 'name', room, 'creationTime', at::text))
$$;
CREATE FUNCTION pg_temp.leg(event text, id text, room text, sid text, at bigint, joined bigint,
                            phone text DEFAULT NULL, reason text DEFAULT NULL) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_build_object('event', event, 'id', id, 'createdAt', at::text,
        'room', jsonb_build_object('sid', sid, 'name', room),
        'participant', jsonb_strip_nulls(jsonb_build_object(
            'identity', 'lead', 'kind', 'SIP', 'joinedAt', joined::text, 'disconnectReason', reason,
            'attributes', jsonb_strip_nulls(jsonb_build_object('sip.callStatus', 'hangup',
                                                               'sip.phoneNumber', phone)))))
$$;
-- The call row as jsonb, without what says when rather than what.
CREATE FUNCTION pg_temp.call_row(call_id bigint) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT to_jsonb(c) - '{id,created_at,updated_at,feed_xact,room_name}'::text[]
    FROM callout.call_log AS c WHERE c.id = call_id
$$;

-- ---- 1. A DBA's BEFORE INSERT trigger on the events that changes a fact the call row is made
-- from (here: a privacy trigger that keeps the leg's number off the event rows). The row must be
-- a function of the set of stored events: a delivery, a registration after the events and
-- reclassify_calls must agree.
CREATE FUNCTION pg_temp.redact_event_number() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.sip_phone_number := NULL;
    RETURN NEW;
END
$$;
CREATE TRIGGER adv_redact BEFORE INSERT ON callout.livekit_call_event
    FOR EACH ROW EXECUTE FUNCTION pg_temp.redact_event_number();

-- registered first, then the leave delivered (the delivery path)
SELECT callout.register_call('tenant-adv', 'adv-redact-1', 'outbound') AS redact_1 \gset
SELECT is(pg_temp.deliver(pg_temp.leg('participant_left', 'EV_adv_r1', 'adv-redact-1', 'RM_adv_r1',
                                      1767268790, 1767268600, '+15550001111', 'CLIENT_INITIATED')),
          'processed/completed', 'redact: the leave is processed');
SELECT pg_temp.call_row(:redact_1) AS delivered_row \gset
-- the same event before its registration (attached, then _recompute_call)
SELECT is(pg_temp.deliver(pg_temp.leg('participant_left', 'EV_adv_r2', 'adv-redact-2', 'RM_adv_r2',
                                      1767268790, 1767268600, '+15550001111', 'CLIENT_INITIATED')),
          'unmatched', 'redact: the same leave of a room not yet registered waits');
SELECT callout.register_call('tenant-adv', 'adv-redact-2', 'outbound') AS redact_2 \gset
SELECT is(pg_temp.call_row(:redact_2) - 'room_sid', :'delivered_row'::jsonb - 'room_sid',
          'redact: a call registered after its events equals one that received them as deliveries');
SELECT callout.reclassify_calls() AS changed \gset
SELECT is(pg_temp.call_row(:redact_1), :'delivered_row'::jsonb,
          'redact: reclassify_calls (same thresholds) leaves a delivered call''s row as it was');
DROP TRIGGER adv_redact ON callout.livekit_call_event;

-- ---- 2. A DBA's BEFORE UPDATE trigger on call_log that skips updates of calls under a hold
-- (RETURN NULL), as UPDATE and logical replication honour silently. A recompute over such a call
-- must not fail as a "deleted" call with a serialization failure (40001, "Retry").
ALTER TABLE callout.call_log ADD COLUMN adv_hold boolean NOT NULL DEFAULT false;
CREATE FUNCTION pg_temp.hold_calls() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.adv_hold THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER adv_hold BEFORE UPDATE ON callout.call_log
    FOR EACH ROW EXECUTE FUNCTION pg_temp.hold_calls();
SELECT callout.register_call('tenant-adv', 'adv-hold-1', 'outbound') AS hold_1 \gset
SELECT is(pg_temp.deliver(pg_temp.leg('participant_left', 'EV_adv_h1', 'adv-hold-1', 'RM_adv_h1',
                                      1767268790, 1767268600, NULL, 'CLIENT_INITIATED')),
          'processed/completed', 'hold: the call ended');
UPDATE callout.call_log SET adv_hold = true WHERE id = :hold_1;
-- an UPDATE statement of the webhook-owned columns skips the held row without error
SELECT lives_ok($$UPDATE callout.call_log SET outcome = 'failed' WHERE room_name = 'adv-hold-1'$$,
                'hold: an UPDATE of the held call is skipped silently');
SELECT lives_ok($$SELECT callout.reclassify_calls()$$,
                'hold: reclassify_calls over a held call does not fail');
SELECT lives_ok($$SELECT pg_temp.deliver(pg_temp.leg('participant_left', 'EV_adv_h2', 'adv-hold-1',
                  'RM_adv_h1', 1767268795, 1767268600, NULL, 'CLIENT_INITIATED'))$$,
                'hold: a delivery to a held call does not fail as if the call were deleted');
DROP TRIGGER adv_hold ON callout.call_log;
ALTER TABLE callout.call_log DROP COLUMN adv_hold;

-- ---- 3. Registration after waiting events of two LiveKit rooms that used the same name (a
-- dialer reusing a room name; the first room ended). A call is bound to one room sid: a late
-- event never reaches a later call of the same name, and no delivery order after the
-- registration attaches two rooms' events to one call.
SELECT is(pg_temp.deliver(pg_temp.room_started('EV_adv_s1', 'adv-reuse', 'RM_adv_old', 1767268500)),
          'unmatched', 'reuse: the old room started (no call yet)');
SELECT is(pg_temp.deliver(pg_temp.leg('participant_left', 'EV_adv_s2', 'adv-reuse', 'RM_adv_old',
                                      1767268590, 1767268510, NULL, 'CLIENT_INITIATED')),
          'unmatched', 'reuse: its leg left');
SELECT pg_temp.deliver(pg_temp.room_started('EV_adv_s3', 'adv-reuse', 'RM_adv_new', 1767268700));
SELECT pg_temp.deliver(pg_temp.leg('participant_joined', 'EV_adv_s4', 'adv-reuse', 'RM_adv_new',
                                   1767268710, 1767268710));
SELECT callout.register_call('tenant-adv', 'adv-reuse', 'outbound') AS reuse \gset
SELECT is((SELECT count(DISTINCT e.room_sid) FROM callout.livekit_call_event AS e
           WHERE e.call_log_id = :reuse), 1::bigint,
          'reuse: the registered call holds the events of one room sid only');
SELECT is((SELECT jsonb_build_object('room_sid', room_sid, 'status', status, 'started_at', started_at,
                                     'ended_at', ended_at)
           FROM callout.call_log WHERE id = :reuse),
          jsonb_build_object('room_sid', 'RM_adv_old', 'status', 'ended',
                             'started_at', '2026-01-01T11:55:00+00:00', 'ended_at', '2026-01-01T11:56:30+00:00'),
          'reuse: the call is the room whose leave ended it (as when registered first), not a mix');
-- as delivered after the registration instead: the old room binds, the new room's events wait
SELECT callout.register_call('tenant-adv', 'adv-reuse-b', 'outbound') AS reuse_b \gset
SELECT is(ARRAY[pg_temp.deliver(pg_temp.room_started('EV_adv_b1', 'adv-reuse-b', 'RM_adv_old_b', 1767268500)),
                pg_temp.deliver(pg_temp.leg('participant_left', 'EV_adv_b2', 'adv-reuse-b', 'RM_adv_old_b',
                                            1767268590, 1767268510, NULL, 'CLIENT_INITIATED')),
                pg_temp.deliver(pg_temp.room_started('EV_adv_b3', 'adv-reuse-b', 'RM_adv_new_b', 1767268700)),
                pg_temp.deliver(pg_temp.leg('participant_joined', 'EV_adv_b4', 'adv-reuse-b', 'RM_adv_new_b',
                                            1767268710, 1767268710))],
          ARRAY['processed', 'processed/completed', 'unmatched', 'unmatched'],
          'reuse (registered first): the new room''s events do not reach the old room''s call');

-- ---- 4. Bad arguments: a NULL interval is refused whatever the table holds
DELETE FROM callout.livekit_call_event;
DELETE FROM callout.call_log;
SELECT throws_ok($$SELECT callout.expire_stale_calls(NULL)$$, '22023', NULL,
                 'expire_stale_calls(NULL) is refused even with no open call');


-- ---- 4b. reclassify_calls under unchanged thresholds changes nothing, so it leaves updated_at
-- ('when a delivery, an update or housekeeping last changed the row') as it was
SELECT callout.register_call('tenant-adv', 'adv-touch', 'outbound') AS touch \gset
SELECT pg_temp.deliver(pg_temp.leg('participant_left', 'EV_adv_t1', 'adv-touch', 'RM_adv_t',
                                   1767268790, 1767268600, NULL, 'CLIENT_INITIATED'));
UPDATE callout.call_log SET updated_at = '2000-01-01 00:00:00+00' WHERE id = :touch;
SELECT is(callout.reclassify_calls(), 0, 'touch: no outcome changed');
SELECT is((SELECT updated_at FROM callout.call_log WHERE id = :touch), '2000-01-01 00:00:00+00'::timestamptz,
          'touch: reclassify_calls that changed nothing leaves updated_at');

-- ---- 6. A pending event moves to the call's tenant as it was stored, whatever DateStyle and
-- TimeZone the registering session has (rows moved as the table's type, never through text: in
-- DateStyle SQL, Asia/Kolkata's "IST" would be read back as Israel's).
SELECT is(pg_temp.deliver(pg_temp.leg('participant_left', 'EV_adv_tz', 'adv-tz', 'RM_adv_tz', 1767268700,
                                      1767268600, NULL, 'CLIENT_INITIATED')),
          'unmatched', 'time zone: the event waits in the pending store');
CREATE TEMP TABLE tz_before AS
SELECT event_created_at, received_at, joined_at, payload FROM callout.pending_event WHERE event_id = 'EV_adv_tz';
SET LOCAL DateStyle = 'SQL, DMY';
SET LOCAL TimeZone = 'Asia/Kolkata';
SELECT callout.register_call('tenant-adv', 'adv-tz', 'outbound') AS tz_call \gset
SET LOCAL DateStyle = 'ISO';
SET LOCAL TimeZone = 'UTC';
SELECT is((SELECT jsonb_build_object('created', e.event_created_at, 'received', e.received_at, 'joined', e.joined_at,
                                     'payload', e.payload, 'call', e.call_log_id = :tz_call)
           FROM callout.livekit_call_event AS e WHERE e.event_id = 'EV_adv_tz'),
          (SELECT jsonb_build_object('created', b.event_created_at, 'received', b.received_at, 'joined', b.joined_at,
                                     'payload', b.payload, 'call', true) FROM tz_before AS b),
          'time zone: registered in DateStyle SQL and Asia/Kolkata, it is attached with its instants and payload as stored');

-- ---- 7. A registration matches the pending store's events once per room sid, not once per event
-- (on a distributed callout each match asks the room name's tenants' nodes): a room name LiveKit
-- used for two rooms, three events of the first room and four of the second waiting. The call
-- takes the first room's events (the sid of the first to arrive), the second room's keep waiting.
SELECT count(*) FILTER (WHERE pg_temp.deliver(pg_temp.room_started(r.id, 'adv-sids', r.sid, r.at)) = 'unmatched')
       AS waiting
FROM (VALUES ('EV_adv_sid1', 'RM_adv_s_old', 1767268100), ('EV_adv_sid2', 'RM_adv_s_old', 1767268101),
             ('EV_adv_sid3', 'RM_adv_s_old', 1767268102), ('EV_adv_sid4', 'RM_adv_s_new', 1767268200),
             ('EV_adv_sid5', 'RM_adv_s_new', 1767268201), ('EV_adv_sid6', 'RM_adv_s_new', 1767268202),
             ('EV_adv_sid7', 'RM_adv_s_new', 1767268203)) AS r (id, sid, at) \gset
SELECT pg_stat_get_xact_function_calls('callout._matching_call_id(text, text, text)'::regprocedure)
       AS matches_before \gset
SELECT callout.register_call('tenant-adv', 'adv-sids', 'outbound') AS sids_call \gset
SELECT is(:waiting::bigint, 7::bigint, 'sids: seven events of two rooms of the name wait in the pending store');
SELECT is((SELECT string_agg(e.event_id, ' ' ORDER BY e.event_id) FROM callout.livekit_call_event AS e
           WHERE e.call_log_id = :sids_call)
          || ' | ' || (SELECT string_agg(p.event_id, ' ' ORDER BY p.event_id) FROM callout.pending_event AS p
                       WHERE p.room_name = 'adv-sids'),
          'EV_adv_sid1 EV_adv_sid2 EV_adv_sid3 | EV_adv_sid4 EV_adv_sid5 EV_adv_sid6 EV_adv_sid7',
          'sids: the call takes the first room''s events, the second room''s keep waiting');
SELECT is(pg_stat_get_xact_function_calls('callout._matching_call_id(text, text, text)'::regprocedure)
          - :matches_before, 3::bigint,
          'sids: the registration matched each room sid once to find the first, and the first once to move its events');

-- ---- 5. A DBA's column of a NOT NULL domain with no default: an INSERT that leaves it out is
-- refused (23502), so a delivery's event must be too (the direct write "as an INSERT").
DELETE FROM callout.livekit_call_event;
CREATE DOMAIN pg_temp.adv_required AS text NOT NULL;
ALTER TABLE callout.livekit_call_event ADD COLUMN adv_req pg_temp.adv_required;
SELECT callout.register_call('tenant-adv', 'adv-domain', 'outbound') AS domain_call \gset
SELECT throws_ok($$INSERT INTO callout.livekit_call_event (event_id, user_id, event_type, room_name)
                   VALUES ('EV_adv_sql', 'tenant-adv', 'room_started', 'adv-domain')$$, '23502', NULL,
                 'domain: an INSERT that leaves the NOT NULL domain column out is refused');
SELECT throws_ok($$SELECT pg_temp.deliver(pg_temp.room_started('EV_adv_d1', 'adv-domain', 'RM_adv_d', 1767268500))$$,
                 '23502', NULL, 'domain: so is a delivery''s event');

SELECT * FROM finish();
ROLLBACK;
