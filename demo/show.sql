-- What callout makes of each demo delivery. Every body is signed now, with the demo's key pair,
-- exactly as LiveKit's server would (Authorization: a bare HS256 JWT); three more deliveries show
-- refusals: a body changed after signing, a token replayed an hour later, a wrong secret.
\set api_key 'APIdemoKey0001'
\set api_secret 'demo-secret-0123456789abcdefghijklmnop'

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
FROM signed WHERE name = '10-outbound-busy-participant_left';

\pset border 2
\pset null ''
\echo
\echo 'Each delivery: verified (or why not), the event, and for the phone leg leaving, the outcome.'
SELECT s.name AS delivery,
       v.verdict AS verified,
       coalesce(e->>'event', CASE WHEN v.verdict = 'ok' THEN (s.body::jsonb->>'event') || ' (ignored)' END) AS event,
       e->>'room_name' AS room,
       e->>'phone_number' AS phone,
       (e->>'call_duration_s')::integer AS seconds,
       e->>'disconnect_reason' AS reason,
       CASE WHEN e->>'event' IN ('participant_left', 'participant_connection_aborted')
                 AND (e->>'is_sip')::boolean
            THEN callout.classify_outcome((e->>'call_duration_s')::numeric,
                                          e->>'disconnect_reason', e->>'sip_call_status')
       END AS outcome,
       e->>'recording_location' AS recording
FROM signed AS s
CROSS JOIN LATERAL (SELECT callout.verify_livekit_signature(s.body, s.token,
                                                            :'api_key', :'api_secret')) AS v(verdict)
CROSS JOIN LATERAL (SELECT CASE WHEN v.verdict = 'ok'
                                THEN callout.transform_livekit_event(s.body::jsonb) END) AS t(e)
ORDER BY s.name;
