-- The public LiveKit vectors (test/vectors/livekit-webhooks.jsonl) as the temporary table vectors,
-- a row each with what the citus suite's scripts deliver (test/citus/deliver.sql,
-- deliveries.sql): run from the repository's root.
CREATE TEMP TABLE vector_lines (line text NOT NULL);
-- CSV with quote and delimiter bytes that never occur in the file: each line arrives verbatim
\copy vector_lines (line) FROM 'test/vectors/livekit-webhooks.jsonl' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')
CREATE TEMP TABLE vectors AS
SELECT v->>'name' AS name, v->>'scenario' AS scenario, (v->>'seq')::integer AS seq,
       v->>'body' AS body, v->>'authorization' AS token, v->>'api_key' AS api_key,
       v->>'api_secret' AS api_secret, pg_catalog.to_timestamp((v->>'now')::bigint) AS verified_at
FROM (SELECT line::jsonb AS v FROM vector_lines) AS lines;
