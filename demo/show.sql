-- What callout makes of the demo deliveries. Every body is signed now, with the demo's key pair,
-- exactly as LiveKit's server would (Authorization: a bare HS256 JWT), and delivered through
-- callout.process_livekit_webhook; three more show refusals (a body changed after signing, a
-- token replayed an hour later, a wrong secret) and one is LiveKit retrying a delivery.
\set api_key 'APIdemoKey0001'
\set api_secret 'demo-secret-0123456789abcdefghijklmnop'

-- The deployment: a key, a phone route for the inbound number, the outbound calls a dialer placed.
\o /dev/null
SELECT callout.add_signing_key(:'api_key', :'api_secret');
SELECT callout.add_phone_route('+18005550100', 'acme-support', 'agent-support-v2');
SELECT callout.register_call('acme-sales', room_name, 'outbound', NULL, NULL, 'agent-sales-v7')
FROM (SELECT DISTINCT body::jsonb #>> '{room,name}' AS room_name
      FROM livekit_test.delivery WHERE name LIKE '%outbound%') AS outbound
ORDER BY room_name;
\o
\echo 'Set up: one signing key, a phone route +18005550100 -> tenant acme-support, and four'
\echo 'outbound calls registered for tenant acme-sales.'

CREATE TEMP TABLE signed AS
SELECT name, body,
       livekit_test.livekit_token(body, :'api_key', :'api_secret',
                                  extract(epoch FROM now())::bigint) AS token
FROM livekit_test.delivery;

INSERT INTO signed
SELECT 'x1-tampered: 05 with a longer call', replace(body, '"createdAt":"1779012143"', '"createdAt":"1779019999"'),
       token
FROM signed WHERE name = '05-inbound-sip_participant_left'
UNION ALL
SELECT 'x2-replayed an hour later: 09', body,
       livekit_test.livekit_token(body, :'api_key', :'api_secret', extract(epoch FROM now())::bigint - 3600)
FROM signed WHERE name = '09-outbound-no_answer-participant_left'
UNION ALL
SELECT 'x3-wrong secret: 10', body,
       livekit_test.livekit_token(body, :'api_key', 'not-the-secret', extract(epoch FROM now())::bigint)
FROM signed WHERE name = '10-outbound-busy-participant_left'
UNION ALL
SELECT 'x4-LiveKit retries 05', body, token
FROM signed WHERE name = '05-inbound-sip_participant_left';

\pset border 2
\pset null ''
\echo
\echo 'Each delivery, in order, through callout.process_livekit_webhook(body, authorization):'
SELECT s.name AS delivery,
       r.status,
       r.reason,
       s.body::jsonb ->> 'event' AS event,
       e ->> 'room_name' AS room,
       e ->> 'phone_number' AS phone,
       (e ->> 'call_duration_s')::integer AS seconds,
       r.call_id AS call,
       r.outcome
FROM (SELECT * FROM signed ORDER BY name) AS s
CROSS JOIN LATERAL callout.process_livekit_webhook(s.body, s.token) AS r
CROSS JOIN LATERAL (SELECT CASE WHEN r.status IN ('processed', 'duplicate', 'unmatched')
                                THEN callout.transform_livekit_event(s.body::jsonb) END) AS t(e);

\echo
\echo 'The call rows (one per call). The inbound call was created by its phone route when the SIP'
\echo 'participant joined; the room_started that came first waited unmatched and was applied then.'
SELECT id, user_id AS tenant, room_name AS room, direction, phone_number AS phone, campaign_id AS campaign,
       agent_config_id AS agent, status, outcome, duration_seconds AS seconds,
       disconnect_reason AS reason, sip_call_status AS sip_status, recording_url AS recording
FROM callout.call_log
ORDER BY id;

\echo
\echo 'Their detail, as callout.calls shows it: the SIP call ids to join with the carrier''s records,'
\echo 'when the phone leg answered, and its ring and talk time (LiveKit reports no answer instant:'
\echo 'talk time includes the ringing unless the leg joined already answered).'
SELECT id, sip_call_id, sip_call_id_full, answered_at, ring_seconds, talk_seconds
FROM callout.calls
ORDER BY id;

\echo
\echo 'Events stored exactly once per id (the retry and the refusals added none):'
SELECT count(*) AS events, count(DISTINCT event_id) AS distinct_ids,
       count(*) FILTER (WHERE call_log_id IS NULL) AS unmatched
FROM callout.livekit_call_event;
