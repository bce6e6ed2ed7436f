-- Tokens minted by the SQL signer (test/fixtures/livekit_signer.sql, pgcrypto, independent of
-- the C++ code) verify 'ok' for assorted bodies, and every single-byte change of the body, of
-- the token's decoded header, claims or signature, or of the signature as sent, breaks them
-- with the reason README's check order gives (but the one change of the signature's text that
-- only sets unused bits, which LiveKit's receivers ignore: that one still verifies).
BEGIN;
SELECT plan(21);

-- Minted at 2026-01-01 12:00:00 UTC (nbf; exp 5 minutes later), verified 30 s later with the
-- SDK's 10 s leeway.
CREATE TEMP TABLE deliveries (label text PRIMARY KEY, body text NOT NULL, token text);
INSERT INTO deliveries (label, body) VALUES
    ('unicode',
     '{"event":"participant_left","room":{"name":"anruf-müller-📞-日本語-ß"},'
     '"participant":{"identity":"sip_+33142685300","name":"Zoë \"VIP\" Ångström \\ עברית '
     'e' || U&'\0301' || ' \u00e9 📞","kind":"SIP"},"id":"EV_unicode","createdAt":"1767268800"}'),
    ('empty object', '{}'),
    ('1 MB', '{"pad":"' || repeat('x', 1048576 - 10) || '"}');
UPDATE deliveries
SET token = livekit_test.livekit_token(body, 'APItap', 'tap-secret-0123456789abcdefghijklmnop', 1767268800);

CREATE FUNCTION pg_temp.verify(body text, token text) RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT callout.verify_livekit_signature(body, token, 'APItap',
             'tap-secret-0123456789abcdefghijklmnop', '2026-01-01 12:00:30+00', 10) $$;

-- Unpadded base64url to bytes (PostgreSQL's decoder wants standard, padded base64).
CREATE FUNCTION pg_temp.b64url_decode(segment text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT decode(translate(segment, '-_', '+/') || repeat('=', (4 - length(segment) % 4) % 4), 'base64') $$;

-- bytes with byte i (from 0) changed: its lowest bit flipped.
CREATE FUNCTION pg_temp.flip(bytes bytea, i integer) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT set_byte(bytes, i, get_byte(bytes, i) # 1) $$;

-- The JSON object these bytes hold, or NULL when they are not one.
CREATE FUNCTION pg_temp.json_object(bytes bytea) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE STRICT
AS $$
DECLARE
    value jsonb;
BEGIN
    value := convert_from(bytes, 'UTF8')::jsonb;
    RETURN CASE WHEN jsonb_typeof(value) = 'object' THEN value END;
EXCEPTION
    WHEN invalid_text_representation OR character_not_in_repertoire
         OR untranslatable_character THEN
        RETURN NULL;
END
$$;

-- The reason due for a token whose header and claims decode to these bytes but whose
-- signature does not cover them, by README's order: malformed_jwt, alg_not_allowed,
-- missing_iss, unknown_api_key, bad_signature.
CREATE FUNCTION pg_temp.reason_for(header bytea, claims bytea) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$
    SELECT CASE
        WHEN h IS NULL OR c IS NULL THEN 'malformed_jwt'
        WHEN h->>'alg' IS DISTINCT FROM 'HS256' THEN 'alg_not_allowed'
        WHEN NOT c ? 'iss' THEN 'missing_iss'
        WHEN c->>'iss' IS DISTINCT FROM 'APItap' THEN 'unknown_api_key'
        ELSE 'bad_signature'
    END
    FROM (SELECT pg_temp.json_object(header) AS h, pg_temp.json_object(claims) AS c) AS parts
$$;

-- One line per part: how many changes were tried and which gave another reason than due.
CREATE TEMP TABLE changes (label text, part text, position integer, got text, due text);

-- The body: every byte of the small bodies; five bytes of the 1 MB one (first, second,
-- middle, last two), each change hashing the whole megabyte again.
INSERT INTO changes
SELECT d.label, 'body', i,
       pg_temp.verify(convert_from(pg_temp.flip(convert_to(d.body, 'UTF8'), i), 'UTF8'), d.token),
       'sha256_mismatch'
FROM deliveries AS d
CROSS JOIN LATERAL (
    SELECT i FROM generate_series(0, octet_length(d.body) - 1) AS i WHERE d.label <> '1 MB'
    UNION ALL
    SELECT i FROM unnest(ARRAY[0, 1, 524288, 1048574, 1048575]) AS i WHERE d.label = '1 MB'
) AS positions;

-- The decoded header and claims: every byte, re-encoded, the signature kept.
INSERT INTO changes
SELECT d.label, p.part, i,
       pg_temp.verify(d.body,
                      livekit_test.base64url(changed.h) || '.' || livekit_test.base64url(changed.c)
                      || '.' || t.s),
       pg_temp.reason_for(changed.h, changed.c)
FROM deliveries AS d
CROSS JOIN LATERAL (SELECT pg_temp.b64url_decode(split_part(d.token, '.', 1)) AS header,
                           pg_temp.b64url_decode(split_part(d.token, '.', 2)) AS claims,
                           split_part(d.token, '.', 3) AS s) AS t
CROSS JOIN LATERAL (VALUES ('header'), ('claims')) AS p (part)
CROSS JOIN LATERAL generate_series(0, octet_length(CASE p.part WHEN 'header' THEN t.header
                                                                ELSE t.claims END) - 1) AS i
CROSS JOIN LATERAL (SELECT CASE p.part WHEN 'header' THEN pg_temp.flip(t.header, i) ELSE t.header END AS h,
                           CASE p.part WHEN 'claims' THEN pg_temp.flip(t.claims, i) ELSE t.claims END AS c) AS changed;

-- The decoded signature: every one of its 32 bytes.
INSERT INTO changes
SELECT d.label, 'signature bytes', i,
       pg_temp.verify(d.body, split_part(d.token, '.', 1) || '.' || split_part(d.token, '.', 2) || '.'
                              || livekit_test.base64url(pg_temp.flip(sig, i))),
       'bad_signature'
FROM deliveries AS d
CROSS JOIN LATERAL (SELECT pg_temp.b64url_decode(split_part(d.token, '.', 3)) AS sig) AS t
CROSS JOIN LATERAL generate_series(0, octet_length(t.sig) - 1) AS i;

-- The signature as sent: each of its 43 characters replaced by two other base64url characters
-- (alphabet index xor 32 and xor 1). A change that only sets the unused low bits of the last
-- character leaves the bytes equal: LiveKit's receivers (go-jose, jose) ignore those bits, so
-- it is the same signature and verifies; every other change is bad_signature.
INSERT INTO changes
SELECT d.label, 'signature text', i * 2 + k,
       pg_temp.verify(d.body, split_part(d.token, '.', 1) || '.' || split_part(d.token, '.', 2) || '.' || s),
       CASE WHEN livekit_test.base64url(pg_temp.b64url_decode(s)) = s THEN 'bad_signature'
            ELSE 'ok' END
FROM deliveries AS d
CROSS JOIN (SELECT 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'::text AS alphabet) AS a
CROSS JOIN LATERAL generate_series(0, length(split_part(d.token, '.', 3)) - 1) AS i
CROSS JOIN LATERAL (VALUES (0, 32), (1, 1)) AS m (k, mask)
CROSS JOIN LATERAL (
    SELECT overlay(split_part(d.token, '.', 3) PLACING
                   substr(a.alphabet,
                          ((strpos(a.alphabet, substr(split_part(d.token, '.', 3), i + 1, 1)) - 1) # m.mask) + 1,
                          1)
                   FROM i + 1 FOR 1) AS s
) AS changed;

-- Each delivery verifies as minted (3).
SELECT is(pg_temp.verify(body, token), 'ok', label || ': the minted token verifies')
FROM deliveries ORDER BY label;

-- Each part of each delivery: all changes tried, none answered otherwise than due (15).
SELECT is(
    format('%s changes, unexpected: %s', count(*),
           coalesce(string_agg(format('%s gave %s, not %s', c.position, c.got, c.due), '; '
                               ORDER BY c.position) FILTER (WHERE c.got IS DISTINCT FROM c.due),
                    'none')),
    format('%s changes, unexpected: none',
           CASE c.part
               WHEN 'body' THEN CASE d.label WHEN '1 MB' THEN 5 ELSE octet_length(d.body) END
               WHEN 'header' THEN octet_length(pg_temp.b64url_decode(split_part(d.token, '.', 1)))
               WHEN 'claims' THEN octet_length(pg_temp.b64url_decode(split_part(d.token, '.', 2)))
               WHEN 'signature bytes' THEN 32
               WHEN 'signature text' THEN 86
           END),
    format('%s: every single-byte change of the %s breaks the token', d.label, c.part))
FROM changes AS c
JOIN deliveries AS d USING (label)
GROUP BY d.label, d.body, d.token, c.part
ORDER BY d.label, c.part;

-- The changes reach every check of the token (1), and the one that sets unused bits only is ok.
SELECT is(ARRAY(SELECT DISTINCT due FROM changes ORDER BY 1),
          ARRAY['alg_not_allowed', 'bad_signature', 'malformed_jwt', 'missing_iss', 'ok',
                'sha256_mismatch', 'unknown_api_key'],
          'the changes exercise every reason from malformed_jwt to sha256_mismatch');

-- The bodies are what they claim to be: JSON objects of 1 MB, 2 and 243 bytes (1).
SELECT is(ARRAY(SELECT format('%s: %s bytes, JSON %s', label, octet_length(body), jsonb_typeof(body::jsonb))
                FROM deliveries ORDER BY label),
          ARRAY['1 MB: 1048576 bytes, JSON object', 'empty object: 2 bytes, JSON object',
                'unicode: 243 bytes, JSON object'],
          'the bodies are JSON objects of 1 MB, 2 bytes and 243 bytes');

-- The separators are single bytes too: either dot replaced leaves two segments (1).
SELECT is(ARRAY(SELECT pg_temp.verify(body, overlay(token PLACING 'A' FROM strpos(token, '.') FOR 1))
                FROM deliveries ORDER BY label)
          || ARRAY(SELECT pg_temp.verify(body, regexp_replace(token, '\.([^.]*)$', 'A\1'))
                   FROM deliveries ORDER BY label),
          array_fill('malformed_jwt'::text, ARRAY[6]),
          'replacing either dot of the token gives malformed_jwt');

SELECT * FROM finish();
ROLLBACK;
