-- The call row is a function of the set of its events, never of their arrival order
-- (DESIGN.md §4). Every permutation (120) of a five-event call, and 200 seeded random orders
-- of the longest vector scenario (its ignored events and retried duplicate included), leave
-- the same row. Each order registers the call, delivers the real LiveKit vectors verified at
-- their own instants, snapshots the row (as jsonb, without id, created_at, updated_at and its
-- outcome feed position, which say when, not what) and the events it holds, and is then undone
-- (a subtransaction rolled back) before the next.
BEGIN;
SELECT plan(9);

SET LOCAL callout.clock_leeway = 10;
SELECT livekit_test.add_vector_key();


-- Registers the call of the vectors' room, delivers them in the given order, and returns the
-- call row (with the ids of the events it holds) and the answers ('status[/reason]', then
-- ':own' when the answer names the call); then undoes it all.
CREATE FUNCTION pg_temp.replay(names text[], OUT call_row jsonb, OUT answers text[])
LANGUAGE plpgsql AS $$
DECLARE
    new_call bigint;
    room text;
    r callout.webhook_result;
    n text;
BEGIN
    answers := '{}';
    SELECT expect->>'room_name' INTO STRICT room FROM livekit_test.vectors WHERE name = names[1];
    BEGIN
        new_call := callout.register_call('tenant_in', room, 'inbound');
        FOREACH n IN ARRAY names LOOP
            r := livekit_test.deliver_vector(n);
            answers := answers || (r.status || coalesce('/' || r.reason, '')
                                   || CASE WHEN r.call_id = new_call THEN ':own' ELSE '' END);
        END LOOP;
        SELECT to_jsonb(c) - '{id,created_at,updated_at,feed_xact}'::text[]
               || jsonb_build_object('events', (SELECT jsonb_agg(e.event_id ORDER BY e.event_id)
                                                FROM callout.livekit_call_event AS e
                                                WHERE e.call_log_id = c.id))
        INTO call_row FROM callout.call_log AS c WHERE c.id = new_call;
        RAISE EXCEPTION 'undo this order' USING ERRCODE = 'UNDO1';
    EXCEPTION WHEN SQLSTATE 'UNDO1' THEN
        NULL;
    END;
END
$$;

-- ---- every permutation of five events of in1

CREATE TEMP TABLE five (name text PRIMARY KEY);
INSERT INTO five VALUES
    ('in1_room_started'), ('in1_sip_participant_joined'), ('in1_sip_participant_left_hangup'),
    ('in1_room_finished'), ('in1_egress_ended_file');

CREATE TEMP TABLE permutation AS
WITH RECURSIVE p(names) AS (
    SELECT ARRAY[name] FROM five
    UNION ALL
    SELECT p.names || f.name FROM p JOIN five AS f ON f.name <> ALL (p.names)
)
SELECT p.names, r.call_row, r.answers
FROM p, LATERAL pg_temp.replay(p.names) AS r
WHERE cardinality(p.names) = 5;

-- The order LiveKit sent them in.
CREATE TEMP TABLE five_in_order AS
SELECT r.call_row FROM pg_temp.replay(ARRAY['in1_room_started', 'in1_sip_participant_joined',
                                            'in1_sip_participant_left_hangup', 'in1_room_finished',
                                            'in1_egress_ended_file']) AS r;

SELECT is(
    ARRAY[(SELECT count(*) FROM permutation), (SELECT count(DISTINCT names) FROM permutation)],
    ARRAY[120::bigint, 120],
    'the five events were delivered in all 120 orders');

SELECT is(
    ARRAY(SELECT array_to_string(names, ' ') FROM permutation
          WHERE answers <> ARRAY['processed:own', 'processed:own', 'processed:own', 'processed:own', 'processed:own']
          ORDER BY 1),
    ARRAY[]::text[],
    'in every order, every delivery is processed and applied to the call');

SELECT is(
    ARRAY(SELECT array_to_string(names, ' ') FROM permutation
          WHERE call_row IS DISTINCT FROM (SELECT call_row FROM five_in_order)
          ORDER BY 1),
    ARRAY[]::text[],
    'every order leaves the row LiveKit''s own order leaves');

SELECT is(
    (SELECT jsonb_build_object(
         'status', call_row->'status', 'outcome', call_row->'outcome',
         'duration_seconds', call_row->'duration_seconds', 'disconnect_reason', call_row->'disconnect_reason',
         'sip_call_status', call_row->'sip_call_status', 'recording_url', call_row->'recording_url',
         'room_sid', call_row->'room_sid', 'phone_number', call_row->'phone_number',
         'started_at', extract(epoch FROM (call_row->>'started_at')::timestamptz)::bigint,
         'ended_at', extract(epoch FROM (call_row->>'ended_at')::timestamptz)::bigint,
         'events', call_row->'events')
     FROM five_in_order),
    '{"status": "ended", "outcome": "completed", "duration_seconds": 187,
      "disconnect_reason": "CLIENT_INITIATED", "sip_call_status": "hangup",
      "recording_url": "https://acme-call-recordings.s3.amazonaws.com/calls/2026/01/01/SCL_NFY26D5ujP7n.ogg",
      "room_sid": "RM_MwNsaNSjtNNy", "phone_number": "+14155550123",
      "started_at": 1767268800, "ended_at": 1767268988,
      "events": ["EV_AnzM7mQAJWS2", "EV_EsGbNWNE3ojh", "EV_khg34DSPqQXF", "EV_mKUoerFN6dHW", "EV_p9RYgBaKmAHT"]}'::jsonb,
    'that row is the call: ended, completed, 187 s, recorded, holding the five events');

-- ---- 200 seeded random orders of the longest scenario

CREATE TEMP TABLE longest AS
SELECT scenario, count(*) AS deliveries FROM livekit_test.vectors
WHERE scenario IS NOT NULL GROUP BY scenario ORDER BY count(*) DESC, scenario LIMIT 1;

SELECT is((SELECT scenario || ': ' || deliveries FROM longest), 'in1: 9',
          'the longest scenario is in1, with 9 deliveries (2 ignored, 1 retried)');

CREATE TEMP TABLE random_order (n integer PRIMARY KEY, names text[] NOT NULL);
DO $$
BEGIN
    PERFORM setseed(0.2026);
    FOR i IN 1..200 LOOP
        INSERT INTO random_order
        VALUES (i, ARRAY(SELECT v.name FROM livekit_test.vectors AS v
                         WHERE v.scenario = (SELECT scenario FROM longest)
                         ORDER BY random(), v.name));
    END LOOP;
END
$$;

CREATE TEMP TABLE random_replay AS
SELECT o.n, o.names, r.call_row, r.answers
FROM random_order AS o, LATERAL pg_temp.replay(o.names) AS r;

-- The scenario's own order.
CREATE TEMP TABLE longest_in_order AS
SELECT r.call_row
FROM pg_temp.replay(ARRAY(SELECT name FROM livekit_test.vectors
                          WHERE scenario = (SELECT scenario FROM longest) ORDER BY seq, name)) AS r;

SELECT is((SELECT count(DISTINCT names)::integer FROM random_replay), 200,
          '200 different orders were delivered');

SELECT is(
    ARRAY(SELECT n FROM random_replay
          WHERE ARRAY(SELECT a FROM unnest(answers) AS a ORDER BY a)
                <> ARRAY['duplicate/already processed:own', 'ignored', 'ignored', 'processed:own',
                         'processed:own', 'processed:own', 'processed:own', 'processed:own', 'processed:own']
          ORDER BY n),
    ARRAY[]::integer[],
    'in every order: six events processed, the retry a duplicate, two ignored');

SELECT is(
    ARRAY(SELECT n FROM random_replay
          WHERE call_row IS DISTINCT FROM (SELECT call_row FROM longest_in_order)
          ORDER BY n),
    ARRAY[]::integer[],
    'every random order leaves the row of the scenario''s own order');

-- The other deliveries (the agent, the ignored events, the retry) change nothing of the row
-- the five events make but the list of events.
SELECT is((SELECT call_row - 'events' FROM longest_in_order), (SELECT call_row - 'events' FROM five_in_order),
          'the nine deliveries leave the row the five events leave');

SELECT * FROM finish();
ROLLBACK;
