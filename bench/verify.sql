-- Before the verify scenario is timed: callout's verify_livekit_signature and the PL/pgSQL
-- version must give the same answer on every delivery (all 'ok'), and the same refusal on each
-- tampered copy below. psql variables: api_key, api_secret, iat. Sets :rows, :callout_ok,
-- :plpgsql_ok, :disagree and :tampered_wrong. bench/setup.sql created the PL/pgSQL verifier.
\set ON_ERROR_STOP 1

SELECT count(*) AS rows,
       count(*) FILTER (WHERE s.by_callout = 'ok') AS callout_ok,
       count(*) FILTER (WHERE s.by_plpgsql = 'ok') AS plpgsql_ok,
       count(*) FILTER (WHERE s.by_callout IS DISTINCT FROM s.by_plpgsql) AS disagree
FROM (SELECT callout.verify_livekit_signature(d.body, d.auth, :'api_key', :'api_secret',
                                              to_timestamp(:iat), 60) AS by_callout,
             bench.verify_livekit_plpgsql(d.body, d.auth, :'api_key', :'api_secret',
                                          to_timestamp(:iat), 60) AS by_plpgsql
      FROM bench.delivery AS d) AS s \gset

-- Tampered copies of delivery 1, each with the answer both must give.
CREATE TEMP TABLE tampered AS
WITH one AS (
    SELECT d.body, d.auth, split_part(d.auth, '.', 3) AS sig FROM bench.delivery AS d WHERE d.id = 1
)
SELECT t.*
FROM one, LATERAL (VALUES
    ('body changed', overlay(one.body placing 'X' from 20 for 1), one.auth, :'api_key', :'api_secret', 0, 'sha256_mismatch'),
    ('body with a trailing newline', one.body || E'\n', one.auth, :'api_key', :'api_secret', 0, 'sha256_mismatch'),
    ('signature changed', one.body,
        left(one.auth, length(one.auth) - 43) || CASE WHEN left(one.sig, 1) = 'A' THEN 'B' ELSE 'A' END || substr(one.sig, 2),
        :'api_key', :'api_secret', 0, 'bad_signature'),
    ('wrong secret', one.body, one.auth, :'api_key', 'another-secret-of-at-least-32-characters', 0, 'bad_signature'),
    ('another key', one.body, one.auth, 'APIother', :'api_secret', 0, 'unknown_api_key'),
    ('expired', one.body, one.auth, :'api_key', :'api_secret', 300 + 60, 'expired'),
    ('not yet valid', one.body, one.auth, :'api_key', :'api_secret', -61, 'not_yet_valid'),
    ('empty', one.body, '', :'api_key', :'api_secret', 0, 'empty_authorization'),
    ('Bearer prefix', one.body, 'Bearer ' || one.auth, :'api_key', :'api_secret', 0, 'malformed_jwt'),
    ('two segments', one.body, split_part(one.auth, '.', 1) || '.' || split_part(one.auth, '.', 2),
        :'api_key', :'api_secret', 0, 'malformed_jwt'),
    ('alg HS384', one.body, livekit_test.sign_jwt('{"alg":"HS384","typ":"JWT"}',
        json_build_object('iss', :'api_key', 'nbf', :iat, 'exp', :iat + 300,
                          'sha256', livekit_test.body_sha256(one.body))::text, :'api_secret'),
        :'api_key', :'api_secret', 0, 'alg_not_allowed'),
    ('no iss', one.body, livekit_test.sign_jwt('{"alg":"HS256","typ":"JWT"}',
        json_build_object('nbf', :iat, 'exp', :iat + 300,
                          'sha256', livekit_test.body_sha256(one.body))::text, :'api_secret'),
        :'api_key', :'api_secret', 0, 'missing_iss'),
    ('no exp', one.body, livekit_test.sign_jwt('{"alg":"HS256","typ":"JWT"}',
        json_build_object('iss', :'api_key', 'nbf', :iat,
                          'sha256', livekit_test.body_sha256(one.body))::text, :'api_secret'),
        :'api_key', :'api_secret', 0, 'missing_exp'),
    ('no sha256', one.body, livekit_test.sign_jwt('{"alg":"HS256","typ":"JWT"}',
        json_build_object('iss', :'api_key', 'nbf', :iat, 'exp', :iat + 300)::text, :'api_secret'),
        :'api_key', :'api_secret', 0, 'missing_sha256')
) AS t (name, body, auth, api_key, api_secret, shift_seconds, expected);

SELECT t.name, t.expected,
       callout.verify_livekit_signature(t.body, t.auth, t.api_key, t.api_secret,
                                        to_timestamp(:iat + t.shift_seconds), 60) AS by_callout,
       bench.verify_livekit_plpgsql(t.body, t.auth, t.api_key, t.api_secret,
                                    to_timestamp(:iat + t.shift_seconds), 60) AS by_plpgsql
INTO TEMP TABLE tampered_answer
FROM tampered AS t;
SELECT count(*) AS tampered_wrong FROM tampered_answer
WHERE by_callout IS DISTINCT FROM expected OR by_plpgsql IS DISTINCT FROM expected \gset
SELECT name, expected, by_callout, by_plpgsql FROM tampered_answer
WHERE by_callout IS DISTINCT FROM expected OR by_plpgsql IS DISTINCT FROM expected;

-- The time one query takes, in milliseconds (its rows are discarded).
CREATE FUNCTION bench.elapsed_ms(query text) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
    started timestamptz := clock_timestamp();
BEGIN
    EXECUTE query;
    RETURN extract(epoch FROM clock_timestamp() - started) * 1000;
END
$$;
