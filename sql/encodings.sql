--
-- A database in another encoding than UTF-8. LiveKit signs a body's UTF-8 bytes; a LATIN1
-- database holds the body converted to LATIN1, so callout checks the signature and the sha256
-- claim on the body converted back to UTF-8, reads it with PostgreSQL's parser (its own reader
-- reads UTF-8 only) and stores what jsonb_in reads. A `\u0000` escape, stored as U+FFFD in UTF-8,
-- is an ERROR here (LATIN1 has no U+FFFD), as jsonb_in's for any escape LATIN1 cannot hold.
--
SELECT current_database() AS home_database \gset
SET client_min_messages = warning;
CREATE DATABASE callout_encodings TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C';
\c callout_encodings
SET client_encoding = 'UTF8';
SET client_min_messages = warning;
CREATE EXTENSION pgcrypto;
CREATE EXTENSION callout;
\set ECHO none
\i test/fixtures/livekit_signer.sql
\set ECHO all
SELECT pg_encoding_to_char(d.encoding) AS database_encoding FROM pg_database AS d
WHERE d.datname = current_database();

-- Runs a statement and reports its SQLSTATE (the messages differ between majors).
CREATE FUNCTION pg_temp.sqlstate_of(statement text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE statement;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END
$$;

SET callout.verify_at = '2026-01-01 00:00:00+00';
SELECT callout.add_signing_key('APIlatin', 'latin-secret-of-at-least-32-characters-long', 'tenant-latin', true);
CREATE TEMP TABLE delivery AS
SELECT body, livekit_test.livekit_token(body, 'APIlatin', 'latin-secret-of-at-least-32-characters-long',
                                        1767225600) AS token
FROM (VALUES ('{"event":"participant_joined","id":"EV_latin_1","createdAt":"1767225600",'
              '"room":{"name":"anruf-müller-straße","sid":"RM_latin"},'
              '"participant":{"identity":"sip_x","name":"Zoë Ångström","kind":"SIP"}}')) AS b (body);

-- the database's bytes are not the signed ones: ü, ß, ë and Å are one byte here, two in UTF-8
SELECT octet_length(d.body) AS stored_bytes, octet_length(convert_to(d.body, 'UTF8')) AS signed_bytes
FROM delivery AS d;

-- LiveKit's token over the UTF-8 bytes verifies; the plain scheme's HMAC over them too
SELECT callout.verify_livekit_signature(d.body, d.token, 'APIlatin', 'latin-secret-of-at-least-32-characters-long',
                                        '2026-01-01 00:00:00+00', 0) AS livekit_token,
       callout.verify_hmac_signature(d.body, livekit_test.plain_hmac_hex(d.body, 'plain-secret'), 'plain-secret')
           AS plain_hmac,
       callout.verify_hmac_signature(d.body, encode(hmac(d.body::bytea, 'plain-secret', 'sha256'), 'hex'),
                                     'plain-secret') AS hmac_of_the_latin1_bytes
FROM delivery AS d;

-- delivered: stored (no call: unmatched), its payload what jsonb_in reads, its sha256 LiveKit's
SELECT r.status, r.reason FROM delivery AS d, callout.process_livekit_webhook(d.body, d.token) AS r;
SELECT e.room_name, e.payload = (SELECT d.body::jsonb FROM delivery AS d) AS payload_as_jsonb_in,
       e.body_sha256 = (SELECT digest(convert_to(d.body, 'UTF8'), 'sha256') FROM delivery AS d) AS sha256_of_the_signed_bytes
FROM callout.livekit_call_event AS e;
-- the same delivery again: a duplicate; by the plain scheme with the key's secret, the same
SELECT r.status, r.reason FROM delivery AS d, callout.process_livekit_webhook(d.body, d.token) AS r;
SELECT r.status, r.reason FROM delivery AS d,
       callout.process_livekit_webhook(
           d.body, livekit_test.plain_hmac_hex(d.body, 'latin-secret-of-at-least-32-characters-long')) AS r;
-- one character changed after signing: the sha256 claim no longer matches
SELECT r.status, r.reason FROM delivery AS d,
       callout.process_livekit_webhook(replace(d.body, 'müller', 'muller'), d.token) AS r;

-- an empty body, in a stored row whose next column follows it (no NUL after it): PostgreSQL's
-- conversion hands it back as it was, and the signed bytes are none
CREATE TEMP TABLE empty_body AS SELECT ''::text AS body, repeat('x', 40) AS next_column;
SELECT callout.verify_hmac_signature(e.body, encode(hmac(''::bytea, 'plain-secret', 'sha256'), 'hex'), 'plain-secret')
           AS empty_body_hmac
FROM empty_body AS e;
SELECT r.status, r.reason
FROM empty_body AS e,
     callout.process_livekit_webhook(
         e.body, encode(hmac(''::bytea, 'latin-secret-of-at-least-32-characters-long', 'sha256'), 'hex')) AS r;

-- escapes: one LATIN1 holds is read; \u0000 (U+FFFD) and one LATIN1 lacks are 22P05, as jsonb_in
SELECT callout._parse_json_body('{"a":"\u00e9"}') = '{"a":"é"}'::jsonb AS latin1_escape;
SELECT pg_temp.sqlstate_of($$ SELECT callout._parse_json_body('{"a":"x\u0000y"}') $$) AS nul_escape,
       pg_temp.sqlstate_of($$ SELECT callout._parse_json_body('{"a":"\u20ac"}') $$) AS euro_escape,
       pg_temp.sqlstate_of($$ SELECT '{"a":"\u20ac"}'::jsonb $$) AS euro_escape_by_jsonb_in;

\c :home_database
SET client_min_messages = warning;
DROP DATABASE callout_encodings;
