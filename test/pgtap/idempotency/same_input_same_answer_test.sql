-- Same input, same answer: verification and normalization are deterministic; a retried
-- delivery is the same event; neither the JSON layout nor the order of keys changes the
-- normalized event (only the signature, which covers the raw bytes, tells layouts apart).
BEGIN;
SELECT plan(144);

-- The JSON text of doc with its scalars, key names and key order kept verbatim, re-laid out
-- with item_sep between members and elements (',' is the Go server's compact layout, ', ' its
-- spaced one), its keys in reverse order at every level when reversed.
CREATE FUNCTION pg_temp.layout(doc json, item_sep text, reversed boolean) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
BEGIN
    CASE json_typeof(doc)
        WHEN 'object' THEN
            RETURN '{' || coalesce((
                SELECT string_agg(to_json(m.key)::text || ':' || pg_temp.layout(m.value, item_sep, reversed),
                                  item_sep ORDER BY CASE WHEN reversed THEN -m.n ELSE m.n END)
                FROM json_each(doc) WITH ORDINALITY AS m (key, value, n)), '') || '}';
        WHEN 'array' THEN
            RETURN '[' || coalesce((
                SELECT string_agg(pg_temp.layout(e.value, item_sep, reversed), item_sep ORDER BY e.n)
                FROM json_array_elements(doc) WITH ORDINALITY AS e (value, n)), '') || ']';
        ELSE
            RETURN doc::text;
    END CASE;
END
$$;

CREATE TEMP TABLE accepted AS
SELECT name, body, token, api_key, api_secret, verified_at, expect->>'event' AS event,
       CASE WHEN body LIKE '%, "%' THEN ', ' ELSE ',' END AS item_sep
FROM livekit_test.vectors
WHERE expect->>'valid' = 'true';

CREATE TEMP TABLE processable AS
SELECT * FROM accepted
WHERE event IN ('room_started', 'participant_joined', 'participant_left',
                'participant_connection_aborted', 'room_finished', 'egress_ended');

-- 1. Deterministic: a first pass, stored; then the same calls again (30 + 51).
CREATE TEMP TABLE first_pass AS
SELECT name,
       callout.verify_livekit_signature(body, token, api_key, api_secret, verified_at, 10) AS verdict,
       CASE WHEN expect->>'valid' = 'true'
            THEN callout.transform_livekit_event(body::jsonb)::text END AS normalized
FROM livekit_test.vectors;

SELECT is(callout.transform_livekit_event(a.body::jsonb)::text, f.normalized,
          a.name || ': transform gives the same event twice')
FROM accepted AS a JOIN first_pass AS f USING (name)
ORDER BY a.name;

SELECT is(callout.verify_livekit_signature(v.body, v.token, v.api_key, v.api_secret, v.verified_at, 10),
          f.verdict,
          v.name || ': verify gives the same verdict twice')
FROM livekit_test.vectors AS v JOIN first_pass AS f USING (name)
ORDER BY v.name;

-- 2. A retry is the same event, re-sent: LiveKit's notifier resends the identical body and
--    token (test/vectors/README.md), 15 s later here, so the event id is the same (6).
SELECT is((SELECT body FROM accepted WHERE name = 'in1_sip_participant_left_retry_duplicate'),
          (SELECT body FROM accepted WHERE name = 'in1_sip_participant_left_hangup'),
          'the retry resends the identical body');
SELECT is((SELECT token FROM accepted WHERE name = 'in1_sip_participant_left_retry_duplicate'),
          (SELECT token FROM accepted WHERE name = 'in1_sip_participant_left_hangup'),
          'the retry resends the identical Authorization token');
SELECT is((SELECT verified_at FROM accepted WHERE name = 'in1_sip_participant_left_retry_duplicate')
          - (SELECT verified_at FROM accepted WHERE name = 'in1_sip_participant_left_hangup'),
          interval '15 seconds',
          'the retry arrives 15 s after the first delivery');
SELECT is(ARRAY(SELECT callout.verify_livekit_signature(body, token, api_key, api_secret, verified_at, 10)
                FROM accepted
                WHERE name IN ('in1_sip_participant_left_hangup', 'in1_sip_participant_left_retry_duplicate')
                ORDER BY name),
          ARRAY['ok', 'ok'],
          'both deliveries verify at their own instant (the token lives 5 minutes)');
SELECT is((SELECT callout.transform_livekit_event(body::jsonb)->>'event_id' FROM accepted
           WHERE name = 'in1_sip_participant_left_retry_duplicate'),
          (SELECT callout.transform_livekit_event(body::jsonb)->>'event_id' FROM accepted
           WHERE name = 'in1_sip_participant_left_hangup'),
          'the retry carries the same event id');
SELECT is((SELECT callout.transform_livekit_event(body::jsonb) FROM accepted
           WHERE name = 'in1_sip_participant_left_retry_duplicate'),
          (SELECT callout.transform_livekit_event(body::jsonb) FROM accepted
           WHERE name = 'in1_sip_participant_left_hangup'),
          'the retry normalizes to the identical event');

-- 3. Layouts. The re-layout keeps every scalar verbatim: it rebuilds each accepted body byte
--    for byte in its own layout, and the vectors use both of the server's layouts (2).
SELECT is(ARRAY(SELECT name FROM accepted
                WHERE pg_temp.layout(body::json, item_sep, false) IS DISTINCT FROM body ORDER BY name),
          ARRAY[]::text[],
          'every accepted body is rebuilt byte for byte in its own layout');
SELECT is(ARRAY(SELECT DISTINCT item_sep FROM processable ORDER BY 1),
          ARRAY[',', ', '],
          'the processable vectors come in the compact and the spaced layout');

-- The same payload in the other layout normalizes to the same event (25)...
SELECT is(callout.transform_livekit_event(
              pg_temp.layout(body::json, CASE item_sep WHEN ',' THEN ', ' ELSE ',' END, false)::jsonb),
          callout.transform_livekit_event(body::jsonb),
          name || ': the other layout gives the same event')
FROM processable
ORDER BY name;

-- ... though its bytes differ, so the delivery's signature no longer covers it (1).
SELECT is(ARRAY(SELECT DISTINCT callout.verify_livekit_signature(
                    pg_temp.layout(body::json, CASE item_sep WHEN ',' THEN ', ' ELSE ',' END, false),
                    token, api_key, api_secret, verified_at, 10)
                FROM processable ORDER BY 1),
          ARRAY['sha256_mismatch'],
          'in the other layout every processable body fails its signature with sha256_mismatch');

-- A real re-serialized delivery: neg_body_reformatted was signed compact and delivered
-- spaced. Compacted again it is the signed body; both normalize to the same event (3).
SELECT is((SELECT callout.verify_livekit_signature(body, token, api_key, api_secret, verified_at, 10)
           FROM livekit_test.vectors WHERE name = 'neg_body_reformatted'),
          'sha256_mismatch',
          'neg_body_reformatted as delivered: sha256_mismatch');
SELECT is((SELECT callout.verify_livekit_signature(pg_temp.layout(body::json, ',', false),
                                                   token, api_key, api_secret, verified_at, 10)
           FROM livekit_test.vectors WHERE name = 'neg_body_reformatted'),
          'ok',
          'neg_body_reformatted in the compact layout is the signed body');
SELECT is((SELECT callout.transform_livekit_event(pg_temp.layout(body::json, ',', false)::jsonb)
           FROM livekit_test.vectors WHERE name = 'neg_body_reformatted'),
          (SELECT callout.transform_livekit_event(body::jsonb)
           FROM livekit_test.vectors WHERE name = 'neg_body_reformatted'),
          'neg_body_reformatted: both layouts normalize to the same event');

-- 4. Key order: every object's keys reversed, at every level, give the same event (25 + 1).
SELECT is(callout.transform_livekit_event(pg_temp.layout(body::json, item_sep, true)::jsonb),
          callout.transform_livekit_event(body::jsonb),
          name || ': keys in reverse order give the same event')
FROM processable
ORDER BY name;
SELECT is(ARRAY(SELECT name FROM processable
                WHERE pg_temp.layout(body::json, item_sep, true) = body ORDER BY name),
          ARRAY[]::text[],
          'reversing the keys changes the text of every processable body');

SELECT * FROM finish();
ROLLBACK;
