-- The concurrency suite's deliveries: :calls calls, each the events of one of the LiveKit vector
-- scenarios (an inbound call with agent, egress and a retried leave; answered, unanswered,
-- busy, failed outbound calls; egress and ignored events) under its own event ids, room name
-- and room sid, signed once with the test signer. Four in five calls are registered first;
-- the others' events arrive for rooms nobody registered. Run in the database the deliveries go
-- to and in the fresh one they are replayed into one by one, so both hold the same calls.
\set ON_ERROR_STOP 1
\i test/fixtures/livekit_signer.sql
CREATE SCHEMA conc;

CREATE TABLE conc.vector_lines (line text NOT NULL);
\copy conc.vector_lines (line) FROM 'test/vectors/livekit-webhooks.jsonl' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')

-- The accepted vectors that belong to a scenario, numbered by scenario.
CREATE TABLE conc.template AS
SELECT dense_rank() OVER (ORDER BY v->>'scenario') - 1 AS scenario, (v->>'seq')::integer AS seq,
       v->>'name' AS name, v->>'body' AS body, v->'expect'->>'event' AS event
FROM (SELECT line::jsonb AS v FROM conc.vector_lines) AS lines
WHERE v->>'scenario' <> '' AND (v->'expect'->>'valid')::boolean;

-- The event ids, room names and room sids of each scenario, which every call renames.
CREATE TABLE conc.template_name AS
SELECT DISTINCT t.scenario, n.name, n.suffix
FROM conc.template AS t,
     LATERAL (SELECT t.body::jsonb->>'id', '-c' UNION ALL
              SELECT t.body::jsonb->'room'->>'name', '-c' UNION ALL
              SELECT t.body::jsonb->'egressInfo'->>'roomName', '-c' UNION ALL
              SELECT t.body::jsonb->'ingressInfo'->>'roomName', '-c' UNION ALL
              SELECT t.body::jsonb->'room'->>'sid', '_c' UNION ALL
              SELECT t.body::jsonb->'egressInfo'->>'roomId', '_c') AS n(name, suffix)
WHERE n.name <> '';

-- One row per distinct delivery (a retry with the same body is the same delivery).
CREATE TABLE conc.delivery (
    id serial PRIMARY KEY,
    call integer NOT NULL,
    room text NOT NULL,
    registered boolean NOT NULL,
    event_type text NOT NULL,
    event_id text NOT NULL,
    processable boolean NOT NULL,
    body text NOT NULL UNIQUE,
    token text NOT NULL);

CREATE FUNCTION conc.renamed(body text, scenario bigint, call integer) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    n record;
BEGIN
    FOR n IN SELECT * FROM conc.template_name AS t WHERE t.scenario = renamed.scenario ORDER BY length(t.name) DESC LOOP
        body := replace(body, '"' || n.name || '"', '"' || n.name || n.suffix || call || '"');
    END LOOP;
    RETURN body;
END
$$;

INSERT INTO conc.delivery (call, room, registered, event_type, event_id, processable, body, token)
SELECT c.call, b.body::jsonb->'room'->>'name', c.call % 5 <> 0, b.body::jsonb->>'event', b.body::jsonb->>'id',
       b.body::jsonb->>'event' IN ('room_started', 'participant_joined', 'participant_left',
                                   'participant_connection_aborted', 'room_finished', 'egress_ended'),
       b.body, livekit_test.livekit_token(b.body, 'APIconcurrency', 'concurrency-secret-of-at-least-32-characters', 1767268800)
FROM generate_series(1, :calls) AS c(call)
JOIN (SELECT DISTINCT scenario FROM conc.template) AS s ON s.scenario = c.call % (SELECT count(DISTINCT scenario) FROM conc.template)
CROSS JOIN LATERAL (SELECT DISTINCT conc.renamed(t.body, s.scenario, c.call) AS body, min(t.seq) AS seq
                    FROM conc.template AS t WHERE t.scenario = s.scenario GROUP BY 1) AS b
ORDER BY c.call, b.seq;

SELECT callout.add_signing_key('APIconcurrency', 'concurrency-secret-of-at-least-32-characters');
-- The tenants' names hold what a worker must hand whole: a space, quotes and a line break.
SELECT count(callout.register_call(CASE WHEN room LIKE 'outbound-%' THEN 'tenant out' ELSE E'tenant-in\n1 2'');--' END, room,
                                   CASE WHEN room LIKE 'outbound-%' THEN 'outbound' ELSE 'inbound' END))
FROM (SELECT DISTINCT room FROM conc.delivery WHERE registered) AS r;

-- The sequential delivery the concurrent one is compared with: each distinct delivery once, in
-- order, each in a transaction of its own.
CREATE PROCEDURE conc.deliver_sequentially()
LANGUAGE plpgsql
AS $$
DECLARE
    d record;
BEGIN
    FOR d IN SELECT id FROM conc.delivery ORDER BY id LOOP
        PERFORM callout.process_livekit_webhook(x.body, x.token) FROM conc.delivery AS x WHERE x.id = d.id;
        COMMIT;
    END LOOP;
END
$$;

\ir ../fixtures/stored_event.sql
