--
-- Ingestion: process_livekit_webhook, the call and event tables, tenancy. Each case is one of
-- the original module's model, service and integration tests, under a "-- name:" comment that
-- gives its old name. The clock is pinned with callout.verify_at and every token is minted by
-- the SQL signer in test/fixtures at that instant; nothing printed depends on now() (ids are
-- compared, never shown).
--
\set ECHO none
\i test/fixtures/livekit_signer.sql
\set ECHO all
\set SHOW_CONTEXT never
-- Times print in UTC, as the deliveries' instants are written.
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';

-- The key deliveries are signed with, and the instant they are verified at (unix 1767268800).
SELECT callout.add_signing_key('APIingest', 'ingest-secret-of-at-least-32-characters');
SET callout.verify_at = '2026-01-01 12:00:00+00';

-- A LiveKit webhook body as the server writes it (protobuf JSON: int64 as strings), with a
-- room that carries a secret TURN password; `more` adds or replaces top-level fields.
CREATE FUNCTION pg_temp.body(event text, id text, room text, sid text, created_at bigint,
                             more jsonb DEFAULT '{}')
RETURNS text LANGUAGE sql AS $$
    SELECT (jsonb_build_object('event', event, 'id', id, 'createdAt', created_at::text,
                               'room', jsonb_strip_nulls(jsonb_build_object(
                                   'sid', sid, 'name', room, 'creationTime', '1767268800',
                                   'turnPassword', 'turn-secret-do-not-store')))
            || more)::text
$$;

-- The SIP participant of an event: the phone leg; `rule` is the dispatch rule of an inbound call.
CREATE FUNCTION pg_temp.sip(joined_at bigint, call_status text, phone text,
                            reason text DEFAULT NULL, trunk text DEFAULT '+18005550100',
                            rule text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('participant', jsonb_strip_nulls(jsonb_build_object(
        'identity', 'sip_' || coalesce(phone, 'hidden'), 'kind', 'SIP', 'joinedAt', joined_at::text,
        'disconnectReason', reason,
        'attributes', jsonb_strip_nulls(jsonb_build_object(
            'sip.callStatus', call_status, 'sip.phoneNumber', phone, 'sip.trunkPhoneNumber', trunk,
            'sip.ruleID', rule)))))
$$;

-- The egress of an egress_ended event.
CREATE FUNCTION pg_temp.egress(status text, location text)
RETURNS jsonb LANGUAGE sql AS $$
    SELECT jsonb_build_object('egressInfo', jsonb_build_object(
        'egressId', 'EG_1', 'status', status,
        'fileResults', CASE WHEN location IS NULL THEN '[]'::jsonb
                            ELSE jsonb_build_array(jsonb_build_object('location', location)) END))
$$;

-- One delivery signed with a key (APIingest unless told) at the pinned instant.
CREATE FUNCTION pg_temp.deliver(body text, api_key text DEFAULT 'APIingest',
                                api_secret text DEFAULT 'ingest-secret-of-at-least-32-characters')
RETURNS callout.webhook_result LANGUAGE sql AS $$
    SELECT * FROM callout.process_livekit_webhook(body, livekit_test.livekit_token(body, api_key, api_secret, 1767268800))
$$;

-- The SQLSTATE and message of a statement's error, or 'no error'.
CREATE FUNCTION pg_temp.error_of(statement text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;

-- A call row without the columns only the clock decides.
CREATE FUNCTION pg_temp.call_row(call_id bigint) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT to_jsonb(c) - '{id,created_at,updated_at}'::text[] FROM callout.call_log AS c WHERE c.id = call_id
$$;

-- Roles: two tenants and an application server trusted to say which tenant it acts for.
CREATE ROLE regress_ingest_tenant_a;
CREATE ROLE regress_ingest_tenant_b;
CREATE ROLE regress_ingest_gateway;
SELECT callout.map_tenant_role('regress_ingest_tenant_a', 'tenant_a');
SELECT callout.map_tenant_role('regress_ingest_tenant_b', 'tenant_b');
SELECT callout.trust_gateway_role('regress_ingest_gateway');

--
-- The call log
--

-- name: create call log
SELECT callout.register_call('tenant_a', 'call-_+14155550100_create', 'inbound') AS call_create \gset
SELECT user_id, room_name, direction, phone_number, registered_phone_number, campaign_id, status,
       outcome, duration_seconds, room_sid, started_at, ended_at
FROM callout.call_log WHERE id = :call_create;

-- ... a second open call of the same tenant and room is refused
SELECT pg_temp.error_of($$SELECT callout.register_call('tenant_a', 'call-_+14155550100_create', 'inbound')$$)
       AS second_open_call;
-- ... and so is a direction that is neither inbound nor outbound
SELECT callout.register_call('tenant_a', 'call-_+14155550100_other', 'sideways');

-- name: create call log with outcome
-- The outcome is webhook-owned: a call gets one from its events (a 45 s answered call here).
SELECT callout.register_call('tenant_a', 'call-_+14155550101_outcome', 'inbound') AS call_outcome \gset
SELECT status, reason, event_id, call_id = :call_outcome AS own_call, outcome
FROM pg_temp.deliver(pg_temp.body('participant_left', 'EV_outcome_left', 'call-_+14155550101_outcome',
                                  'RM_outcome', 1767268846,
                                  pg_temp.sip(1767268801, 'hangup', '+14155550101', 'CLIENT_INITIATED')));
SELECT status, outcome, duration_seconds, disconnect_reason, sip_call_status, started_at, ended_at
FROM callout.call_log WHERE id = :call_outcome;

-- name: LiveKit reasons
-- AGENT_ERROR (DisconnectReason 16) is LiveKit's, not free text with "error" in it: a 30 s call
-- answered and ended by an agent's error is completed.
SELECT callout.register_call('tenant_a', 'call-_+14155550111_agent', 'inbound') AS call_agent \gset
SELECT status, outcome
FROM pg_temp.deliver(pg_temp.body('participant_left', 'EV_agent_left', 'call-_+14155550111_agent',
                                  'RM_agent', 1767268831,
                                  pg_temp.sip(1767268801, NULL, '+14155550111', 'AGENT_ERROR')));
SELECT status, outcome, duration_seconds, disconnect_reason FROM callout.call_log WHERE id = :call_agent;
-- A known reason sent as its number (12) is stored as its name, in the event and the call row.
SELECT callout.register_call('tenant_a', 'call-_+14155550112_number', 'inbound') AS call_number \gset
SELECT status, outcome
FROM pg_temp.deliver(pg_temp.body('participant_left', 'EV_number_left', 'call-_+14155550112_number',
                                  'RM_number', 1767268831,
                                  jsonb_set(pg_temp.sip(1767268801, NULL, '+14155550112'),
                                            '{participant,disconnectReason}', '12')));
SELECT status, outcome, disconnect_reason FROM callout.call_log WHERE id = :call_number;
SELECT disconnect_reason, payload #> '{participant,disconnectReason}' AS as_delivered
FROM callout.livekit_call_event WHERE event_id = 'EV_number_left';

-- name: call log to_dict
-- to_jsonb of the row: snake_case keys (user_id, not userId), and the values of the row.
SELECT array_agg(k ORDER BY k) AS keys
FROM jsonb_object_keys((SELECT to_jsonb(c) FROM callout.call_log AS c WHERE c.id = :call_outcome)) AS k;
SELECT d ->> 'user_id' AS user_id, d ->> 'room_name' AS room_name, d ->> 'direction' AS direction,
       d ->> 'status' AS status, d ->> 'outcome' AS outcome, d -> 'duration_seconds' AS duration_seconds,
       d ->> 'phone_number' AS phone_number, d ->> 'ended_at' AS ended_at
FROM (SELECT to_jsonb(c) AS d FROM callout.call_log AS c WHERE c.id = :call_outcome) AS r;

-- name: call log relationships (call <-> events)
SELECT e.event_id, e.event_type, c.room_name, c.user_id
FROM callout.livekit_call_event AS e JOIN callout.call_log AS c ON c.id = e.call_log_id
WHERE c.id = :call_outcome;
-- the events hold their call as a foreign key would (triggers, not a check on every delivery):
-- a call with events cannot be deleted, nor truncated away from them ...
SELECT pg_temp.error_of(format('DELETE FROM callout.call_log WHERE id = %s', :call_outcome)) AS delete_call;
SELECT pg_temp.error_of('TRUNCATE callout.call_log') AS truncate_calls;
-- ... but can with its events, in one statement
BEGIN;
WITH events AS (DELETE FROM callout.livekit_call_event WHERE call_log_id = :call_outcome)
DELETE FROM callout.call_log WHERE id = :call_outcome RETURNING id = :call_outcome AS deleted_with_events;
ROLLBACK;
-- ... nor can an event point at a call that does not exist
SELECT pg_temp.error_of($$UPDATE callout.livekit_call_event SET call_log_id = -1
                          WHERE event_id = 'EV_outcome_left'$$) AS dangling_event;
-- a call's identity is checked whoever writes it (a trigger on the rows written and the
-- columns changed: a delivery's UPDATE of the webhook-owned columns does not pay for it)
SELECT pg_temp.error_of($$INSERT INTO callout.call_log (user_id, room_name, direction)
                          VALUES ('tenant_a', 'call-sideways', 'sideways')$$) AS bad_direction;
SELECT pg_temp.error_of($$INSERT INTO callout.call_log (user_id, room_name, direction)
                          VALUES ('', 'call-nobody', 'inbound')$$) AS empty_tenant;
SELECT pg_temp.error_of(format($$UPDATE callout.call_log SET room_name = '' WHERE id = %s$$,
                               :call_outcome)) AS empty_room;
SELECT pg_temp.error_of(format($$UPDATE callout.call_log SET origin = 'elsewhere' WHERE id = %s$$,
                               :call_outcome)) AS bad_origin;

-- name: call log metadata jsonb
SELECT callout.register_call('tenant_a', 'call-_+14155550102_meta', 'inbound',
                             metadata => '{"lead": {"id": 123, "tags": ["vip", "callback"]}, "source": "crm"}')
       AS call_meta \gset
SELECT jsonb_typeof(metadata) AS kind, metadata -> 'lead' ->> 'id' AS lead_id,
       metadata -> 'lead' -> 'tags' ->> 1 AS second_tag,
       metadata @> '{"lead": {"tags": ["vip"]}}' AS contains_vip
FROM callout.call_log WHERE id = :call_meta;

--
-- The event log
--

-- name: create event
SELECT callout.register_call('tenant_a', 'call-_+14155550103_event', 'inbound') AS call_event \gset
SELECT pg_temp.body('room_started', 'EV_event_started', 'call-_+14155550103_event', 'RM_event', 1767268800)
       AS started_body \gset
SELECT status, reason, event_id, call_id = :call_event AS own_call, outcome
FROM pg_temp.deliver(:'started_body');
SELECT event_id, event_type, room_name, room_sid, event_created_at, room_creation_time,
       call_log_id = :call_event AS own_call, user_id, api_key, is_sip,
       body_sha256 = sha256(convert_to(:'started_body', 'UTF8')) AS hash_of_raw_body
FROM callout.livekit_call_event WHERE event_id = 'EV_event_started';

-- name: event unique constraint
-- (user_id, event_id) is the idempotency key: a second row of the tenant with the same id is a
-- unique violation.
INSERT INTO callout.livekit_call_event (event_id, user_id, event_type, room_name, body_sha256)
SELECT e.event_id, e.user_id, 'room_started', 'call-_+14155550103_event', '\x00'
FROM callout.livekit_call_event AS e WHERE e.event_id = 'EV_event_started';

-- name: event to_dict
SELECT d ->> 'event_id' AS event_id, d ->> 'event_type' AS event_type, d ->> 'room_name' AS room_name,
       d ->> 'room_sid' AS room_sid, d ->> 'user_id' AS user_id, d ->> 'event_created_at' AS event_created_at,
       d ? 'payload' AS has_payload, d ? 'call_log_id' AS has_call_log_id
FROM (SELECT to_jsonb(e) AS d FROM callout.livekit_call_event AS e
      WHERE e.event_id = 'EV_event_started') AS r;

-- name: event payload jsonb
-- The payload is the event as received, without the room's TURN password.
SELECT :'started_body'::jsonb -> 'room' ? 'turnPassword' AS body_had_password,
       jsonb_typeof(payload) AS kind, payload -> 'room' ? 'turnPassword' AS stored_password,
       payload -> 'room' ->> 'name' AS room_name, payload ->> 'createdAt' AS created_at,
       payload = :'started_body'::jsonb #- '{room,turnPassword}' AS rest_unchanged
FROM callout.livekit_call_event WHERE event_id = 'EV_event_started';

-- name: event relationships
SELECT c.room_name, c.status, count(e.*) AS events
FROM callout.call_log AS c LEFT JOIN callout.livekit_call_event AS e ON e.call_log_id = c.id
WHERE c.id = :call_event
GROUP BY c.room_name, c.status;

--
-- Processing events
--

-- name: process event success
-- A SIP participant joins: the call is in progress, bound to the room's sid.
SELECT status, reason, event_id, call_id = :call_event AS own_call, outcome
FROM pg_temp.deliver(pg_temp.body('participant_joined', 'EV_event_joined', 'call-_+14155550103_event',
                                  'RM_event', 1767268801,
                                  pg_temp.sip(1767268801, 'ringing', '+14155550103')));
SELECT status, room_sid, phone_number, sip_call_status, outcome, started_at
FROM callout.call_log WHERE id = :call_event;
-- an event callout does not act on is ignored and not stored
SELECT status, reason, event_id, call_id, outcome
FROM pg_temp.deliver(pg_temp.body('track_published', 'EV_event_track', 'call-_+14155550103_event',
                                  'RM_event', 1767268802));
SELECT count(*) AS stored FROM callout.livekit_call_event WHERE event_id = 'EV_event_track';

-- name: process event call not found
-- No call for the room: the event is kept, unmatched; signed with an unbound key, it has no
-- tenant yet and waits in the pending store.
SELECT status, reason, event_id, call_id, outcome
FROM pg_temp.deliver(pg_temp.body('room_started', 'EV_nobody', 'call-_+14155550104_nobody',
                                  'RM_nobody', 1767268800));
SELECT event_id, call_log_id, user_id FROM callout.livekit_call_event WHERE event_id = 'EV_nobody';
SELECT event_id, room_sid FROM callout.pending_event WHERE event_id = 'EV_nobody';

-- name: extract call metadata
-- An outbound campaign room: the campaign comes from the room name, the number from the SIP leg.
SELECT callout.register_call('tenant_a', 'outbound-campaign-77-lead-000001-Xy1', 'outbound') AS call_campaign \gset
SELECT campaign_id, phone_number FROM callout.call_log WHERE id = :call_campaign;
SELECT status FROM pg_temp.deliver(pg_temp.body('participant_joined', 'EV_campaign_joined',
                                               'outbound-campaign-77-lead-000001-Xy1', 'RM_campaign', 1767268801,
                                               pg_temp.sip(1767268801, 'dialing', '+49309018300')));
SELECT campaign_id, phone_number FROM callout.call_log WHERE id = :call_campaign;
-- an inbound dispatch-rule room carries the caller's number; inbound rooms carry no campaign
SELECT direction, phone_number, campaign_id FROM callout.call_log WHERE id = :call_create;
-- a number given at registration wins over the SIP leg's
SELECT callout.register_call('tenant_a', 'outbound-campaign-77-lead-000002-Xy2', 'outbound',
                             phone_number => '+49309018399', campaign_id => 'spring') AS call_given \gset
SELECT status FROM pg_temp.deliver(pg_temp.body('participant_joined', 'EV_given_joined',
                                               'outbound-campaign-77-lead-000002-Xy2', 'RM_given', 1767268801,
                                               pg_temp.sip(1767268801, 'dialing', '+49309018302')));
SELECT campaign_id, phone_number, registered_phone_number FROM callout.call_log WHERE id = :call_given;

-- name: update call log
-- As tenant A (a role mapped to it): the application-owned columns of its own call.
SET SESSION AUTHORIZATION regress_ingest_tenant_a;
SELECT callout.current_user_id();
SELECT callout.update_call_log(:call_event, '{"agent_config_id": "agent-7", "metadata": {"note": "vip"}}');
-- webhook-owned columns are not the tenant's to change
SELECT callout.update_call_log(:call_event, '{"outcome": "completed"}');
SELECT callout.update_call_log(:call_event, '{"status": "ended", "metadata": {}}');
-- nor can it write them directly
UPDATE callout.call_log SET outcome = 'completed' WHERE id = :call_event;
-- the columns it may change hold what callout indexes (256 bytes), whichever way it writes them
SELECT pg_temp.error_of(format($$SELECT callout.update_call_log(%s, '{"campaign_id": "%s"}')$$,
                               :call_event, repeat('c', 257))) AS long_campaign;
SELECT pg_temp.error_of(format($$UPDATE callout.call_log SET agent_config_id = %L WHERE id = %s$$,
                               repeat('a', 3000), :call_event)) AS long_agent_config;
RESET SESSION AUTHORIZATION;
SELECT agent_config_id, metadata, campaign_id, status, outcome FROM callout.call_log WHERE id = :call_event;
-- As a trusted gateway acting for tenant A.
SET SESSION AUTHORIZATION regress_ingest_gateway;
SELECT set_config('callout.user_id', 'tenant_a', false) IS NOT NULL AS acting;
SELECT callout.update_call_log(:call_event, '{"campaign_id": "winter", "metadata": null}');
RESET callout.user_id;
RESET SESSION AUTHORIZATION;
SELECT agent_config_id, metadata, campaign_id FROM callout.call_log WHERE id = :call_event;

-- name: invalid call log id update
SET SESSION AUTHORIZATION regress_ingest_tenant_a;
SELECT callout.update_call_log(-1, '{"agent_config_id": "agent-9"}') AS no_such_call;
RESET SESSION AUTHORIZATION;
-- another tenant's call is no call at all
SET SESSION AUTHORIZATION regress_ingest_tenant_b;
SELECT callout.update_call_log(:call_event, '{"agent_config_id": "agent-9"}') AS not_own_call;
RESET SESSION AUTHORIZATION;
SELECT agent_config_id FROM callout.call_log WHERE id = :call_event;

--
-- Exactly once
--

-- name: duplicate event idempotency
SELECT callout.register_call('tenant_a', 'call-_+14155550105_dup', 'inbound') AS call_dup \gset
SELECT pg_temp.body('participant_joined', 'EV_dup_joined', 'call-_+14155550105_dup', 'RM_dup', 1767268801,
                    pg_temp.sip(1767268801, 'ringing', '+14155550105')) AS dup_body \gset
SELECT status, reason, event_id, call_id = :call_dup AS own_call FROM pg_temp.deliver(:'dup_body');
SELECT status, reason, event_id, call_id = :call_dup AS own_call FROM pg_temp.deliver(:'dup_body');
SELECT count(*) AS rows FROM callout.livekit_call_event WHERE event_id = 'EV_dup_joined';

-- name: multiple events different ids
-- The same facts under two ids are two events.
SELECT status, event_id FROM pg_temp.deliver(pg_temp.body('participant_joined', 'EV_dup_joined_again',
                                                         'call-_+14155550105_dup', 'RM_dup', 1767268801,
                                                         pg_temp.sip(1767268801, 'ringing', '+14155550105')));
SELECT event_id FROM callout.livekit_call_event WHERE call_log_id = :call_dup ORDER BY event_id;

-- name: duplicate webhook delivery end to end
-- Every delivery of a call is retried: the answers say duplicate, the row does not move.
CREATE TEMP TABLE e2e (seq integer PRIMARY KEY, body text NOT NULL);
INSERT INTO e2e VALUES
    (1, pg_temp.body('room_started', 'EV_e2e_1', 'call-_+14155550106_e2e', 'RM_e2e', 1767268800)),
    (2, pg_temp.body('participant_joined', 'EV_e2e_2', 'call-_+14155550106_e2e', 'RM_e2e', 1767268801,
                     pg_temp.sip(1767268801, 'ringing', '+14155550106'))),
    (3, pg_temp.body('participant_left', 'EV_e2e_3', 'call-_+14155550106_e2e', 'RM_e2e', 1767268901,
                     pg_temp.sip(1767268801, 'hangup', '+14155550106', 'CLIENT_INITIATED'))),
    (4, pg_temp.body('room_finished', 'EV_e2e_4', 'call-_+14155550106_e2e', 'RM_e2e', 1767268910));
SELECT callout.register_call('tenant_a', 'call-_+14155550106_e2e', 'inbound') AS call_e2e \gset
SELECT seq, r.status, r.reason, r.call_id = :call_e2e AS own_call, r.outcome
FROM e2e, LATERAL pg_temp.deliver(body) AS r ORDER BY seq;
CREATE TEMP TABLE e2e_before AS SELECT pg_temp.call_row(:call_e2e) AS row;
SELECT seq, r.status, r.reason, r.call_id = :call_e2e AS own_call, r.outcome
FROM e2e, LATERAL pg_temp.deliver(body) AS r ORDER BY seq;
SELECT (SELECT row FROM e2e_before) = pg_temp.call_row(:call_e2e) AS row_unchanged,
       (SELECT count(*) FROM callout.livekit_call_event WHERE call_log_id = :call_e2e) AS events;
SELECT status, outcome, duration_seconds FROM callout.call_log WHERE id = :call_e2e;

-- name: transactional consistency
-- A failure mid-way leaves nothing behind. The call, before:
SELECT callout.register_call('tenant_a', 'call-_+14155550107_tx', 'inbound') AS call_tx \gset
CREATE TEMP TABLE tx_before AS SELECT pg_temp.call_row(:call_tx) AS row;
SELECT pg_temp.body('participant_left', 'EV_tx_left', 'call-_+14155550107_tx', 'RM_tx', 1767268901,
                    pg_temp.sip(1767268801, 'hangup', '+14155550107', 'CLIENT_INITIATED')) AS tx_body \gset
-- (1) an error in the same statement, after the delivery was applied
SELECT r.status, 1 / (r.call_id - r.call_id) AS fails FROM pg_temp.deliver(:'tx_body') AS r;
-- (2) a delivery inside a transaction that is then rolled back
BEGIN;
SELECT status, outcome FROM pg_temp.deliver(:'tx_body');
ROLLBACK;
-- (3) a delivery followed by a failing statement: the transaction can only roll back
BEGIN;
SELECT status, outcome FROM pg_temp.deliver(:'tx_body');
SELECT count(*) / 0 AS fails FROM callout.livekit_call_event WHERE event_id = 'EV_tx_left';
COMMIT;
SELECT count(*) AS events FROM callout.livekit_call_event WHERE event_id = 'EV_tx_left';
SELECT (SELECT row FROM tx_before) = pg_temp.call_row(:call_tx) AS call_unchanged;
-- the same delivery afterwards is processed, not a duplicate
SELECT status, reason, outcome FROM pg_temp.deliver(:'tx_body');

--
-- Reading, per tenant
--

SELECT callout.register_call('tenant_b', 'call-_+14155550200_b', 'inbound', agent_config_id => 'agent-b') AS call_b \gset
SELECT status FROM pg_temp.deliver(pg_temp.body('participant_joined', 'EV_b_joined', 'call-_+14155550200_b',
                                               'RM_b', 1767268801, pg_temp.sip(1767268801, 'ringing', '+14155550200')));

-- name: get outcome correct user
SET SESSION AUTHORIZATION regress_ingest_tenant_a;
SELECT o.call_id = :call_outcome AS own_call, o.status, o.outcome, o.duration_seconds, o.disconnect_reason,
       o.sip_call_status, o.recording_url, o.started_at, o.ended_at
FROM callout.get_call_outcome(:call_outcome, 'tenant_a') AS o;

-- name: get outcome wrong user
SELECT callout.get_call_outcome(:call_outcome, 'tenant_b') IS NULL AS other_user_id;
SELECT callout.get_call_outcome(:call_b, 'tenant_b') IS NULL AS other_tenants_call;
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION regress_ingest_tenant_b;
SELECT callout.get_call_outcome(:call_outcome, 'tenant_a') IS NULL AS not_visible_to_b;
SELECT o.call_id = :call_b AS own_call, o.status FROM callout.get_call_outcome(:call_b, 'tenant_b') AS o;
RESET SESSION AUTHORIZATION;

-- name: multi-tenant data isolation
SET SESSION AUTHORIZATION regress_ingest_tenant_a;
SELECT count(*) > 0 AS sees_calls, bool_and(user_id = 'tenant_a') AS only_own,
       bool_or(id = :call_b) AS sees_b FROM callout.call_log;
SELECT count(*) > 0 AS sees_events, bool_and(user_id = 'tenant_a') AS only_own,
       bool_or(event_id = 'EV_b_joined') AS sees_b, bool_or(event_id = 'EV_nobody') AS sees_unmatched
FROM callout.livekit_call_event;
RESET SESSION AUTHORIZATION;
SET SESSION AUTHORIZATION regress_ingest_tenant_b;
SELECT array_agg(room_name) AS calls FROM callout.call_log;
SELECT array_agg(event_id) AS events FROM callout.livekit_call_event;
UPDATE callout.call_log SET metadata = '{"taken": true}' WHERE id = :call_outcome;
RESET SESSION AUTHORIZATION;
SELECT metadata FROM callout.call_log WHERE id = :call_outcome;

-- name: resolve call context correct user
-- (granted explicitly: it is for ingestion and admin roles, not part of trust_gateway_role)
GRANT EXECUTE ON FUNCTION callout.resolve_call_context(text) TO regress_ingest_gateway;
SET SESSION AUTHORIZATION regress_ingest_gateway;
SELECT set_config('callout.user_id', 'tenant_b', false) IS NOT NULL AS acting;
SELECT call_id = :call_b AS own_call, user_id, agent_config_id
FROM callout.resolve_call_context('call-_+14155550200_b');
-- acting for another tenant, the room resolves to nothing
SELECT set_config('callout.user_id', 'tenant_a', false) IS NOT NULL AS acting;
SELECT call_id, user_id, agent_config_id FROM callout.resolve_call_context('call-_+14155550200_b');
RESET callout.user_id;
RESET SESSION AUTHORIZATION;
-- a tenant role may not resolve rooms at all
SET SESSION AUTHORIZATION regress_ingest_tenant_b;
SELECT * FROM callout.resolve_call_context('call-_+14155550200_b');
RESET SESSION AUTHORIZATION;

-- name: multi-tenant webhook isolation
-- A key bound to tenant B cannot touch tenant A's calls: by room name ...
SELECT callout.add_signing_key('APItenantB', 'tenant-b-secret-of-at-least-32-chars', 'tenant_b');
SELECT callout.register_call('tenant_a', 'call-_+14155550108_iso', 'inbound') AS call_iso \gset
CREATE TEMP TABLE iso_before AS SELECT pg_temp.call_row(:call_iso) AS row;
SELECT status, reason, event_id, call_id, outcome
FROM pg_temp.deliver(pg_temp.body('participant_left', 'EV_iso_by_name', 'call-_+14155550108_iso', 'RM_iso',
                                  1767268901, pg_temp.sip(1767268801, 'hangup', '+14155550108', 'CLIENT_INITIATED')),
                     'APItenantB', 'tenant-b-secret-of-at-least-32-chars');
SELECT (SELECT row FROM iso_before) = pg_temp.call_row(:call_iso) AS call_unchanged;
-- ... nor by room sid once A's call is bound to it
SELECT status, call_id = :call_iso AS own_call
FROM pg_temp.deliver(pg_temp.body('room_started', 'EV_iso_started', 'call-_+14155550108_iso', 'RM_iso2', 1767268800));
DELETE FROM iso_before;
INSERT INTO iso_before SELECT pg_temp.call_row(:call_iso);
SELECT status, reason, event_id, call_id, outcome
FROM pg_temp.deliver(pg_temp.body('room_finished', 'EV_iso_by_sid', 'call-_+14155550108_iso', 'RM_iso2', 1767268950),
                     'APItenantB', 'tenant-b-secret-of-at-least-32-chars');
SELECT (SELECT row FROM iso_before) = pg_temp.call_row(:call_iso) AS call_unchanged;
-- the refused events are kept for tenant B, attached to nothing, and invisible to A
SELECT event_id, call_log_id, user_id, api_key FROM callout.livekit_call_event
WHERE event_id IN ('EV_iso_by_name', 'EV_iso_by_sid') ORDER BY event_id;
SET SESSION AUTHORIZATION regress_ingest_tenant_a;
SELECT count(*) AS visible_to_a FROM callout.livekit_call_event WHERE event_id LIKE 'EV_iso_by_%';
RESET SESSION AUTHORIZATION;
-- the bound key does reach tenant B's own calls
SELECT status, call_id = :call_b AS own_call
FROM pg_temp.deliver(pg_temp.body('participant_left', 'EV_b_left', 'call-_+14155550200_b', 'RM_b', 1767268861,
                                  pg_temp.sip(1767268801, 'hangup', '+14155550200', 'CLIENT_INITIATED')),
                     'APItenantB', 'tenant-b-secret-of-at-least-32-chars');

--
-- Complete flows
--

-- name: complete flow inbound completed
SELECT callout.register_call('tenant_a', 'call-_+14155550109_flow', 'inbound') AS call_flow \gset
SELECT r.event_id, r.status, r.reason, r.call_id = :call_flow AS own_call, r.outcome
FROM (VALUES
    (1, pg_temp.body('room_started', 'EV_flow_1', 'call-_+14155550109_flow', 'RM_flow', 1767268800)),
    (2, pg_temp.body('participant_joined', 'EV_flow_2', 'call-_+14155550109_flow', 'RM_flow', 1767268801,
                     pg_temp.sip(1767268801, 'ringing', '+14155550109'))),
    (3, pg_temp.body('participant_left', 'EV_flow_3', 'call-_+14155550109_flow', 'RM_flow', 1767268926,
                     pg_temp.sip(1767268801, 'hangup', '+14155550109', 'CLIENT_INITIATED'))),
    (4, pg_temp.body('room_finished', 'EV_flow_4', 'call-_+14155550109_flow', 'RM_flow', 1767268940)),
    (5, pg_temp.body('egress_ended', 'EV_flow_5', 'call-_+14155550109_flow', 'RM_flow', 1767268945,
                     pg_temp.egress('EGRESS_COMPLETE', 'https://recordings.example/flow.ogg')))
) AS d(seq, body), LATERAL pg_temp.deliver(d.body) AS r
ORDER BY d.seq;
SELECT status, outcome, duration_seconds, disconnect_reason, sip_call_status, phone_number,
       recording_url, room_sid, started_at, ended_at
FROM callout.call_log WHERE id = :call_flow;

-- name: complete flow no answer
SELECT callout.register_call('tenant_a', 'outbound-campaign-77-lead-000003-Xy3', 'outbound') AS call_noanswer \gset
SELECT r.event_id, r.status, r.reason, r.call_id = :call_noanswer AS own_call, r.outcome
FROM (VALUES
    (1, pg_temp.body('participant_joined', 'EV_na_1', 'outbound-campaign-77-lead-000003-Xy3', 'RM_na', 1767268801,
                     pg_temp.sip(1767268801, 'dialing', '+49309018303'))),
    (2, pg_temp.body('participant_left', 'EV_na_2', 'outbound-campaign-77-lead-000003-Xy3', 'RM_na', 1767268831,
                     pg_temp.sip(1767268801, 'ringing', '+49309018303', 'USER_UNAVAILABLE'))),
    (3, pg_temp.body('room_finished', 'EV_na_3', 'outbound-campaign-77-lead-000003-Xy3', 'RM_na', 1767268840))
) AS d(seq, body), LATERAL pg_temp.deliver(d.body) AS r
ORDER BY d.seq;
SELECT status, outcome, duration_seconds, disconnect_reason, sip_call_status, phone_number, campaign_id, recording_url
FROM callout.call_log WHERE id = :call_noanswer;

--
-- Signatures
--

-- name: signature validation in context
SELECT callout.register_call('tenant_a', 'call-_+14155550110_sig', 'inbound') AS call_sig \gset
SELECT pg_temp.body('room_started', 'EV_sig', 'call-_+14155550110_sig', 'RM_sig', 1767268800) AS sig_body \gset
CREATE TEMP TABLE sig_before AS SELECT pg_temp.call_row(:call_sig) AS row;
-- a token signed with another secret
SELECT status, reason, event_id, call_id FROM callout.process_livekit_webhook(:'sig_body',
    livekit_test.livekit_token(:'sig_body', 'APIingest', 'not-the-secret-of-at-least-32-characters', 1767268800));
-- a token for another body
SELECT status, reason FROM callout.process_livekit_webhook(:'sig_body',
    livekit_test.livekit_token(:'sig_body' || ' ', 'APIingest', 'ingest-secret-of-at-least-32-characters', 1767268800));
-- expired: verified 10 minutes after it was minted (exp + the default 60 s leeway have passed) ...
SET callout.verify_at = '2026-01-01 12:10:00+00';
SELECT status, reason FROM pg_temp.deliver(:'sig_body');
-- ... and not yet valid, 10 minutes before
SET callout.verify_at = '2026-01-01 11:50:00+00';
SELECT status, reason FROM pg_temp.deliver(:'sig_body');
SET callout.verify_at = '2026-01-01 12:00:00+00';
-- an API key nobody configured
SELECT status, reason FROM pg_temp.deliver(:'sig_body', 'APIunknown', 'ingest-secret-of-at-least-32-characters');
-- a revoked key is no key
SELECT callout.add_signing_key('APIrevoked', 'revoked-secret-of-at-least-32-characters');
SELECT callout.revoke_signing_key('APIrevoked') AS revoked, callout.revoke_signing_key('APIrevoked') AS again;
SELECT status, reason FROM pg_temp.deliver(:'sig_body', 'APIrevoked', 'revoked-secret-of-at-least-32-characters');
-- a plain HMAC signature with a key that does not allow the plain scheme
SELECT status, reason
FROM callout.process_livekit_webhook(:'sig_body', livekit_test.plain_hmac_hex(:'sig_body', 'ingest-secret-of-at-least-32-characters'));
-- jsonb overload: a JWT cannot be checked against rewritten text
SELECT status, reason FROM callout.process_livekit_webhook(:'sig_body'::jsonb,
    livekit_test.livekit_token(:'sig_body', 'APIingest', 'ingest-secret-of-at-least-32-characters', 1767268800));
-- none of that touched the call or stored the event
SELECT (SELECT row FROM sig_before) = pg_temp.call_row(:call_sig) AS call_unchanged,
       (SELECT count(*) FROM callout.livekit_call_event WHERE event_id = 'EV_sig') AS events;
-- a key that allows plain HMAC: hex, sha256=hex and base64 all verify (the first stores the event)
SELECT callout.add_signing_key('APIplain', 'plain-secret-of-at-least-32-characters', allow_plain_hmac => true);
SELECT status, reason, call_id = :call_sig AS own_call
FROM callout.process_livekit_webhook(:'sig_body', livekit_test.plain_hmac_hex(:'sig_body', 'plain-secret-of-at-least-32-characters'));
SELECT status, reason
FROM callout.process_livekit_webhook(:'sig_body', 'sha256=' || livekit_test.plain_hmac_hex(:'sig_body', 'plain-secret-of-at-least-32-characters'));
SELECT status, reason
FROM callout.process_livekit_webhook(:'sig_body', encode(decode(livekit_test.plain_hmac_hex(:'sig_body', 'plain-secret-of-at-least-32-characters'), 'hex'), 'base64'));
SELECT api_key FROM callout.livekit_call_event WHERE event_id = 'EV_sig';
-- jsonb overload: a plain HMAC over payload::text verifies
SELECT pg_temp.body('participant_joined', 'EV_sig_jsonb', 'call-_+14155550110_sig', 'RM_sig', 1767268801,
                    pg_temp.sip(1767268801, 'ringing', '+14155550110'))::jsonb AS sig_payload \gset
SELECT status, reason, event_id, call_id = :call_sig AS own_call
FROM callout.process_livekit_webhook(:'sig_payload'::jsonb,
                                     livekit_test.plain_hmac_hex(:'sig_payload'::jsonb::text, 'plain-secret-of-at-least-32-characters'));
SELECT status FROM callout.call_log WHERE id = :call_sig;
-- ... and a wrong one does not
SELECT status, reason FROM callout.process_livekit_webhook(:'sig_payload'::jsonb,
    livekit_test.plain_hmac_hex(:'sig_payload'::jsonb::text, 'ingest-secret-of-at-least-32-characters'));

--
-- Malformed deliveries
--

-- name: malformed event graceful failure
-- Each answers rejected with its reason, and stores nothing.
-- a signed body that is not JSON
SELECT status, reason, event_id, call_id FROM pg_temp.deliver('{"event":"room_started",');
-- a signed event without an id
SELECT status, reason, event_id, call_id
FROM pg_temp.deliver('{"event":"room_started","room":{"sid":"RM_mal","name":"call-_+14155550111_mal"},"createdAt":"1767268800"}');
-- a signed event without a room name
SELECT status, reason, event_id, call_id
FROM pg_temp.deliver('{"event":"room_started","id":"EV_mal_noroom","room":{"sid":"RM_mal"},"createdAt":"1767268800"}');
-- a body over callout.max_body_bytes
SET callout.max_body_bytes = 100;
SELECT status, reason, event_id, call_id
FROM pg_temp.deliver(pg_temp.body('room_started', 'EV_mal_large', 'call-_+14155550111_mal', 'RM_mal', 1767268800));
RESET callout.max_body_bytes;
-- an empty, blank or NULL signature
SELECT status, reason FROM callout.process_livekit_webhook(pg_temp.body('room_started', 'EV_mal_nosig', 'call-_+14155550111_mal', 'RM_mal', 1767268800), '');
SELECT status, reason FROM callout.process_livekit_webhook(pg_temp.body('room_started', 'EV_mal_nosig', 'call-_+14155550111_mal', 'RM_mal', 1767268800), E' \t');
SELECT status, reason FROM callout.process_livekit_webhook(pg_temp.body('room_started', 'EV_mal_nosig', 'call-_+14155550111_mal', 'RM_mal', 1767268800), NULL);
-- a NULL body
SELECT status, reason FROM callout.process_livekit_webhook(NULL::text, 'x.y.z');
SELECT count(*) AS stored FROM callout.livekit_call_event
WHERE event_id LIKE 'EV_mal_%' OR room_name = 'call-_+14155550111_mal';
-- a conflicting duplicate: an id already stored, with another body
SELECT status, reason, event_id, call_id = :call_e2e AS own_call, outcome
FROM pg_temp.deliver(pg_temp.body('participant_left', 'EV_e2e_3', 'call-_+14155550106_e2e', 'RM_e2e', 1767268999,
                                  pg_temp.sip(1767268801, 'ringing', '+14155550106', 'USER_UNAVAILABLE')));
SELECT (SELECT row FROM e2e_before) = pg_temp.call_row(:call_e2e) AS call_unchanged,
       (SELECT body_sha256 = sha256(convert_to(body, 'UTF8')) FROM callout.livekit_call_event, e2e
        WHERE event_id = 'EV_e2e_3' AND seq = 3) AS first_body_kept;

--
-- Matching
--

-- name: unmatched event applied when the call is registered later
-- Events of a room nobody registered yet wait; registering the call applies them.
SELECT status, call_id FROM pg_temp.deliver(pg_temp.body('participant_joined', 'EV_late_1', 'call-_+14155550112_late',
                                                        'RM_late', 1767268801, pg_temp.sip(1767268801, 'ringing', '+14155550112')));
SELECT status, call_id FROM pg_temp.deliver(pg_temp.body('participant_left', 'EV_late_2', 'call-_+14155550112_late',
                                                        'RM_late', 1767268861, pg_temp.sip(1767268801, 'hangup', '+14155550112', 'CLIENT_INITIATED')));
SELECT callout.register_call('tenant_a', 'call-_+14155550112_late', 'inbound') AS call_late \gset
SELECT status, outcome, duration_seconds, room_sid FROM callout.call_log WHERE id = :call_late;
SELECT event_id, call_log_id = :call_late AS own_call, user_id FROM callout.livekit_call_event
WHERE event_id LIKE 'EV_late_%' ORDER BY event_id;
-- ... but not once callout.unmatched_window has passed
SET callout.unmatched_window = 1;
SELECT status FROM pg_temp.deliver(pg_temp.body('participant_joined', 'EV_stale_1', 'call-_+14155550113_stale',
                                               'RM_stale', 1767268801, pg_temp.sip(1767268801, 'ringing', '+14155550113')));
SELECT pg_sleep(1.5);
SELECT callout.register_call('tenant_a', 'call-_+14155550113_stale', 'inbound') AS call_stale \gset
RESET callout.unmatched_window;
SELECT status, room_sid FROM callout.call_log WHERE id = :call_stale;
SELECT call_log_id FROM callout.livekit_call_event WHERE event_id = 'EV_stale_1';
SELECT event_id FROM callout.pending_event WHERE event_id = 'EV_stale_1';
-- delivered again now that a call claims its room, the stale event is a duplicate of the one
-- that waits: it is never stored a second time
SELECT status, reason, call_id FROM pg_temp.deliver(pg_temp.body('participant_joined', 'EV_stale_1', 'call-_+14155550113_stale',
                                               'RM_stale', 1767268801, pg_temp.sip(1767268801, 'ringing', '+14155550113')));
SELECT (SELECT count(*) FROM callout.livekit_call_event WHERE event_id = 'EV_stale_1') AS stored,
       (SELECT count(*) FROM callout.pending_event WHERE event_id = 'EV_stale_1') AS waiting;

-- name: inbound call auto-created from a phone route
-- Nobody registers inbound calls to a routed number: the SIP leg a dispatch rule routed
-- (sip.ruleID) names the tenant by its dialed number (sip.trunkPhoneNumber), and the room's
-- earlier events are attached.
SELECT callout.add_phone_route('+18005550177', 'tenant_c', 'agent-c');
SELECT status, call_id FROM pg_temp.deliver(pg_temp.body('room_started', 'EV_route_1', 'call-_+14155550114_route',
                                                        'RM_route', 1767268800));
SELECT status, call_id IS NOT NULL AS call_created
FROM pg_temp.deliver(pg_temp.body('participant_joined', 'EV_route_2', 'call-_+14155550114_route', 'RM_route', 1767268801,
                                  pg_temp.sip(1767268801, 'ringing', '+14155550114', rule => 'SDR_inbound', trunk => '+18005550177')));
SELECT user_id, direction, agent_config_id, status, phone_number, room_sid, started_at,
       (SELECT array_agg(e.event_id ORDER BY e.event_id) FROM callout.livekit_call_event AS e WHERE e.call_log_id = c.id) AS events
FROM callout.call_log AS c WHERE room_name = 'call-_+14155550114_route';
-- a number nobody routes, with a key bound to no tenant: no call, the event waits
SELECT status, call_id
FROM pg_temp.deliver(pg_temp.body('participant_joined', 'EV_noroute', 'call-_+14155550115_noroute', 'RM_noroute', 1767268801,
                                  pg_temp.sip(1767268801, 'ringing', '+14155550115', rule => 'SDR_inbound', trunk => '+18005550178')));
SELECT count(*) AS calls FROM callout.call_log WHERE room_name = 'call-_+14155550115_noroute';

-- name: inbound call auto-created from a tenant-bound key
SELECT status, call_id IS NOT NULL AS call_created
FROM pg_temp.deliver(pg_temp.body('participant_joined', 'EV_bound_1', 'call-_+14155550116_bound', 'RM_bound', 1767268801,
                                  pg_temp.sip(1767268801, 'ringing', '+14155550116', rule => 'SDR_inbound', trunk => '+18005550179')),
                     'APItenantB', 'tenant-b-secret-of-at-least-32-chars');
SELECT user_id, direction, status, phone_number FROM callout.call_log WHERE room_name = 'call-_+14155550116_bound';
-- a bound key never creates a call for another tenant's routed number
SELECT status, call_id
FROM pg_temp.deliver(pg_temp.body('participant_joined', 'EV_bound_2', 'call-_+14155550117_bound', 'RM_bound2', 1767268801,
                                  pg_temp.sip(1767268801, 'ringing', '+14155550117', rule => 'SDR_inbound', trunk => '+18005550177')),
                     'APItenantB', 'tenant-b-secret-of-at-least-32-chars');
SELECT count(*) AS calls FROM callout.call_log WHERE room_name = 'call-_+14155550117_bound';
-- an outbound call whose SIP leg (no dispatch rule: no sip.ruleID) is reported with the
-- tenant's bound key before the application registered it: no inbound call is made of it;
-- registering it works and gives one outbound call that holds the event
SELECT status IN ('processed', 'unmatched') AS accepted
FROM pg_temp.deliver(pg_temp.body('participant_joined', 'EV_bound_out', 'outbound-campaign-77-lead-000004-Xy4', 'RM_bound_out',
                                  1767268801, pg_temp.sip(1767268801, 'dialing', '+49309018304', trunk => '+18005550142')),
                     'APItenantB', 'tenant-b-secret-of-at-least-32-chars');
SELECT callout.register_call('tenant_b', 'outbound-campaign-77-lead-000004-Xy4', 'outbound') IS NOT NULL AS registered;
SELECT user_id, direction, status, campaign_id, phone_number, room_sid,
       (SELECT array_agg(e.event_id) FROM callout.livekit_call_event AS e WHERE e.call_log_id = c.id) AS events
FROM callout.call_log AS c WHERE room_name = 'outbound-campaign-77-lead-000004-Xy4';

-- name: late egress_ended reaches its call by room sid
-- Call 1 of a room ends; call 2 reuses the room's name; call 1's recording arrives after both.
SELECT callout.register_call('tenant_a', 'call-_+14155550118_reuse', 'inbound') AS call_first \gset
SELECT r.event_id, r.status, r.call_id = :call_first AS first_call
FROM (VALUES
    (1, pg_temp.body('room_started', 'EV_reuse_1', 'call-_+14155550118_reuse', 'RM_reuse_1', 1767268800)),
    (2, pg_temp.body('participant_joined', 'EV_reuse_2', 'call-_+14155550118_reuse', 'RM_reuse_1', 1767268801,
                     pg_temp.sip(1767268801, 'ringing', '+14155550118'))),
    (3, pg_temp.body('participant_left', 'EV_reuse_3', 'call-_+14155550118_reuse', 'RM_reuse_1', 1767268861,
                     pg_temp.sip(1767268801, 'hangup', '+14155550118', 'CLIENT_INITIATED'))),
    (4, pg_temp.body('room_finished', 'EV_reuse_4', 'call-_+14155550118_reuse', 'RM_reuse_1', 1767268870))
) AS d(seq, body), LATERAL pg_temp.deliver(d.body) AS r
ORDER BY d.seq;
SELECT callout.register_call('tenant_a', 'call-_+14155550118_reuse', 'inbound') AS call_second \gset
SELECT status, call_id = :call_first AS first_call, call_id = :call_second AS second_call
FROM pg_temp.deliver(pg_temp.body('egress_ended', 'EV_reuse_5', 'call-_+14155550118_reuse', 'RM_reuse_1', 1767268875,
                                  pg_temp.egress('EGRESS_COMPLETE', 'https://recordings.example/reuse-1.ogg')));
SELECT status, call_id = :call_first AS first_call, call_id = :call_second AS second_call
FROM pg_temp.deliver(pg_temp.body('room_started', 'EV_reuse_6', 'call-_+14155550118_reuse', 'RM_reuse_2', 1767269000));
SELECT id = :call_first AS first_call, status, outcome, room_sid, recording_url
FROM callout.call_log WHERE room_name = 'call-_+14155550118_reuse' ORDER BY id;

-- name: one statement, several deliveries
-- Deliveries called one after another by one statement (its key kept from earlier deliveries)
-- each see what the ones before them wrote: the leave finds the call the join bound its sid to.
SELECT callout.register_call('tenant_a', 'call-_+14155550119_batch', 'inbound') AS call_batch \gset
SELECT d.seq, r.status, r.call_id = :call_batch AS its_call, r.outcome
FROM (VALUES
    (1, pg_temp.body('participant_joined', 'EV_batch_1', 'call-_+14155550119_batch', 'RM_batch', 1767268801,
                     pg_temp.sip(1767268801, 'active', '+14155550119'))),
    (2, pg_temp.body('participant_left', 'EV_batch_2', 'call-_+14155550119_batch', 'RM_batch', 1767268861,
                     pg_temp.sip(1767268801, 'hangup', '+14155550119', 'CLIENT_INITIATED')))
) AS d(seq, body),
LATERAL callout.process_livekit_webhook(
    d.body, livekit_test.livekit_token(d.body, 'APIingest', 'ingest-secret-of-at-least-32-characters', 1767268800)) AS r
ORDER BY d.seq;
SELECT status, outcome, room_sid, duration_seconds FROM callout.call_log WHERE id = :call_batch;
-- the rule as SQL reads it: an unbound key (NULL) reaches the call; a tenant named '' has none
SELECT callout._matching_call_id('RM_batch', 'call-_+14155550119_batch', NULL) = :call_batch AS unbound_key,
       callout._matching_call_id('RM_batch', 'call-_+14155550119_batch', '') IS NULL AS empty_tenant_none,
       callout._matching_call_id('RM_batch', 'call-_+14155550119_batch', 'tenant_a') = :call_batch AS its_tenant,
       callout._matching_call_id('RM_batch', 'call-_+14155550119_batch', 'tenant_b') IS NULL AS other_tenant_none;

-- name: an index matching reads is not valid
-- A delivery reads call_log's room indexes directly, as no plan reads an index that is not valid
-- (an interrupted CREATE INDEX CONCURRENTLY or REINDEX): then it is an ERROR, not a wrong match.
BEGIN;
UPDATE pg_catalog.pg_index SET indisvalid = false WHERE indexrelid = 'callout.call_log_open_room'::regclass;
SELECT pg_temp.error_of($$SELECT * FROM pg_temp.deliver(pg_temp.body('room_started', 'EV_invalid_1',
                                          'call-_+14155550120_invalid', 'RM_invalid', 1767268800))$$);
ROLLBACK;

-- name: a key revoked by the statement that delivers
-- A statement that revokes a key and then delivers with it (a data-modifying WITH) refuses the
-- delivery, as a delivery after the revoking statement would, though the key was kept before.
SELECT status FROM pg_temp.deliver(pg_temp.body('room_started', 'EV_samestmt_1', 'call-_+14155550122_samestmt', 'RM_samestmt', 1767268800));
SELECT callout.add_signing_key('APIsamestmt', 'samestmt-secret-of-at-least-32-characters');
SELECT status FROM pg_temp.deliver(pg_temp.body('room_started', 'EV_samestmt_2', 'call-_+14155550122_samestmt', 'RM_samestmt', 1767268800),
                                   'APIsamestmt', 'samestmt-secret-of-at-least-32-characters');
WITH revoked AS (
    UPDATE callout.signing_key SET revoked_at = now() WHERE api_key = 'APIsamestmt' RETURNING api_key)
SELECT d.status, d.reason
FROM revoked AS k,
     LATERAL pg_temp.deliver(pg_temp.body('room_started', 'EV_samestmt_3', 'call-_+14155550122_samestmt', 'RM_samestmt', 1767268800),
                             k.api_key, 'samestmt-secret-of-at-least-32-characters') AS d;

--
-- Clean up what the cluster keeps (roles) and what later suites could trip on.
--
DELETE FROM callout.livekit_call_event;
DELETE FROM callout.call_log;
DELETE FROM callout.phone_route;
DELETE FROM callout.signing_key;
DELETE FROM callout.tenant_role;
DELETE FROM callout.gateway_role;
RESET callout.verify_at;
DROP OWNED BY regress_ingest_tenant_a, regress_ingest_tenant_b, regress_ingest_gateway;
DROP ROLE regress_ingest_tenant_a, regress_ingest_tenant_b, regress_ingest_gateway;
SET client_min_messages = warning;
DROP SCHEMA livekit_test CASCADE;
RESET client_min_messages;
