--
-- verify_livekit_signature: LiveKit's Authorization token (a bare HS256 JWT over the raw body)
-- and verify_hmac_signature: the older plain HMAC-SHA256 scheme. Tokens are minted by the
-- SQL signer in test/fixtures (pgcrypto), at fixed instants.
--
\set ECHO none
\i test/fixtures/livekit_signer.sql
\set ECHO all

-- A delivery minted at unix 1767268800: nbf = 1767268800, exp = 1767269100.
\set body '{"event":"room_started","room":{"sid":"RM_1","name":"call-_+14155550123_abc"},"id":"EV_1","createdAt":"1767268800"}'
\set key 'APIkey123'
\set secret 'secret-of-at-least-32-characters-xyz'
CREATE TEMP TABLE delivery AS
SELECT :'body'::text AS body,
       :'key'::text AS api_key,
       :'secret'::text AS api_secret,
       1767268800::bigint AS minted,
       livekit_test.livekit_token(:'body', :'key', :'secret', 1767268800) AS token;

-- A token with any header and claims, signed with the delivery's secret.
CREATE FUNCTION pg_temp.token_with(header text, claims jsonb) RETURNS text
LANGUAGE sql AS $$ SELECT livekit_test.sign_jwt(header, claims::text, 'secret-of-at-least-32-characters-xyz') $$;

-- The claims LiveKit sends for the delivery, to be edited by each case.
CREATE TEMP TABLE std AS
SELECT '{"alg":"HS256","typ":"JWT"}'::text AS header,
       jsonb_build_object('iss', api_key, 'nbf', minted, 'exp', minted + 300,
                          'sha256', livekit_test.body_sha256(body)) AS claims
FROM delivery;

-- ok
SELECT callout.verify_livekit_signature(body, token, api_key, api_secret,
                                        to_timestamp(1767268802), 10) AS reason
FROM delivery;

-- every reason code, in the order the checks run
SELECT c.name, callout.verify_livekit_signature(d.body, c.auth, d.api_key, d.api_secret,
                                                to_timestamp(c.at), 10) AS reason
FROM delivery d, std s,
LATERAL (VALUES
    ('ok', d.token, 1767268802),
    ('empty_authorization: empty', '', 1767268802),
    ('empty_authorization: blank', E' \t ', 1767268802),
    ('malformed_jwt: garbage', 'not a token', 1767268802),
    ('malformed_jwt: two segments', split_part(d.token, '.', 1) || '.' || split_part(d.token, '.', 2), 1767268802),
    ('malformed_jwt: four segments', d.token || '.x', 1767268802),
    ('malformed_jwt: header not JSON', livekit_test.base64url('nope') || '.' || split_part(d.token, '.', 2) || '.' || split_part(d.token, '.', 3), 1767268802),
    ('malformed_jwt: claims a JSON array', pg_temp.token_with(s.header, '[1,2]'), 1767268802),
    ('malformed_jwt: padded segment', d.token || '=', 1767268802),
    ('alg_not_allowed: HS512', pg_temp.token_with('{"alg":"HS512","typ":"JWT"}', s.claims), 1767268802),
    ('alg_not_allowed: none', livekit_test.base64url('{"alg":"none"}') || '.' || livekit_test.base64url(convert_to(s.claims::text, 'UTF8')) || '.', 1767268802),
    ('alg_not_allowed: lower case', pg_temp.token_with('{"alg":"hs256"}', s.claims), 1767268802),
    ('alg_not_allowed: no alg', pg_temp.token_with('{"typ":"JWT"}', s.claims), 1767268802),
    ('missing_iss', pg_temp.token_with(s.header, s.claims - 'iss'), 1767268802),
    ('missing_iss: iss a number', pg_temp.token_with(s.header, s.claims || '{"iss":123}'), 1767268802),
    ('unknown_api_key', pg_temp.token_with(s.header, s.claims || '{"iss":"OTHERkey"}'), 1767268802),
    ('bad_signature: wrong secret', livekit_test.livekit_token(d.body, d.api_key, 'another-secret', d.minted), 1767268802),
    ('bad_signature: signature of another token', split_part(d.token, '.', 1) || '.' || split_part(d.token, '.', 2) || '.' || split_part(livekit_test.livekit_token('{}', d.api_key, d.api_secret, d.minted), '.', 3), 1767268802),
    ('missing_exp', pg_temp.token_with(s.header, s.claims - 'exp'), 1767268802),
    ('missing_exp: exp a string', pg_temp.token_with(s.header, s.claims || '{"exp":"1767269100"}'), 1767268802),
    ('expired', d.token, 1767269200),
    ('not_yet_valid', d.token, 1767268700),
    ('not_yet_valid: nbf a string', pg_temp.token_with(s.header, s.claims || '{"nbf":"1767268800"}'), 1767268802),
    ('ok: no nbf', pg_temp.token_with(s.header, s.claims - 'nbf'), 1767268802),
    ('ok: extra claims and header fields', pg_temp.token_with('{"alg":"HS256","typ":"JWT","kid":"k1"}', s.claims || '{"iat":1767268800,"video":{"roomJoin":true}}'), 1767268802),
    ('missing_sha256', pg_temp.token_with(s.header, s.claims - 'sha256'), 1767268802),
    ('sha256_mismatch: hex digest', pg_temp.token_with(s.header, s.claims || jsonb_build_object('sha256', encode(digest(d.body, 'sha256'), 'hex'))), 1767268802)
) AS c(name, auth, at);

-- sha256_mismatch: the body is not the one signed
SELECT b.name, callout.verify_livekit_signature(b.body, d.token, d.api_key, d.api_secret,
                                                to_timestamp(1767268802), 10) AS reason
FROM delivery d,
LATERAL (VALUES
    ('tampered', replace(d.body, 'EV_1', 'EV_2')),
    ('trailing newline', d.body || E'\n'),
    ('reformatted', jsonb_pretty(d.body::jsonb)),
    ('empty', '')
) AS b(name, body);

-- the checks run in order: a token that is both expired and over another body is expired
SELECT callout.verify_livekit_signature('other body', token, api_key, api_secret,
                                        to_timestamp(1767269200), 10) AS reason
FROM delivery;

-- leeway boundaries with an explicit leeway (nbf = mint, exp = mint + 300, leeway 10):
-- expired when at - leeway >= exp, not yet valid when nbf > at + leeway
SELECT at - minted AS seconds_after_mint,
       callout.verify_livekit_signature(body, token, api_key, api_secret,
                                        to_timestamp(at), 10) AS reason
FROM delivery, unnest(ARRAY[minted - 11, minted - 10, minted, minted + 300, minted + 309,
                            minted + 310]) AS at;

-- leeway 0: exactly at exp is expired, exactly at nbf is valid
SELECT at - minted AS seconds_after_mint,
       callout.verify_livekit_signature(body, token, api_key, api_secret,
                                        to_timestamp(at), 0) AS reason
FROM delivery, unnest(ARRAY[minted - 1, minted, minted + 299, minted + 300]) AS at;

-- fractional instants are rounded down to the second
SELECT callout.verify_livekit_signature(body, token, api_key, api_secret,
                                        to_timestamp(1767269099.999), 0) AS just_before_exp,
       callout.verify_livekit_signature(body, token, api_key, api_secret,
                                        to_timestamp(1767268799.999), 0) AS just_before_nbf
FROM delivery;

-- NULL leeway: the callout.clock_leeway setting, 60 seconds by default
SHOW callout.clock_leeway;
SELECT at - minted AS seconds_after_mint,
       callout.verify_livekit_signature(body, token, api_key, api_secret,
                                        to_timestamp(at), NULL) AS reason
FROM delivery, unnest(ARRAY[minted - 61, minted - 60, minted + 359, minted + 360]) AS at;

-- a superuser may change it: with 0 the same instants answer differently
SET callout.clock_leeway = 0;
SHOW callout.clock_leeway;
SELECT at - minted AS seconds_after_mint,
       callout.verify_livekit_signature(body, token, api_key, api_secret,
                                        to_timestamp(at), NULL) AS reason
FROM delivery, unnest(ARRAY[minted - 60, minted + 359]) AS at;
SET callout.clock_leeway = '2min';
SELECT callout.verify_livekit_signature(body, token, api_key, api_secret,
                                        to_timestamp(minted + 419), NULL) AS reason
FROM delivery;
-- out of range (0 - 3600): refused with 22023, naming the setting and its range (some servers
-- write the range's bounds with their unit, "0 s .. 3600 s", others without)
DO $$
DECLARE
    value text;
BEGIN
    FOREACH value IN ARRAY ARRAY['-1', '3601'] LOOP
        BEGIN
            EXECUTE format('SET callout.clock_leeway = %s', value);
            RAISE NOTICE 'no error: %', value;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE '%: % refused, names the setting and 0 .. 3600: %', SQLSTATE, value,
                SQLERRM ~ '"callout\.clock_leeway" \(0( s)? \.\. 3600( s)?\)$';
        END;
    END LOOP;
END
$$;
RESET callout.clock_leeway;
SHOW callout.clock_leeway;

-- a role that is not a superuser cannot set it
CREATE ROLE regress_callout_verify_user;
GRANT USAGE ON SCHEMA callout TO regress_callout_verify_user;
SET ROLE regress_callout_verify_user;
SET callout.clock_leeway = 3600;
SELECT set_config('callout.clock_leeway', '3600', false);
SHOW callout.clock_leeway;
DO $$
BEGIN
    SET callout.clock_leeway = 0;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE '%: %', SQLSTATE, SQLERRM;
END
$$;
-- nor call the function: EXECUTE is revoked from PUBLIC
SELECT callout.verify_livekit_signature('', '', '', '', to_timestamp(0), 0);
RESET ROLE;
REVOKE USAGE ON SCHEMA callout FROM regress_callout_verify_user;
DROP ROLE regress_callout_verify_user;

-- Bearer prefix: LiveKit sends a bare token, so the prefix is malformed
SELECT callout.verify_livekit_signature(body, 'Bearer ' || token, api_key, api_secret,
                                        to_timestamp(1767268802), 10) AS bearer
FROM delivery;

-- NULL authorization
SELECT callout.verify_livekit_signature(body, NULL, api_key, api_secret,
                                        to_timestamp(1767268802), 10) AS null_authorization
FROM delivery;

-- a NULL body never verifies, not even against a token or signature over the empty body
SELECT callout.verify_livekit_signature(NULL, token, api_key, api_secret,
                                        to_timestamp(1767268802), 10) AS null_body_signed_other,
       callout.verify_livekit_signature(NULL, livekit_test.livekit_token('', api_key, api_secret, minted),
                                        api_key, api_secret, to_timestamp(1767268802), 10) AS null_body_signed_empty
FROM delivery;

-- NULL or empty key and secret: never ok
SELECT callout.verify_livekit_signature(body, token, NULL, api_secret,
                                        to_timestamp(1767268802), 10) AS null_key,
       callout.verify_livekit_signature(body, token, '', api_secret,
                                        to_timestamp(1767268802), 10) AS empty_key,
       callout.verify_livekit_signature(body, token, api_key, NULL,
                                        to_timestamp(1767268802), 10) AS null_secret,
       callout.verify_livekit_signature(body, token, api_key, '',
                                        to_timestamp(1767268802), 10) AS empty_secret
FROM delivery;

-- a token minted for an empty key with an empty secret is still refused
SELECT callout.verify_livekit_signature(body, livekit_test.livekit_token(body, '', 'x', minted),
                                        '', 'x', to_timestamp(1767268802), 10) AS empty_iss_and_key
FROM delivery;

-- at NULL, at infinity: ERROR
SELECT callout.verify_livekit_signature(body, token, api_key, api_secret, NULL, 10) FROM delivery;
SELECT callout.verify_livekit_signature(body, token, api_key, api_secret, 'infinity', 10) FROM delivery;
SELECT callout.verify_livekit_signature(body, token, api_key, api_secret, '-infinity', 10) FROM delivery;

-- negative leeway: ERROR
SELECT callout.verify_livekit_signature(body, token, api_key, api_secret,
                                        to_timestamp(1767268802), -1) FROM delivery;

-- the SQLSTATEs of these errors
DO $$
DECLARE
    statement text;
BEGIN
    FOREACH statement IN ARRAY ARRAY[
        $q$SELECT callout.verify_livekit_signature('', 'x', 'k', 's', NULL, 10)$q$,
        $q$SELECT callout.verify_livekit_signature('', 'x', 'k', 's', 'infinity', 10)$q$,
        $q$SELECT callout.verify_livekit_signature('', 'x', 'k', 's', to_timestamp(0), -1)$q$,
        $q$SET callout.clock_leeway = 3601$q$]
    LOOP
        BEGIN
            EXECUTE statement;
            RAISE NOTICE 'no error: %', statement;
        EXCEPTION WHEN OTHERS THEN
            -- a range's bounds read the same with or without their unit
            RAISE NOTICE '%: %', SQLSTATE, regexp_replace(SQLERRM, '\((\d+) s \.\. (\d+) s\)$', '(\1 .. \2)');
        END;
    END LOOP;
END
$$;

-- oversized authorization: up to 8192 bytes is read, anything longer is malformed before any
-- hashing (tokens of the exact sizes, signed, made by padding the header and claims JSON)
SELECT DISTINCT ON (length(t.auth)) length(t.auth) AS bytes,
       callout.verify_livekit_signature(d.body, t.auth, d.api_key, d.api_secret,
                                        to_timestamp(1767268802), 10) AS reason
FROM delivery d, std s, generate_series(0, 2) AS h, generate_series(5900, 6000) AS n,
LATERAL (SELECT livekit_test.sign_jwt(s.header || repeat(' ', h), s.claims::text || repeat(' ', n),
                                      d.api_secret) AS auth) AS t
WHERE length(t.auth) BETWEEN 8191 AND 8193
ORDER BY length(t.auth);

SELECT callout.verify_livekit_signature(body, repeat('A', 100000), api_key, api_secret,
                                        to_timestamp(1767268802), 10) AS reason_100kb
FROM delivery;

--
-- verify_hmac_signature: HMAC-SHA256 of the body, as 64 hex digits or 44 characters of base64,
-- optionally prefixed sha256=. The names are those of the original module's tests.
--
\set hbody '{"event":"participant_left","id":"EV_1"}'
\set hsecret 'webhook-secret'
SELECT livekit_test.plain_hmac_hex(:'hbody', :'hsecret') AS hex,
       encode(hmac(:'hbody', :'hsecret', 'sha256'), 'base64') AS base64;

-- signature correct
SELECT callout.verify_hmac_signature(:'hbody', livekit_test.plain_hmac_hex(:'hbody', :'hsecret'), :'hsecret') AS correct;

-- signature incorrect
SELECT callout.verify_hmac_signature(:'hbody', livekit_test.plain_hmac_hex(:'hbody', 'other-secret'), :'hsecret') AS wrong_secret,
       callout.verify_hmac_signature(:'hbody' || ' ', livekit_test.plain_hmac_hex(:'hbody', :'hsecret'), :'hsecret') AS other_body,
       callout.verify_hmac_signature(:'hbody', repeat('0', 64), :'hsecret') AS zeros;

-- missing signature
SELECT callout.verify_hmac_signature(:'hbody', NULL, :'hsecret') AS null_signature,
       callout.verify_hmac_signature(:'hbody', '', :'hsecret') AS empty_signature;

-- missing secret
SELECT callout.verify_hmac_signature(:'hbody', livekit_test.plain_hmac_hex(:'hbody', ''), NULL) AS null_secret,
       callout.verify_hmac_signature(:'hbody', livekit_test.plain_hmac_hex(:'hbody', ''), '') AS empty_secret;

-- a NULL body never verifies, not even against a token or signature over the empty body
SELECT callout.verify_hmac_signature(NULL, livekit_test.plain_hmac_hex('', :'hsecret'), :'hsecret') AS null_body;

-- hex uppercase
SELECT callout.verify_hmac_signature(:'hbody', upper(livekit_test.plain_hmac_hex(:'hbody', :'hsecret')), :'hsecret') AS hex_upper;

-- sha256= prefix, hex and base64
SELECT callout.verify_hmac_signature(:'hbody', 'sha256=' || livekit_test.plain_hmac_hex(:'hbody', :'hsecret'), :'hsecret') AS prefix_hex,
       callout.verify_hmac_signature(:'hbody', 'sha256=' || encode(hmac(:'hbody', :'hsecret', 'sha256'), 'base64'), :'hsecret') AS prefix_base64,
       callout.verify_hmac_signature(:'hbody', 'SHA256=' || livekit_test.plain_hmac_hex(:'hbody', :'hsecret'), :'hsecret') AS prefix_upper_case;

-- base64 44-char
SELECT length(encode(hmac(:'hbody', :'hsecret', 'sha256'), 'base64')) AS length,
       callout.verify_hmac_signature(:'hbody', encode(hmac(:'hbody', :'hsecret', 'sha256'), 'base64'), :'hsecret') AS base64,
       callout.verify_hmac_signature(:'hbody', rtrim(encode(hmac(:'hbody', :'hsecret', 'sha256'), 'base64'), '='), :'hsecret') AS base64_unpadded,
       callout.verify_hmac_signature(:'hbody', livekit_test.base64url(hmac(:'hbody', :'hsecret', 'sha256')), :'hsecret') AS base64url;

-- surrounding whitespace of a header value is ignored (spaces, tabs, line ends)
SELECT callout.verify_hmac_signature(:'hbody', E' \t' || livekit_test.plain_hmac_hex(:'hbody', :'hsecret') || ' ', :'hsecret') AS padded,
       callout.verify_hmac_signature(:'hbody', livekit_test.plain_hmac_hex(:'hbody', :'hsecret') || E'\r\n', :'hsecret') AS line_end;

-- garbage
SELECT s.name, callout.verify_hmac_signature(:'hbody', s.signature, :'hsecret') AS valid
FROM (VALUES
    ('words', 'not a signature'),
    ('63 hex digits', left(livekit_test.plain_hmac_hex(:'hbody', :'hsecret'), 63)),
    ('65 hex digits', livekit_test.plain_hmac_hex(:'hbody', :'hsecret') || '0'),
    ('64 characters not hex', repeat('g', 64)),
    ('hex with a prefix but nothing after', 'sha256='),
    ('44 characters not base64', repeat('!', 44)),
    ('a JWT', 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln'),
    ('very long', repeat('a', 100000))
) AS s(name, signature);

SET client_min_messages = warning;
DROP SCHEMA livekit_test CASCADE;
RESET client_min_messages;
