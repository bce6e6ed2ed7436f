-- What a user would write instead of callout: a plain PL/pgSQL receiver with pgcrypto. LiveKit's
-- check (a bare HS256 JWT over the raw body: the issuer looked up in bench.lw_key, the
-- HMAC-SHA256 of header.payload with its secret, exp/nbf against the clock with a 60 s leeway,
-- the sha256 claim = padded base64 of the body's SHA-256), then the least work's writes
-- (bench/least_work.sql) as separate statements: the call found by room name, the event stored
-- once under its id, the call's outcome columns set when it was new. The clock is
-- callout.verify_at when set (unix seconds; the benchmark pins it, as for callout), else now().
-- Written to be fast, as bench/verify_plpgsql.sql is (whose bench.base64url_decode it uses): no
-- EXCEPTION block, segments checked by a regular expression. Nothing in callout uses it.
CREATE FUNCTION bench.plpgsql_receiver(body text, auth text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    parts text[];
    header jsonb;
    claims jsonb;
    key_secret text;
    now_s numeric := coalesce(nullif(current_setting('callout.verify_at', true), '')::numeric,
                              extract(epoch FROM now()));
    p jsonb;
    call_id bigint;
    call_tenant text;
    left_s bigint;
    joined_s bigint;
    duration integer;
    reason text;
BEGIN
    IF auth IS NULL OR octet_length(auth) > 8192
       OR auth !~ '^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{43}$' THEN
        RETURN 'malformed_jwt';
    END IF;
    parts := string_to_array(auth, '.');
    IF length(parts[1]) % 4 = 1 OR length(parts[2]) % 4 = 1 THEN
        RETURN 'malformed_jwt';
    END IF;
    header := convert_from(bench.base64url_decode(parts[1]), 'UTF8')::jsonb;
    claims := convert_from(bench.base64url_decode(parts[2]), 'UTF8')::jsonb;
    IF jsonb_typeof(header) <> 'object' OR jsonb_typeof(claims) <> 'object' THEN
        RETURN 'malformed_jwt';
    ELSIF header ->> 'alg' IS DISTINCT FROM 'HS256' THEN
        RETURN 'alg_not_allowed';
    END IF;
    SELECT k.secret INTO key_secret FROM bench.lw_key AS k WHERE k.api_key = claims ->> 'iss';
    IF key_secret IS NULL THEN
        RETURN 'unknown_api_key';
    ELSIF parts[3] <> translate(rtrim(encode(hmac(convert_to(parts[1] || '.' || parts[2], 'UTF8'),
                                                  convert_to(key_secret, 'UTF8'), 'sha256'),
                                             'base64'), '='), '+/', '-_') THEN
        RETURN 'bad_signature';
    ELSIF jsonb_typeof(claims -> 'exp') IS DISTINCT FROM 'number' THEN
        RETURN 'missing_exp';
    ELSIF now_s - 60 >= (claims ->> 'exp')::numeric THEN
        RETURN 'expired';
    ELSIF jsonb_typeof(claims -> 'nbf') = 'number' AND (claims ->> 'nbf')::numeric > now_s + 60 THEN
        RETURN 'not_yet_valid';
    ELSIF body IS NULL OR claims ->> 'sha256' IS DISTINCT FROM
                          encode(digest(convert_to(body, 'UTF8'), 'sha256'), 'base64') THEN
        RETURN 'sha256_mismatch';
    END IF;

    p := body::jsonb;
    SELECT c.id, c.tenant INTO call_id, call_tenant
    FROM bench.lw_call AS c WHERE c.room_name = p -> 'room' ->> 'name';
    INSERT INTO bench.lw_event (event_id, tenant, event_type, payload)
    VALUES (p ->> 'id', call_tenant, p ->> 'event', p)
    ON CONFLICT (event_id) DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'duplicate';
    END IF;
    left_s := (p ->> 'createdAt')::bigint;
    joined_s := (p -> 'participant' ->> 'joinedAt')::bigint;
    reason := coalesce(p -> 'participant' ->> 'disconnectReason', 'UNKNOWN_REASON');
    duration := CASE WHEN left_s >= joined_s THEN (left_s - joined_s)::integer END;
    UPDATE bench.lw_call AS c SET
        status = 'ended',
        outcome = callout.classify_outcome(duration, reason,
                                           p -> 'participant' -> 'attributes' ->> 'sip.callStatus',
                                           3, 10),
        ended_at = to_timestamp(left_s),
        duration_seconds = duration,
        disconnect_reason = reason
    WHERE c.id = call_id;
    RETURN 'processed';
END
$$;
