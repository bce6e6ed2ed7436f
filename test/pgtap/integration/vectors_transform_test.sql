-- transform_livekit_event over every accepted real LiveKit delivery: the six event types callout
-- acts on give the facts the vector expects; the others give NULL. The normalized event omits
-- absent values, where the vector writes JSON null: both mean "no value" here (IS NOT DISTINCT
-- FROM, as is() compares); present values must be equal as JSON, type included.
BEGIN;
SELECT plan(734);

CREATE TEMP TABLE accepted AS
SELECT name, body, expect, callout.transform_livekit_event(body::jsonb) AS got
FROM livekit_test.vectors
WHERE expect->>'valid' = 'true';

CREATE TEMP TABLE processable (event text PRIMARY KEY);
INSERT INTO processable VALUES ('room_started'), ('participant_joined'), ('participant_left'),
    ('participant_connection_aborted'), ('room_finished'), ('egress_ended');

-- The accepted vectors cover the six processable types and five ignored ones.
SELECT is((SELECT count(*)::integer FROM accepted), 30, '30 vectors are accepted deliveries');
SELECT is(
    ARRAY(SELECT DISTINCT expect->>'event' FROM accepted ORDER BY 1),
    ARRAY['egress_ended', 'egress_started', 'egress_updated', 'ingress_started',
          'participant_connection_aborted', 'participant_joined', 'participant_left',
          'room_finished', 'room_started', 'track_published', 'track_unpublished'],
    'the accepted vectors carry the six processable event types and five others');

-- Every field the normalized event shares with the vectors' `expect`, for every processable
-- vector (25 vectors x 27 fields = 675).
SELECT is(a.got->f.field, NULLIF(a.expect->f.field, 'null'::jsonb), a.name || ': ' || f.field)
FROM accepted AS a
CROSS JOIN unnest(ARRAY['event', 'event_id', 'created_at', 'room_name', 'room_sid',
                        'room_creation_time', 'room_end_reason', 'is_sip',
                        'participant_identity', 'participant_sid', 'participant_name',
                        'participant_kind', 'joined_at', 'joined_at_ms', 'disconnect_reason',
                        'sip_call_id', 'sip_call_status', 'sip_phone_number',
                        'sip_trunk_phone_number', 'sip_trunk_id', 'sip_rule_id', 'sip_hostname',
                        'egress_id', 'egress_status', 'egress_error', 'recording_location',
                        'call_duration_s'])
     WITH ORDINALITY AS f (field, position)
WHERE a.expect->>'event' IN (SELECT event FROM processable)
ORDER BY a.name, f.position;

-- The SIP participant's sip.callIDFull (the trunk's Call-ID), which the vectors' `expect` does
-- not list, is its attribute as the body carries it; no other participant's is read (25).
SELECT is(a.got->>'sip_call_id_full',
          CASE WHEN (a.expect->>'is_sip')::boolean
               THEN a.body::jsonb -> 'participant' -> 'attributes' ->> 'sip.callIDFull' END,
          a.name || ': sip_call_id_full')
FROM accepted AS a
WHERE a.expect->>'event' IN (SELECT event FROM processable)
ORDER BY a.name;

-- The other accepted events are ignored (5).
SELECT is(got, NULL, name || ': ' || (expect->>'event') || ' is ignored (NULL)')
FROM accepted
WHERE expect->>'event' NOT IN (SELECT event FROM processable)
ORDER BY name;

-- The derived phone number is the SIP participant's number when it has one (13).
SELECT is(got->>'phone_number', expect->>'sip_phone_number',
          name || ': phone_number is the SIP participant''s number')
FROM accepted
WHERE expect->>'event' IN (SELECT event FROM processable)
  AND NULLIF(expect->'sip_phone_number', 'null'::jsonb) IS NOT NULL
ORDER BY name;

-- Without one, it is the E.164 number between underscores in the room name, if any (12); the
-- expected value comes from a regular expression, not from callout's own extractor.
SELECT is(got->>'phone_number', substring(expect->>'room_name' FROM '_(\+[0-9]{7,15})_'),
          name || ': phone_number comes from the room name')
FROM accepted
WHERE expect->>'event' IN (SELECT event FROM processable)
  AND NULLIF(expect->'sip_phone_number', 'null'::jsonb) IS NULL
ORDER BY name;

-- The two well-signed bodies that are not JSON are refused by the jsonb cast itself.
SELECT throws_ok(format('SELECT %L::jsonb', body), '22P02', NULL,
                 name || ': the body does not cast to jsonb')
FROM livekit_test.vectors
WHERE expect->>'reason' = 'body_not_json'
ORDER BY name;

SELECT * FROM finish();
ROLLBACK;
