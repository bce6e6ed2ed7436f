-- The mutation suite's database: the real LiveKit vectors, the keys mutations are signed with,
-- the mutation operators, and a reference reading of a body written in SQL from its jsonb
-- (what DESIGN.md §3-§4 and the README say callout must answer and store for it). Run by
-- test/run from the repository's root, in a fresh database holding pgcrypto and callout.
\set ON_ERROR_STOP 1
\i test/fixtures/livekit_signer.sql
CREATE SCHEMA mutation;

-- ---- the vectors ---------------------------------------------------------------------------

CREATE TABLE mutation.vector_lines (line text NOT NULL);
-- CSV with quote and delimiter bytes that never occur in the file: each line arrives verbatim.
\copy mutation.vector_lines (line) FROM 'test/vectors/livekit-webhooks.jsonl' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02')

-- One base per vector: its raw body and LiveKit's Authorization header, the instant it verifies
-- at, and what LiveKit's SDK (at a 10 s leeway) said of it.
CREATE TABLE mutation.base AS
SELECT row_number() OVER (ORDER BY v->>'name') - 1 AS b,
       v->>'name' AS name,
       v->>'body' AS body,
       v->>'authorization' AS token,
       v->>'api_key' AS api_key,
       v->>'api_secret' AS api_secret,
       to_timestamp((v->>'now')::bigint) AS verify_at,
       v->'expect'->>'reason' AS reason
FROM (SELECT line::jsonb AS v FROM mutation.vector_lines) AS lines;
ALTER TABLE mutation.base ADD PRIMARY KEY (b);

-- The vectors' key, and the two keys re-signed mutations use: one for LiveKit's JWT, one that
-- allows the plain HMAC scheme.
SELECT callout.add_signing_key(k.api_key, k.api_secret)
FROM (SELECT DISTINCT api_key, api_secret FROM mutation.base) AS k;
SELECT callout.add_signing_key('APImutation', 'mutation-jwt-secret-of-at-least-32-characters');
SELECT callout.add_signing_key('APImutplain', 'mutation-plain-secret-of-at-least-32-characters', NULL, true);

-- ---- pseudo-random choices -----------------------------------------------------------------

-- A deterministic non-negative number for mutation n and draw k: the same count gives the
-- same mutations on every run.
CREATE FUNCTION mutation.rnd(n bigint, k integer, modulus bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT (hashint8extended(n, k) & 9223372036854775807) % modulus $$;

-- One element of an array, chosen by draw k.
CREATE FUNCTION mutation.pick(n bigint, k integer, choices text[]) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT choices[1 + mutation.rnd(n, k, cardinality(choices))] $$;

-- An incompressible string of length characters (hex of MD5s), so long values stay long
-- in indexes and TOAST.
CREATE FUNCTION mutation.noise(n bigint, length integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT left(string_agg(md5(n::text || ':' || i), '' ORDER BY i), length)
      FROM generate_series(0, length / 32) AS i $$;

-- ---- the mutation operators ----------------------------------------------------------------

-- The fields LiveKit's events carry that callout reads, as jsonb paths.
CREATE FUNCTION mutation.paths() RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$ SELECT ARRAY[
    '{event}', '{id}', '{createdAt}', '{roomEndReason}', '{room}', '{room,name}', '{room,sid}',
    '{room,creationTime}', '{room,turnPassword}', '{room,metadata}', '{participant}',
    '{participant,kind}', '{participant,identity}', '{participant,sid}', '{participant,name}',
    '{participant,joinedAt}', '{participant,joinedAtMs}', '{participant,disconnectReason}',
    '{participant,attributes}', '{participant,attributes,sip.callStatus}',
    '{participant,attributes,sip.phoneNumber}', '{participant,attributes,sip.ruleID}',
    '{participant,attributes,sip.trunkPhoneNumber}', '{participant,attributes,sip.callID}',
    '{participant,attributes,sip.callIDFull}',
    '{egressInfo}', '{egressInfo,roomName}', '{egressInfo,roomId}', '{egressInfo,status}',
    '{egressInfo,egressId}', '{egressInfo,error}', '{egressInfo,fileResults}',
    '{egressInfo,fileResults,0}', '{egressInfo,fileResults,0,location}',
    '{egressInfo,fileResults,0,downloadUrl}', '{egressInfo,file}', '{egressInfo,file,location}']
$$;

-- Values of every JSON type, including the edges of numbers and instants.
CREATE FUNCTION mutation.values() RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$ SELECT ARRAY[
    '0', '1', '-1', '3', '1.5', '1e308', '-1e-308', '123456789012345678901234567890',
    '1767268800', '1767268800.999', 'true', 'false', 'null', '""', '" "', '"x"', '"SIP"', '"3"',
    '"STANDARD"', '"1767268800"', '"1767268800123"', '"-5"', '"0"', '"99999999999"',
    '"99999999999999999999"', '"2026-01-01T00:00:00Z"', '"2026-13-45T25:61:61Z"', '"1e10"',
    '"EGRESS_FAILED"', '"EGRESS_COMPLETE"', '"4"', '"USER_REJECTED"', '"ringing"', '"hangup"',
    '"+14155550123"', '"room_started"', '"participant_left"', '[]', '[1,"a",null]', '[{}]',
    '[{"location":5}]', '{}', '{"name":"x"}', '{"sid":1}', '{"kind":"SIP"}',
    '{"turnPassword":"t","urls":["rtmp://k"]}', '"\u00e9\u202e\ufeff"', '"\ud83d\ude00"']
$$;

-- Escapes and characters that odd producers put in strings.
CREATE FUNCTION mutation.odd_escapes() RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$ SELECT ARRAY[
    '\u0000', '\u0000', 'a\u0000b', '\\u0000', '\\\u0000', '\ud800', '\udfff', '\udc00\ud800',
    '\ud83d\ude00', '\uD83D\uDE00', '\ufeff', '\u202e', '\uffff', '\ufffe', '\u00e9', '\u0001',
    '\u001f', '\"', '\\', '\/', '\x', '\u12', '\u12G4', '\U0041', E'\u00e9', E'\u202e',
    E'\uffff', E'\U0001F4DE', E'\x01', E'\t', E'\n', '\n\r\t\b\f']
$$;

-- Fragments inserted at a random place of a body.
CREATE FUNCTION mutation.fragments() RETURNS text[]
LANGUAGE sql IMMUTABLE
AS $$ SELECT ARRAY[
    ',', ':', '{', '}', '[', ']', '"', '\', 'null', ',"x":1', '"id":"EV_x",', ',,', ' ', E'\n',
    '\u0000', '\ud800', E'\ufeff', '}{', '/*c*/', 'NaN', 'Infinity', '-', '0x10', E'\x7f']
$$;

-- Replaces the value at a path of a JSON text (keeps it unchanged when the path's parent does
-- not exist); NULL when the text is not JSON that jsonb can hold.
CREATE FUNCTION mutation.set_path(body text, path text, value text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    placeholder text := '"@@mutation-value@@"';
BEGIN
    RETURN replace(jsonb_set(body::jsonb, path::text[], placeholder::jsonb)::text, placeholder, value);
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$$;

-- A body without the value at a path; NULL when the text is not JSON that jsonb can hold.
CREATE FUNCTION mutation.remove_path(body text, path text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    RETURN (body::jsonb #- path::text[])::text;
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$$;

-- A value nested depth levels deep in arrays or objects.
CREATE FUNCTION mutation.nested(n bigint, depth integer, inner_value text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN mutation.rnd(n, 40, 2) = 0
                  THEN repeat('[', depth) || inner_value || repeat(']', depth)
                  ELSE repeat('{"a":', depth) || inner_value || repeat('}', depth) END $$;

-- A mutation of a body: which operator, and the mutated text. Every operator changes the text
-- (a no-op falls back to a byte flip, and a flip that changes nothing to appending a byte).
CREATE FUNCTION mutation.mutate(n bigint, body text, OUT op text, OUT mutated text)
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    len integer := length(body);
    pos integer := 1 + mutation.rnd(n, 2, greatest(len, 1));
    path text := mutation.pick(n, 3, mutation.paths());
    value text := mutation.pick(n, 4, mutation.values());
    key text;
    depth integer;
    at integer;
BEGIN
    op := mutation.pick(n, 1, ARRAY[
        'truncate', 'truncate', 'flip', 'flip', 'flip', 'delete_span', 'insert_fragment',
        'insert_fragment', 'type_swap', 'type_swap', 'type_swap', 'type_swap', 'remove_key',
        'remove_key', 'remove_top_key', 'duplicate_key_last', 'duplicate_key_first',
        'deep_nesting', 'huge_string', 'odd_escape', 'odd_escape', 'nul_escape', 'whitespace',
        'not_an_object', 'event_swap', 'event_swap', 'instant_edge', 'instant_edge', 'concat',
        'empty_string_field']);
    CASE op
    WHEN 'truncate' THEN
        mutated := left(body, mutation.rnd(n, 5, greatest(len, 1))::integer);
    WHEN 'flip' THEN
        NULL;  -- below
    WHEN 'delete_span' THEN
        mutated := overlay(body PLACING '' FROM pos FOR 1 + mutation.rnd(n, 5, 24)::integer);
    WHEN 'insert_fragment' THEN
        mutated := overlay(body PLACING mutation.pick(n, 5, mutation.fragments()) FROM pos FOR 0);
    WHEN 'type_swap' THEN
        mutated := mutation.set_path(body, path, value);
    WHEN 'remove_key' THEN
        mutated := mutation.remove_path(body, path);
    WHEN 'remove_top_key' THEN
        BEGIN
            SELECT k INTO key FROM jsonb_object_keys(body::jsonb) AS k
            ORDER BY md5(n || k) LIMIT 1;
            mutated := (body::jsonb - key)::text;
        EXCEPTION WHEN OTHERS THEN
            mutated := NULL;
        END;
    WHEN 'duplicate_key_last' THEN
        -- the same key again at the end: jsonb keeps the last one
        IF right(rtrim(body, E' \n\r\t'), 1) = '}' THEN
            key := mutation.pick(n, 5, ARRAY['event', 'id', 'createdAt', 'room', 'participant', 'egressInfo']);
            mutated := regexp_replace(body, '}\s*$',
                                      ',"' || key || '":' || replace(value, '\', '\\') || '}');
        END IF;
    WHEN 'duplicate_key_first' THEN
        -- the same key first: the original (later) value wins
        IF left(ltrim(body, E' \n\r\t'), 1) = '{' THEN
            key := mutation.pick(n, 5, ARRAY['event', 'id', 'createdAt', 'room', 'participant', 'egressInfo']);
            mutated := regexp_replace(body, '^\s*{', '{"' || key || '":' || replace(value, '\', '\\') || ',');
        END IF;
    WHEN 'deep_nesting' THEN
        -- mostly deep enough to stress recursion, rarely beyond PostgreSQL's own parser limit
        depth := mutation.pick(n, 5, ARRAY['2', '64', '500', '500', '2000', '2000', '3000', '20000'])::integer;
        mutated := mutation.set_path(body, path, mutation.nested(n, depth, value));
        IF mutated IS NULL OR mutation.rnd(n, 6, 4) = 0 THEN
            mutated := mutation.nested(n, depth, body);
        END IF;
    WHEN 'huge_string' THEN
        -- under and over the btree limit (2.7 kB), and (rarely) over callout.max_body_bytes
        mutated := mutation.set_path(body, path, '"' || mutation.noise(n, CASE
            WHEN mutation.rnd(n, 6, 50) = 0 THEN 200000
            ELSE mutation.pick(n, 5, ARRAY['300', '2000', '2600', '3000', '3000', '9000', '40000'])::integer END) || '"');
    WHEN 'odd_escape', 'nul_escape' THEN
        -- inside a string value: the event id, the room name, the participant's identity ...
        key := mutation.pick(n, 5, ARRAY['"id"', '"name"', '"identity"', '"sid"', '"event"', '"location"']);
        at := strpos(body, key);
        IF at > 0 THEN
            at := at + length(key);
            at := at + strpos(substr(body, at), '"');
            mutated := overlay(body PLACING CASE WHEN op = 'nul_escape' THEN '\u0000'
                                                  ELSE mutation.pick(n, 6, mutation.odd_escapes()) END
                               FROM at + mutation.rnd(n, 7, 3)::integer FOR 0);
        END IF;
    WHEN 'whitespace' THEN
        mutated := CASE mutation.rnd(n, 5, 6)
                       WHEN 0 THEN E'\n' || body WHEN 1 THEN body || E'\r\n' WHEN 2 THEN E'\t ' || body || ' '
                       WHEN 3 THEN E'\ufeff' || body WHEN 4 THEN E'\u00a0' || body
                       ELSE replace(body, ',', E' ,\n') END;
    WHEN 'not_an_object' THEN
        mutated := mutation.pick(n, 5, ARRAY['[]', '[' || body || ']', '"' || replace(replace(body, '\', '\\'), '"', '\"') || '"',
                                             '42', 'null', 'true', '', ' ', '{}', '"\u0000"', body || body]);
    WHEN 'event_swap' THEN
        mutated := mutation.set_path(body, '{event}', mutation.pick(n, 5, ARRAY[
            '"room_started"', '"participant_joined"', '"participant_left"',
            '"participant_connection_aborted"', '"room_finished"', '"egress_ended"', '"egress_started"',
            '"track_published"', '"ROOM_STARTED"', '"room_started "', '""', 'null', '1',
            '["room_started"]']));
    WHEN 'instant_edge' THEN
        mutated := mutation.set_path(body, mutation.pick(n, 5, ARRAY[
            '{createdAt}', '{room,creationTime}', '{participant,joinedAt}', '{participant,joinedAtMs}']),
            mutation.pick(n, 6, ARRAY[
                '"0"', '"-1"', '"1"', '"99999999999"', '"100000000000"', '"9223372036854775807"',
                '"9223372036854775808"', '"18446744073709551616"', '"000001767268800"', '"1767268800.5"',
                '"1767268800."', '".5"', '"1e9"', '" 1767268800"', '"2026-01-01T00:00:00Z"',
                '"2026-01-01 00:00:00+05:30"', '"2026-02-30T00:00:00Z"', '"2026-01-01T00:00:60Z"',
                '"0000-01-01T00:00:00Z"', '"9999-12-31T23:59:59.999999Z"', '1767268801', '1767268800.25',
                '-5', '1e20', '"1767269999"', '"1767260000"']));
    WHEN 'concat' THEN
        mutated := body || mutation.pick(n, 5, ARRAY['', ' ', ',', E'\n']) || body;
    WHEN 'empty_string_field' THEN
        mutated := mutation.set_path(body, mutation.pick(n, 5, ARRAY[
            '{id}', '{room,name}', '{room,sid}', '{egressInfo,roomName}', '{participant,kind}',
            '{participant,identity}', '{event}']), mutation.pick(n, 6, ARRAY['""', 'null']));
    END CASE;
    IF mutated IS NULL OR mutated = body THEN
        -- a byte flip: a character replaced by another one
        op := CASE WHEN op = 'flip' THEN op ELSE op || '>flip' END;
        mutated := overlay(body PLACING mutation.pick(n, 8, ARRAY[
            '"', '{', '}', '[', ']', ',', ':', '\', '0', '9', 'a', 'Z', ' ', '-', '.', 'e', E'\u00e9',
            E'\U0001F600', E'\ufffd', E'\x01', E'\x7f']) FROM pos FOR 1);
        IF mutated = body THEN
            mutated := body || 'x';
        END IF;
    END IF;
END
$$;

-- A mutation of an Authorization header (never a no-op): flips, truncations, swapped or
-- missing parts, other schemes, oversized and empty values.
CREATE FUNCTION mutation.mutate_token(n bigint, token text, other_token text, body text,
                                      OUT op text, OUT mutated text)
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    len integer := length(coalesce(token, ''));
    pos integer := 1 + mutation.rnd(n, 22, greatest(len, 1));
    parts text[] := string_to_array(coalesce(token, ''), '.');
BEGIN
    op := mutation.pick(n, 21, ARRAY[
        'token_flip', 'token_flip', 'token_truncate', 'token_drop_part', 'token_swap_parts',
        'token_extra_part', 'token_bearer', 'token_case', 'token_other', 'token_wrong_secret',
        'token_wrong_key', 'token_no_sha256', 'token_alg', 'token_plain_hex', 'token_plain_b64',
        'token_sha256_prefix', 'token_oversized', 'token_empty', 'token_null', 'token_garbage']);
    mutated := CASE op
        -- never the last character: its unused trailing bits are ignored, as LiveKit's receivers
        -- ignore them, so changing only those would leave the same signature
        WHEN 'token_flip' THEN overlay(coalesce(token, '') PLACING mutation.pick(n, 23, ARRAY[
            'A', 'a', '0', '-', '_', '.', '=', '+', '/', ' ', E'\u00e9'])
            FROM least(pos, greatest(len - 1, 1)) FOR 1)
        WHEN 'token_truncate' THEN left(token, mutation.rnd(n, 23, greatest(len, 1))::integer)
        WHEN 'token_drop_part' THEN array_to_string(parts[1:1 + mutation.rnd(n, 23, 2)::integer], '.')
        WHEN 'token_swap_parts' THEN array_to_string(ARRAY[parts[2], parts[1], parts[3]], '.')
        WHEN 'token_extra_part' THEN token || '.' || coalesce(parts[3], 'x')
        WHEN 'token_bearer' THEN 'Bearer ' || token
        WHEN 'token_case' THEN CASE WHEN upper(token) <> token THEN upper(token) ELSE lower(token) END
        WHEN 'token_other' THEN other_token
        WHEN 'token_wrong_secret' THEN
            livekit_test.livekit_token(body, 'APIBR7soLXi2Cvt', 'not-the-secret-of-the-vector-key', 1767268800)
        WHEN 'token_wrong_key' THEN
            livekit_test.livekit_token(body, 'APIunknown', 'mutation-jwt-secret-of-at-least-32-characters', 1767268800)
        WHEN 'token_no_sha256' THEN livekit_test.sign_jwt('{"alg":"HS256","typ":"JWT"}',
            '{"iss":"APImutation","nbf":1767268800,"exp":1767269100}', 'mutation-jwt-secret-of-at-least-32-characters')
        WHEN 'token_alg' THEN livekit_test.sign_jwt(mutation.pick(n, 23, ARRAY[
                '{"alg":"none","typ":"JWT"}', '{"alg":"HS512","typ":"JWT"}', '{"alg":"hs256"}', '{}',
                '[]', '{"alg":["HS256"]}']),
            json_build_object('iss', 'APImutation', 'nbf', 1767268800, 'exp', 1767269100,
                              'sha256', livekit_test.body_sha256(body))::text,
            'mutation-jwt-secret-of-at-least-32-characters')
        WHEN 'token_plain_hex' THEN md5(n::text) || md5(token || n)
        WHEN 'token_plain_b64' THEN encode(sha256(convert_to(n::text, 'UTF8')), 'base64')
        WHEN 'token_sha256_prefix' THEN 'sha256=' || livekit_test.plain_hmac_hex(body, 'not-the-plain-secret')
        WHEN 'token_oversized' THEN token || '.' || repeat('A', 9000)
        WHEN 'token_empty' THEN mutation.pick(n, 23, ARRAY['', ' ', E'\t\r\n'])
        WHEN 'token_null' THEN NULL
        ELSE mutation.pick(n, 23, ARRAY['x', '...', 'a.b.c', '%%%', 'eyJ.eyJ.', E'\u00e9.\u00e9.\u00e9'])
    END;
    IF mutated IS NOT DISTINCT FROM token THEN
        op := op || '>append';
        mutated := coalesce(token, '') || 'A';
    END IF;
END
$$;

-- ---- the reference reading -----------------------------------------------------------------

-- What a body must give, read from its jsonb the way DESIGN.md §3-§4 and the README describe.
CREATE TYPE mutation.reading AS (
    json_state text,     -- ok, not_json, too_deep (beyond PostgreSQL's parser), unrepresentable (jsonb cannot hold it)
    reading text,        -- not_object, ignored, error, missing_event_id, missing_room_name, processable
    lazy_error boolean,  -- a field of the wrong type that callout may read or skip (either answer is right)
    event_type text,
    event_id text,
    room_name text,
    room_sid text,
    created_at timestamptz,
    created_at_known boolean,   -- false when the instant's text is in a form this reference does not parse
    participant_identity text,
    participant_kind text,
    is_sip boolean,
    disconnect_reason text,
    sip_call_status text,
    sip_phone_number text,
    call_duration integer,
    call_duration_known boolean,
    recording_url text,
    payload jsonb,
    sip_call_id text,
    sip_call_id_full text);

-- The text of a JSON string or number (as ->> writes it); NULL for anything else.
CREATE FUNCTION mutation.txt(v jsonb) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN jsonb_typeof(v) IN ('string', 'number') THEN v #>> '{}' END $$;

-- A DisconnectReason as stored: a known number (0-16, written as protobuf JSON writes numbers)
-- is its name (livekit_models.proto, DisconnectReason); anything else stays as it is.
CREATE FUNCTION mutation.reason_name(reason text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN reason ~ '^(0|[1-9][0-9]?)$' AND reason::int <= 16
                  THEN (ARRAY['UNKNOWN_REASON', 'CLIENT_INITIATED', 'DUPLICATE_IDENTITY',
                              'SERVER_SHUTDOWN', 'PARTICIPANT_REMOVED', 'ROOM_DELETED',
                              'STATE_MISMATCH', 'JOIN_FAILURE', 'MIGRATION', 'SIGNAL_CLOSE',
                              'ROOM_CLOSED', 'USER_UNAVAILABLE', 'USER_REJECTED',
                              'SIP_TRUNK_FAILURE', 'CONNECTION_TIMEOUT', 'MEDIA_FAILURE',
                              'AGENT_ERROR'])[reason::int + 1]
                  ELSE reason END $$;

-- Whether a present, non-null value has a type other than the one LiveKit writes:
-- 'string', 'strnum' (a string or a number: int64s and enums) or 'object'.
CREATE FUNCTION mutation.bad(v jsonb, expected text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT v IS NOT NULL AND jsonb_typeof(v) <> 'null' AND NOT (
             jsonb_typeof(v) = 'string' AND expected IN ('string', 'strnum')
             OR jsonb_typeof(v) = 'number' AND expected = 'strnum'
             OR jsonb_typeof(v) = 'object' AND expected = 'object') $$;

-- An instant as unix seconds when its text is plain seconds; instant_known is false when it is
-- in another form (milliseconds, fractions, ISO 8601) this reference leaves to the unit tests.
CREATE FUNCTION mutation.instant_at(v jsonb) RETURNS timestamptz
LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN mutation.txt(v) ~ '^[0-9]{1,11}$' THEN to_timestamp(mutation.txt(v)::bigint) END $$;
CREATE FUNCTION mutation.instant_known(v jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT mutation.txt(v) IS NULL OR mutation.txt(v) ~ '^[0-9]{1,11}$' OR mutation.txt(v) !~ '^[0-9:.+ tTzZ-]+$' $$;

-- The body's JSON with \u0000 escapes (not themselves escaped) as \ufffd, as the README says
-- ingestion stores them.
CREATE FUNCTION mutation.nul_as_replacement(body text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    replaced text;
BEGIN
    LOOP
        replaced := regexp_replace(body, '(^|[^\\])((\\\\)*)\\u0000', '\1\2\\ufffd', 'g');
        EXIT WHEN replaced = body;
        body := replaced;
    END LOOP;
    RETURN body;
END
$$;

-- Whether a key is a credential of LiveKit's messages: core::is_secret_field (json_text.cpp)
-- written again; parent is the name the object holding it sits under (an array's name for its
-- elements), grandparent the same for the object around that one.
CREATE FUNCTION mutation.is_secret(k text, parent text, grandparent text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT k IN ('turnPassword', 'accessKey', 'secret', 'sessionToken', 'assumeRoleExternalId',
                   'credentials', 'accountKey', 'urls', 'websocketUrl', 'signingKey', 'streamKey',
                   'authPassword')
          OR (k IN ('username', 'password') AND parent = 'proxy')
          OR (k = 'accountName' AND parent = 'azure')
          OR (k = 'url' AND (parent = 'streamResults' OR parent = 'info' AND grandparent = 'stream')) $$;

-- The stored payload: the event without the values of credential keys, at any depth;
-- sits_under is the name j sits under, outer_name that of the object around it. Deeper than 100 levels this
-- reference gives up (statement_too_complex) and the payload is not compared.
CREATE FUNCTION mutation.redact(j jsonb, depth integer DEFAULT 0, sits_under text DEFAULT '',
                                outer_name text DEFAULT '') RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF depth > 100 THEN
        RAISE EXCEPTION 'too deep to redact' USING ERRCODE = 'statement_too_complex';
    END IF;
    RETURN CASE jsonb_typeof(j)
        WHEN 'object' THEN coalesce(
            (SELECT jsonb_object_agg(e.k, mutation.redact(e.v, depth + 1, e.k, sits_under))
             FROM jsonb_each(j) AS e(k, v)
             WHERE NOT mutation.is_secret(e.k, sits_under, outer_name)), '{}')
        WHEN 'array' THEN coalesce(
            (SELECT jsonb_agg(mutation.redact(a.v, depth + 1, sits_under, outer_name) ORDER BY a.i)
             FROM jsonb_array_elements(j) WITH ORDINALITY AS a(v, i)), '[]')
        ELSE j END;
END
$$;

-- Whether a participant object has a field of the wrong type (for events that do not read it).
CREATE FUNCTION mutation.participant_bad(p jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT mutation.bad(p, 'object') OR jsonb_typeof(p) = 'object' AND (
             mutation.bad(p->'identity', 'string') OR mutation.bad(p->'sid', 'string')
             OR mutation.bad(p->'name', 'string') OR mutation.bad(p->'kind', 'strnum')
             OR mutation.bad(p->'disconnectReason', 'strnum') OR mutation.bad(p->'joinedAt', 'strnum')
             OR mutation.bad(p->'joinedAtMs', 'strnum') OR mutation.bad(p->'attributes', 'object')
             OR jsonb_typeof(p->'attributes') = 'object' AND EXISTS (
                 SELECT FROM unnest(ARRAY['sip.callID', 'sip.callIDFull', 'sip.callStatus',
                                          'sip.phoneNumber', 'sip.trunkPhoneNumber', 'sip.trunkID',
                                          'sip.ruleID', 'sip.hostname']) AS k
                 WHERE mutation.bad(p->'attributes'->k, 'string'))) $$;

CREATE FUNCTION mutation.reference(body text) RETURNS mutation.reading
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    r mutation.reading;
    j jsonb;
    room jsonb;
    egress jsonb;
    p jsonb;
    attributes jsonb;
    item jsonb;
    file jsonb;
    k text;
    url_keys text[] := ARRAY['location'];  -- FileInfo's only URL (livekit_egress.proto)
    sip_keys text[] := ARRAY['sip.callID', 'sip.callIDFull', 'sip.callStatus', 'sip.phoneNumber',
                             'sip.trunkPhoneNumber', 'sip.trunkID', 'sip.ruleID', 'sip.hostname'];
    strict_error boolean := false;
    later jsonb;
    ended timestamptz;
    ended_known boolean;
    began timestamptz;
    began_known boolean;
BEGIN
    r.lazy_error := false;
    r.is_sip := false;
    r.created_at_known := true;
    r.call_duration_known := true;
    -- PostgreSQL's JSON parser decides what is JSON
    BEGIN
        PERFORM body::json;
    EXCEPTION
        WHEN statement_too_complex THEN r.json_state := 'too_deep'; RETURN r;
        WHEN OTHERS THEN r.json_state := 'not_json'; RETURN r;
    END;
    BEGIN
        j := mutation.nul_as_replacement(body)::jsonb;
    EXCEPTION
        WHEN statement_too_complex THEN r.json_state := 'too_deep'; RETURN r;
        WHEN OTHERS THEN r.json_state := 'unrepresentable'; RETURN r;
    END;
    r.json_state := 'ok';
    IF jsonb_typeof(j) <> 'object' THEN
        r.reading := 'not_object';
        RETURN r;
    END IF;
    IF mutation.bad(j->'event', 'string') THEN
        r.reading := 'error';
        RETURN r;
    END IF;
    r.event_type := j->>'event';
    IF r.event_type IS NULL OR r.event_type NOT IN ('room_started', 'participant_joined', 'participant_left',
            'participant_connection_aborted', 'room_finished', 'egress_ended') THEN
        r.reading := 'ignored';
        RETURN r;
    END IF;

    -- the fields every processable event reads
    room := CASE WHEN jsonb_typeof(j->'room') <> 'null' THEN j->'room' END;
    egress := CASE WHEN jsonb_typeof(j->'egressInfo') <> 'null' THEN j->'egressInfo' END;
    strict_error := mutation.bad(j->'id', 'string') OR mutation.bad(j->'createdAt', 'strnum')
        OR mutation.bad(j->'roomEndReason', 'strnum') OR mutation.bad(room, 'object')
        OR mutation.bad(egress, 'object');
    IF NOT strict_error THEN
        strict_error := mutation.bad(room->'name', 'string') OR mutation.bad(room->'sid', 'string')
            OR mutation.bad(room->'creationTime', 'strnum');
    END IF;
    IF strict_error THEN
        r.reading := 'error';
        RETURN r;
    END IF;
    r.event_id := nullif(j->>'id', '');
    r.created_at := mutation.instant_at(j->'createdAt');
    r.created_at_known := mutation.instant_known(j->'createdAt');
    -- the room: from room, else (egress events) from egressInfo; egressInfo's copy is read
    -- only when room lacks it, so a wrong type there may or may not be noticed
    r.room_name := nullif(room->>'name', '');
    IF r.room_name IS NULL THEN
        strict_error := strict_error OR mutation.bad(egress->'roomName', 'string');
        r.room_name := nullif(egress->>'roomName', '');
    ELSE
        r.lazy_error := r.lazy_error OR mutation.bad(egress->'roomName', 'string');
    END IF;
    r.room_sid := nullif(room->>'sid', '');
    IF r.room_sid IS NULL THEN
        strict_error := strict_error OR mutation.bad(egress->'roomId', 'string');
        r.room_sid := nullif(egress->>'roomId', '');
    ELSE
        r.lazy_error := r.lazy_error OR mutation.bad(egress->'roomId', 'string');
    END IF;

    IF r.event_type IN ('participant_joined', 'participant_left', 'participant_connection_aborted') THEN
        p := CASE WHEN jsonb_typeof(j->'participant') <> 'null' THEN j->'participant' END;
        strict_error := strict_error OR mutation.bad(p, 'object');
        IF jsonb_typeof(p) = 'object' THEN
            strict_error := strict_error OR mutation.bad(p->'identity', 'string')
                OR mutation.bad(p->'sid', 'string') OR mutation.bad(p->'name', 'string')
                OR mutation.bad(p->'kind', 'strnum') OR mutation.bad(p->'disconnectReason', 'strnum')
                OR mutation.bad(p->'joinedAt', 'strnum') OR mutation.bad(p->'joinedAtMs', 'strnum')
                OR mutation.bad(p->'attributes', 'object');
            r.participant_identity := nullif(p->>'identity', '');
            r.participant_kind := coalesce(nullif(mutation.txt(p->'kind'), ''), 'STANDARD');
            r.is_sip := r.participant_kind IN ('SIP', '3');
            r.disconnect_reason := mutation.reason_name(
                coalesce(nullif(mutation.txt(p->'disconnectReason'), ''), 'UNKNOWN_REASON'));
            attributes := CASE WHEN jsonb_typeof(p->'attributes') = 'object' THEN p->'attributes' END;
            IF attributes IS NOT NULL THEN
                FOREACH k IN ARRAY sip_keys LOOP
                    IF r.is_sip THEN
                        strict_error := strict_error OR mutation.bad(attributes->k, 'string');
                    ELSE
                        r.lazy_error := r.lazy_error OR mutation.bad(attributes->k, 'string');
                    END IF;
                END LOOP;
                IF r.is_sip AND jsonb_typeof(attributes->'sip.callStatus') = 'string' THEN
                    r.sip_call_status := nullif(attributes->>'sip.callStatus', '');
                END IF;
                IF r.is_sip AND jsonb_typeof(attributes->'sip.phoneNumber') = 'string' THEN
                    r.sip_phone_number := nullif(attributes->>'sip.phoneNumber', '');
                END IF;
                IF r.is_sip AND jsonb_typeof(attributes->'sip.callID') = 'string' THEN
                    r.sip_call_id := nullif(attributes->>'sip.callID', '');
                END IF;
                IF r.is_sip AND jsonb_typeof(attributes->'sip.callIDFull') = 'string' THEN
                    r.sip_call_id_full := nullif(attributes->>'sip.callIDFull', '');
                END IF;
            END IF;
            IF r.event_type IN ('participant_left', 'participant_connection_aborted') THEN
                -- duration: createdAt - joinedAt, in whole seconds, never negative
                began := mutation.instant_at(p->'joinedAt');
                began_known := mutation.instant_known(p->'joinedAt');
                r.call_duration_known := began_known AND r.created_at_known;
                IF began IS NOT NULL AND r.created_at >= began
                   AND extract(epoch FROM r.created_at - began) <= 2147483647 THEN
                    r.call_duration := extract(epoch FROM r.created_at - began)::integer;
                END IF;
            END IF;
        END IF;
    ELSE
        r.lazy_error := r.lazy_error OR mutation.participant_bad(j->'participant');
    END IF;
    IF r.event_type = 'room_finished' THEN
        began := mutation.instant_at(room->'creationTime');
        began_known := mutation.instant_known(room->'creationTime');
        r.call_duration_known := began_known AND r.created_at_known;
        IF began IS NOT NULL AND r.created_at >= began
           AND extract(epoch FROM r.created_at - began) <= 2147483647 THEN
            r.call_duration := extract(epoch FROM r.created_at - began)::integer;
        END IF;
    END IF;

    IF r.event_type = 'egress_ended' AND egress IS NOT NULL THEN
        strict_error := strict_error OR mutation.bad(egress->'egressId', 'string')
            OR mutation.bad(egress->'status', 'strnum') OR mutation.bad(egress->'error', 'string');
        -- the recording: fileResults[i] then file, the first non-empty location; a failed
        -- egress has none. What lies after the one found (or anywhere, for a failed egress) may
        -- or may not be read.
        IF coalesce(mutation.txt(egress->'status'), '') IN ('EGRESS_FAILED', 'EGRESS_ABORTED', '4', '5') THEN
            later := egress;
        ELSE
            IF jsonb_typeof(egress->'fileResults') = 'array' THEN
                FOR item IN SELECT a.v FROM jsonb_array_elements(egress->'fileResults') WITH ORDINALITY AS a(v, i) ORDER BY a.i LOOP
                    IF r.recording_url IS NOT NULL THEN
                        r.lazy_error := r.lazy_error OR jsonb_typeof(item) = 'object' AND EXISTS (
                            SELECT FROM unnest(url_keys) AS u WHERE mutation.bad(item->u, 'string'));
                    ELSIF jsonb_typeof(item) = 'object' THEN
                        FOREACH k IN ARRAY url_keys LOOP
                            IF mutation.bad(item->k, 'string') THEN
                                strict_error := true;
                            ELSIF r.recording_url IS NULL THEN
                                r.recording_url := nullif(item->>k, '');
                            END IF;
                            EXIT WHEN strict_error OR r.recording_url IS NOT NULL;
                        END LOOP;
                    ELSE
                        r.lazy_error := true;  -- a result that is not an object
                    END IF;
                    EXIT WHEN strict_error;
                END LOOP;
            ELSIF jsonb_typeof(egress->'fileResults') NOT IN ('null') THEN
                r.lazy_error := true;  -- fileResults that is not an array
            END IF;
            file := CASE WHEN jsonb_typeof(egress->'file') <> 'null' THEN egress->'file' END;
            IF r.recording_url IS NOT NULL OR strict_error THEN
                r.lazy_error := r.lazy_error OR mutation.bad(file, 'object') OR jsonb_typeof(file) = 'object'
                    AND EXISTS (SELECT FROM unnest(url_keys) AS u WHERE mutation.bad(file->u, 'string'));
            ELSE
                strict_error := strict_error OR mutation.bad(file, 'object');
                IF jsonb_typeof(file) = 'object' THEN
                    FOREACH k IN ARRAY url_keys LOOP
                        IF mutation.bad(file->k, 'string') THEN
                            strict_error := true;
                        ELSIF r.recording_url IS NULL THEN
                            r.recording_url := nullif(file->>k, '');
                        END IF;
                        EXIT WHEN strict_error OR r.recording_url IS NOT NULL;
                    END LOOP;
                END IF;
            END IF;
        END IF;
        IF later IS NOT NULL THEN
            r.lazy_error := r.lazy_error OR EXISTS (
                SELECT FROM jsonb_array_elements(CASE WHEN jsonb_typeof(later->'fileResults') = 'array'
                                                      THEN later->'fileResults' ELSE '[]' END) AS a(v)
                WHERE jsonb_typeof(a.v) <> 'object'
                   OR EXISTS (SELECT FROM unnest(url_keys) AS u WHERE mutation.bad(a.v->u, 'string')))
                OR jsonb_typeof(later->'fileResults') NOT IN ('array', 'null')
                OR mutation.bad(later->'file', 'object')
                OR jsonb_typeof(later->'file') = 'object'
                   AND EXISTS (SELECT FROM unnest(url_keys) AS u WHERE mutation.bad(later->'file'->u, 'string'));
        END IF;
    ELSIF egress IS NOT NULL THEN
        -- other events do not read egress results
        r.lazy_error := r.lazy_error OR mutation.bad(egress->'egressId', 'string')
            OR mutation.bad(egress->'status', 'strnum') OR mutation.bad(egress->'error', 'string')
            OR mutation.bad(egress->'file', 'object');
    END IF;

    IF strict_error THEN
        r.reading := 'error';
    ELSIF r.event_id IS NULL THEN
        r.reading := 'missing_event_id';
    ELSIF r.room_name IS NULL THEN
        r.reading := 'missing_room_name';
    ELSE
        r.reading := 'processable';
        -- the stored payload (NULL when too deep for this reference to rebuild)
        IF j::text ~ '"(turnPassword|accessKey|secret|sessionToken|assumeRoleExternalId|credentials|accountKey|urls|websocketUrl|signingKey|streamKey|authPassword|username|password|accountName|url)": ' THEN
            BEGIN
                r.payload := mutation.redact(j);
            EXCEPTION WHEN statement_too_complex THEN
                r.payload := NULL;
            END;
        ELSE
            r.payload := j;
        END IF;
    END IF;
    RETURN r;
END
$$;

-- ---- deliveries ----------------------------------------------------------------------------

-- One row per mutation, in delivery order.
CREATE TABLE mutation.delivery (
    seq bigint PRIMARY KEY,
    kind text NOT NULL,          -- body, token, clock (unsigned); jwt, hmac (re-signed)
    op text NOT NULL,
    b bigint NOT NULL REFERENCES mutation.base,
    body text,
    signature text,
    verify_at timestamptz NOT NULL,
    room text,                   -- re-signed: the room name its call was registered under
    call_id bigint);             -- re-signed: that call

-- What each delivery answered, or the error it raised.
CREATE TABLE mutation.answer (
    seq bigint PRIMARY KEY,
    status text,
    reason text,
    event_id text,
    call_id bigint,
    outcome callout.call_outcome,
    sqlstate text,
    message text);

-- Delivers seq in [first, last] in order, each in its own subtransaction (an ERROR is recorded
-- with its SQLSTATE), committing every 500 deliveries.
CREATE PROCEDURE mutation.deliver(first bigint, last bigint)
LANGUAGE plpgsql
AS $$
DECLARE
    chunk integer;
    d mutation.delivery;
    r callout.webhook_result;
BEGIN
    FOR chunk IN first..last BY 500 LOOP
        FOR d IN SELECT * FROM mutation.delivery WHERE seq BETWEEN chunk AND least(chunk + 499, last)
                 ORDER BY seq LOOP
            PERFORM set_config('callout.verify_at', d.verify_at::text, false);
            BEGIN
                r := callout.process_livekit_webhook(d.body, d.signature);
                INSERT INTO mutation.answer VALUES (d.seq, r.status, r.reason, r.event_id, r.call_id, r.outcome);
            EXCEPTION WHEN OTHERS THEN
                INSERT INTO mutation.answer (seq, sqlstate, message) VALUES (d.seq, SQLSTATE, left(SQLERRM, 300));
            END;
        END LOOP;
        COMMIT;
    END LOOP;
END
$$;

-- ---- building the deliveries ---------------------------------------------------------------

-- A base body with its own event id, room name and room sid (suffixes naming mutation n), so
-- every re-signed mutation is an event of its own in a room of its own. room: the new room
-- name, NULL when the body is not an event whose room could be renamed.
CREATE FUNCTION mutation.uniquify(n bigint, body text, OUT unique_body text, OUT room text)
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    j jsonb;
    id text;
    name text;
    sid text;
    new_name text;
BEGIN
    unique_body := body;
    BEGIN
        j := body::jsonb;
    EXCEPTION WHEN OTHERS THEN
        RETURN;
    END;
    IF jsonb_typeof(j) <> 'object' THEN
        RETURN;
    END IF;
    id := j->>'id';
    name := coalesce(j->'room'->>'name', j->'egressInfo'->>'roomName');
    sid := coalesce(j->'room'->>'sid', j->'egressInfo'->>'roomId');
    IF id <> '' THEN
        unique_body := replace(unique_body, '"' || id || '"', '"' || id || '-m' || n || '"');
    END IF;
    IF sid <> '' THEN
        unique_body := replace(unique_body, '"' || sid || '"', '"' || sid || '_m' || n || '"');
    END IF;
    IF name <> '' THEN
        new_name := name || '-m' || n || '-' || left(md5(n::text), 6);
        unique_body := replace(unique_body, '"' || name || '"', '"' || new_name || '"');
        j := unique_body::jsonb;
        IF coalesce(j->'room'->>'name', j->'egressInfo'->>'roomName') = new_name THEN
            room := new_name;
        END IF;
    END IF;
END
$$;

-- The sha256 claim of a JWT (what body it signed), or NULL.
CREATE FUNCTION mutation.token_sha256(token text) RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    claims text := split_part(token, '.', 2);
BEGIN
    claims := translate(claims, '-_', '+/') || repeat('=', (4 - length(claims) % 4) % 4);
    RETURN convert_from(decode(claims, 'base64'), 'UTF8')::jsonb->>'sha256';
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$$;

-- Mutation n of a base: unsigned ones keep LiveKit's own token (kind body: a mutated body;
-- token: a mutated token; clock: verified far outside the token's window); re-signed ones
-- (jwt, hmac) are a mutated, uniquified body, signed afterwards.
CREATE FUNCTION mutation.make(n bigint, kind text, base mutation.base,
                              OUT op text, OUT body text, OUT signature text,
                              OUT verify_at timestamptz, OUT room text)
LANGUAGE plpgsql
AS $$
DECLARE
    other_token text;
BEGIN
    IF kind = 'body' THEN
        SELECT m.op, m.mutated INTO op, body FROM mutation.mutate(n, base.body) AS m;
        -- a mutation that gives back the very body the token signed (a vector whose body was
        -- tampered with after signing, mutated back) is not unsigned: change it once more
        IF livekit_test.body_sha256(body) = mutation.token_sha256(base.token) THEN
            op := op || '>append';
            body := body || ' ';
        END IF;
        signature := base.token;
        verify_at := base.verify_at;
    ELSIF kind = 'token' THEN
        SELECT o.token INTO other_token FROM mutation.base AS o
        WHERE o.body <> base.body ORDER BY md5(n || o.name) LIMIT 1;
        SELECT m.op, m.mutated INTO op, signature
        FROM mutation.mutate_token(n, base.token, other_token, base.body) AS m;
        body := base.body;
        verify_at := base.verify_at;
    ELSIF kind = 'clock' THEN
        op := CASE WHEN n % 4 = 1 THEN 'clock_late' ELSE 'clock_early' END;
        body := base.body;
        signature := base.token;
        verify_at := base.verify_at + CASE WHEN op = 'clock_late' THEN interval '1000 s' ELSE interval '-1000 s' END;
    ELSE
        SELECT u.unique_body, u.room INTO body, room FROM mutation.uniquify(n, base.body) AS u;
        SELECT m.op, m.mutated INTO op, body FROM mutation.mutate(n, body) AS m;
        verify_at := to_timestamp(1767268900);  -- within the window of tokens minted at 1767268800
    END IF;
END
$$;

\ir ../fixtures/stored_event.sql
