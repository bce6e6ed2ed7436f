-- A body at the size where palloc's 1 GB limit decides (callout._parse_json_body): the answer is
-- jsonb_in's, the value, NULL or the same ERROR. jsonb_in keeps each open container's members in
-- an array of its own that starts at 4 and doubles, and hands a scalar, a member's name or a
-- container's end to it only once it has read the token after it; past 2^24 elements (2^23
-- members) the next doubling asks palloc for more than 1 GB. These bodies are 40 to 84 MB and
-- jsonb_in needs about 1.5 GB for the largest: the file takes some 10 seconds.
BEGIN;
SELECT plan(5);

-- What a reading of body answers: md5 of the value's text, NULL where it is not JSON, or the
-- ERROR raised (SQLSTATE and message).
CREATE FUNCTION pg_temp.answer(by_callout boolean, body text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    value jsonb;
BEGIN
    IF by_callout THEN
        value := callout._parse_json_body(body);
    ELSE
        value := body::jsonb;
    END IF;
    RETURN coalesce(md5(value::text), 'NULL');
EXCEPTION
    WHEN invalid_text_representation THEN RETURN 'NULL';
    WHEN others THEN RETURN format('ERROR %s: %s', SQLSTATE, SQLERRM);
END
$$;

CREATE FUNCTION pg_temp.same_answer(body text, description text) RETURNS text
LANGUAGE sql AS $$
    SELECT is(pg_temp.answer(true, body), pg_temp.answer(false, body), description)
$$;

-- 2^23 elements, then an array of 2^23 + 1: each array fits, together they are past 2^24
SELECT pg_temp.same_answer(
    '[' || repeat('null,', 8388608) || '[' || repeat('null,', 8388608) || 'null]]',
    'two nested arrays of 2^23 elements and more: the value, as jsonb_in reads it');

-- 2^23 + 1 members: jsonb_in's ERROR, the request for 2^24 members
SELECT pg_temp.same_answer(
    '{' || repeat('"":null,', 8388608) || '"":true}',
    'an object of 2^23 + 1 members: jsonb_in''s ERROR');

-- 2^24 + 1 elements, the last followed by no token: jsonb_in never adds the last one
SELECT pg_temp.same_answer(
    '[' || repeat('null,', 16777216) || 'null x]',
    'a 2^24 + 1st element before a character that is no token: NULL, as jsonb_in');

-- 2^23 members and a 2^23 + 1st name whose value is no token: jsonb_in never adds the name
SELECT pg_temp.same_answer(
    '{' || repeat('"":null,', 8388608) || '"": x}',
    'a 2^23 + 1st name before a value that is no token: NULL, as jsonb_in');

-- 2^23 members and a 2^23 + 1st name before a word that starts as a literal: no token either
SELECT pg_temp.same_answer(
    '{' || repeat('"":null,', 8388608) || '"": truex}',
    'a 2^23 + 1st name before a word that is no literal: NULL, as jsonb_in');

SELECT * FROM finish();
ROLLBACK;
