-- verify_livekit_signature against every real LiveKit delivery (test/vectors): each is checked
-- at its own instant with the SDK's 10 s leeway and must give the reason the vector expects.
-- The two deliveries whose reason is body_not_json carry a good token: their body is judged at
-- ingestion, so the signature check answers 'ok' for them.
BEGIN;
SELECT plan(106);

SELECT is((SELECT count(*)::integer FROM livekit_test.vectors), 51, 'the fixture holds 51 vectors');

-- Exactly these two are signed well over a body that is not JSON.
SELECT is(
    ARRAY(SELECT name FROM livekit_test.vectors WHERE expect->>'reason' = 'body_not_json' ORDER BY name),
    ARRAY['neg_signed_empty_body', 'neg_signed_non_json_body'],
    'the body_not_json vectors are the empty and the non-JSON body');

-- One assertion per vector (51), named after it.
SELECT is(
    callout.verify_livekit_signature(body, token, api_key, api_secret, verified_at, 10),
    CASE expect->>'reason' WHEN 'body_not_json' THEN 'ok' ELSE expect->>'reason' END,
    name)
FROM livekit_test.vectors
ORDER BY name;

-- Our expectation agrees with the verdict of LiveKit's SDK on every vector but one (50).
SELECT is((expect->>'valid')::boolean, (sdk_verdict->>'valid')::boolean,
          name || ': expected validity matches the SDK''s verdict')
FROM livekit_test.vectors
WHERE name <> 'neg_alg_hs512'
ORDER BY name;

-- The one disagreement: the token is signed HS512. The SDK's receiver does not pin the
-- algorithm and accepts it; LiveKit's Go server accepts HS256 only, and so does callout.
SELECT is(
    (SELECT pg_catalog.convert_from(pg_catalog.decode(
                translate(split_part(token, '.', 1), '-_', '+/')
                || repeat('=', (4 - length(split_part(token, '.', 1)) % 4) % 4), 'base64'),
            'UTF8')::jsonb->>'alg'
     FROM livekit_test.vectors WHERE name = 'neg_alg_hs512'),
    'HS512',
    'neg_alg_hs512: the token''s header names HS512');
SELECT is(
    (SELECT sdk_verdict->>'valid' FROM livekit_test.vectors WHERE name = 'neg_alg_hs512'),
    'true',
    'neg_alg_hs512: the SDK accepts it (it does not pin the algorithm)');
SELECT is(
    (SELECT expect->>'valid' || ' ' || (expect->>'reason') FROM livekit_test.vectors
     WHERE name = 'neg_alg_hs512'),
    'false alg_not_allowed',
    'neg_alg_hs512: callout, as LiveKit''s Go server, rejects it as alg_not_allowed');

SELECT * FROM finish();
ROLLBACK;
