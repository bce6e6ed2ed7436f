-- A body as the jsonb callout stores (callout._parse_json_body): core::JsonReader reads it and
-- PostgreSQL's parser decides what the reader leaves; either way the value is the one jsonb_in
-- makes of the same text, NULL where jsonb_in finds no JSON, and the ERROR jsonb_in raises for a
-- number numeric cannot hold. Compared on the LiveKit vectors, on edge cases written out, and on
-- random token soups (repeatable: setseed).
BEGIN;
SELECT plan(16);

-- jsonb_in's answer: the value, or NULL where the text is not JSON.
CREATE FUNCTION pg_temp.jsonb_in_or_null(body text) RETURNS jsonb
LANGUAGE plpgsql AS $$
BEGIN
    RETURN body::jsonb;
EXCEPTION WHEN invalid_text_representation THEN
    RETURN NULL;
END
$$;

-- The bodies of cases whose two answers differ (as text, so key order and numbers' digits count).
CREATE FUNCTION pg_temp.differing(bodies text[]) RETURNS text[]
LANGUAGE sql AS $$
    SELECT coalesce(array_agg(b ORDER BY b), '{}')
    FROM unnest(bodies) AS b
    WHERE callout._parse_json_body(b)::text IS DISTINCT FROM pg_temp.jsonb_in_or_null(b)::text
       OR callout._parse_json_body(b) <> pg_temp.jsonb_in_or_null(b)
$$;

SELECT is(pg_temp.differing(array_agg(body)), '{}', 'every LiveKit vector body reads as jsonb_in reads it')
FROM livekit_test.vectors;
SELECT cmp_ok(count(*)::integer, '>=', 40, 'the vectors are there to compare') FROM livekit_test.vectors;

SELECT is(pg_temp.differing(ARRAY[
    -- structure and whitespace
    '{}', '[]', ' { } ', E'\t[\n1\r]', '{"a":{"b":[{"c":[]}]}}', '[[],[[]],{}]',
    '"x"', '0', 'true', 'false', 'null', '  "raw"  ',
    -- keys: jsonb's order (shorter first, then bytes), the last of equal keys kept
    '{"bb":1,"a":2,"ab":3,"b":4,"":5}', '{"a":1,"a":2}', '{"a":1,"b":0,"a":{"x":1},"a":[3]}',
    '{"é":1,"e":2,"z":3,"ä":4}', '{"k":1,"k":2,"k":3,"j":0}',
    -- escapes, at every offset of an eight-byte word
    '["a\"b\\c\/d\be\ff\ng\rh\ti"]', '["\u0041\u00e9\u20AC\ud83d\ude00"]', '["\uD83D\uDE00x"]',
    '["\"1234567"]', '["1\"234567"]', '["1234567\""]', '["12345678\"9"]', '["123456789abcdef\\"]',
    '["éééééééé\n"]', '{"12345678\u0041":"9"}', '["\u00e9\u00E9"]',
    -- numbers as numeric reads them
    '[0,-0,1.0,1.50,-2.5e+3,1E9,1e-9,1e+009,123456789012345678901234567890,0.000001]',
    '{"n":1e999}', '[-0.0e0]',
    -- not JSON
    '', ' ', '{', '[1,]', '[,1]', '{"a"}', '{"a":}', '{"a" 1}', '{"a":1,}', '{1:1}', '[1 2]',
    '[1]]', '[1]x', '1 2', '"a', '"\x"', '"\u12"', '"\u12g4"', E'"a\tb"', E'"a\nb"',
    '"\ud800"', '"\ud800x"', '"\ud800\n"', '"\ud800\u0041"', '"\ud800\ud800"', '"\udc00"',
    '-', '--1', '+1', '01', '-01', '1.', '.5', '1.e5', '1e', '0x10', '1x', 'NaN', 'tru',
    'truex', 'True', 'nulll', '[true1]', '[1"a"]', '[1:2]', '{"a":1"b":2}', E'{}\f',
    '{"a":[1}', '{"a":1]', '[{]}', '"\u0041'
]), '{}', 'edge cases read as jsonb_in reads them');

-- \u0000, which jsonb cannot hold, is U+FFFD, wherever it is
SELECT is(callout._parse_json_body('{"\u0000k":"a\u0000","x":["\\u0000"]}')::text,
          '{"x": ["\\u0000"], "�k": "a�"}', '\u0000 is stored as U+FFFD, an escaped backslash is not an escape');
SELECT is(callout._parse_json_body('["\ud800\u0000"]'), NULL, 'a high surrogate before \u0000 is still not JSON');

-- nesting: the reader follows 64 levels; deeper bodies are read by PostgreSQL's parser
SELECT is(pg_temp.differing(ARRAY[
    repeat('[', 64) || repeat(']', 64), repeat('[', 65) || repeat(']', 65),
    repeat('{"a":', 63) || '[1,{"b":2,"a":1}]' || repeat('}', 63),
    repeat('{"a":', 64) || '[1,{"b":2,"a":1}]' || repeat('}', 64),
    repeat('[', 2000) || '"x"' || repeat(']', 2000), repeat('[', 2000) || repeat(']', 1999),
    repeat('[', 65) || '1' || repeat(']', 64) || ',1e999999x]'
]), '{}', 'deep bodies read as jsonb_in reads them, on either side of the reader''s depth');

-- a number numeric cannot hold: jsonb_in's ERROR, where jsonb_in raises it (PostgreSQL converts a
-- number once it has read the token after it, before it judges the text as a whole)
SELECT throws_ok($$ SELECT callout._parse_json_body('{"n":1e1001000}') $$, '22003',
                 'value overflows numeric format', 'an exponent beyond numeric''s range: its ERROR');
SELECT throws_ok($$ SELECT callout._parse_json_body('[1' || repeat('0', 140000) || ']') $$, '22003',
                 'value overflows numeric format', 'digits beyond numeric''s range: its ERROR');
SELECT throws_ok($$ SELECT callout._parse_json_body('[1e1001000]]') $$, '22003',
                 'value overflows numeric format', 'converted before a bracket too many is found');
SELECT throws_ok($$ SELECT callout._parse_json_body('{"a":1e1001000 "b"}') $$, '22003',
                 'value overflows numeric format', 'converted before a missing comma is found');
SELECT is(callout._parse_json_body('[1e1001000 x]'), NULL, 'not a token after it: NULL, no ERROR');
SELECT throws_ok($$ SELECT '{"a":1e1001000 "b"}'::jsonb $$, '22003', 'value overflows numeric format',
                 'jsonb_in raises the same ERROR for the same text');

-- a delivery's body is read with its credential values dropped in the same pass, at any depth,
-- in time that grows with the body, not with its arrays times its members: 9000 arrays (read by
-- PostgreSQL's parser, past the reader's 64 levels) around an object of 1300000 members, each name
-- looked up among the credentials' parents. The filter once walked every open container for each
-- name (1.2e10 steps here, ten seconds); read once, a second or two even under AddressSanitizer. The
-- statement timeout is a bound on that walk, not a measure of speed (bench/ measures speed).
SELECT callout.add_signing_key('APIdeep', 'deep-secret-of-at-least-32-characters', NULL, true);
CREATE TEMP TABLE deep AS
SELECT '{"event":"room_started","id":"EV_deep","room":{"name":"deep","sid":"RM_deep"},"a":'
       || repeat('[', 9000) || '{' || repeat('"k":0,', 1300000) || '"secret":1}'
       || repeat(']', 9000) || '}' AS body;
SET LOCAL callout.max_body_bytes = '8MB';
SET LOCAL statement_timeout = '5s';
SELECT is((SELECT r.status FROM deep AS d,
           callout.process_livekit_webhook(
               d.body, encode(hmac(d.body, 'deep-secret-of-at-least-32-characters', 'sha256'), 'hex')) AS r),
          'unmatched', 'a deep body with many members is read at once (not its arrays times its members)');
RESET statement_timeout;
SELECT is((SELECT payload FROM callout.pending_event WHERE event_id = 'EV_deep'),
          (SELECT replace(body, ',"secret":1', '')::jsonb FROM deep),
          'and stored as jsonb_in reads it, its credential dropped');

-- random soups of JSON's tokens, a third of them JSON (3000 bodies, the same ones every run)
SELECT setseed(0.4242);
CREATE TEMP TABLE soup AS
WITH tokens(t) AS (
    SELECT unnest(ARRAY['{', '}', '[', ']', ',', ':', '"a"', '"b"', '"a"', '"é\n"', '"\u00e9"',
                        '"\ud83d\ude00"', '"\ud83d"', '"12345678\"x"', '1', '-0.5e3', '10', '0',
                        'true', 'false', 'null', ' ', E'\n', 'x', '"', '\', '01', '1.'])
), structured(body) AS (
    -- valid documents: an object of members whose values are arrays of scalars and objects
    SELECT '{' || string_agg(format('"%s":[%s,{"%s":%s}]', k, v, k2, v2), ',') || '}'
    FROM generate_series(1, 1000) AS doc,
         LATERAL (SELECT doc AS d, chr(97 + (random() * 5)::int) AS k,
                         (ARRAY['1', '"s"', 'true', 'null', '[]', '-2e-2', '"\u20ac"'])[1 + (random() * 6)::int] AS v,
                         chr(97 + (random() * 3)::int) AS k2,
                         (ARRAY['0', '"t\"u"', 'false', '{}'])[1 + (random() * 3)::int] AS v2
                  FROM generate_series(1, 1 + (random() * 6)::int)) AS member
    GROUP BY doc
), soup(body) AS (
    SELECT string_agg(t, '' ORDER BY random())
    FROM generate_series(1, 2000) AS doc,
         LATERAL (SELECT doc AS d, t FROM tokens ORDER BY random() LIMIT 1 + (random() * 9)::int) AS picked
    GROUP BY doc
)
SELECT body FROM structured UNION ALL SELECT body FROM soup;
SELECT is(pg_temp.differing(array_agg(body)), '{}', 'random bodies read as jsonb_in reads them') FROM soup;
SELECT cmp_ok((SELECT count(*) FROM soup WHERE pg_temp.jsonb_in_or_null(body) IS NOT NULL)::integer, '>=', 1000,
              'a thousand of them and more are JSON');

SELECT * FROM finish();
ROLLBACK;
