-- LiveKit's webhook check written in PL/pgSQL with pgcrypto: what callout's
-- verify_livekit_signature is measured against. The same arguments, checks, order and answers
-- (README "Verifying a delivery"): a bare HS256 JWT over the raw body, iss = the API key,
-- the HMAC-SHA256 of header.payload in base64url, exp/nbf with a leeway, and the sha256 claim =
-- padded base64 of the body's SHA-256.
-- It is written to be fast rather than thorough: the segments are checked with a regular
-- expression and decoded without an EXCEPTION block (a subtransaction per row would cost more
-- than the check itself), so a token whose segments are base64url but not JSON raises an error
-- instead of answering malformed_jwt, and the encodings are not checked for a unique spelling.
-- Nothing in callout uses it.

-- Unpadded base64url to bytes.
CREATE FUNCTION bench.base64url_decode(s text) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT decode(rpad(translate(s, '-_', '+/'), (length(s) + 3) / 4 * 4, '='), 'base64') $$;

CREATE FUNCTION bench.verify_livekit_plpgsql(body text, token text, api_key text,
                                             api_secret text, at timestamptz,
                                             leeway_seconds integer)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
    parts text[];
    header jsonb;
    claims jsonb;
    now_s numeric := extract(epoch FROM at);
BEGIN
    IF token IS NULL OR btrim(token, E' \t\r\n') = '' THEN
        RETURN 'empty_authorization';
    END IF;
    IF octet_length(token) > 8192
       OR token !~ '^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{43}$' THEN
        RETURN 'malformed_jwt';
    END IF;
    parts := string_to_array(token, '.');
    IF length(parts[1]) % 4 = 1 OR length(parts[2]) % 4 = 1 THEN
        RETURN 'malformed_jwt';
    END IF;
    header := convert_from(bench.base64url_decode(parts[1]), 'UTF8')::jsonb;
    claims := convert_from(bench.base64url_decode(parts[2]), 'UTF8')::jsonb;
    IF jsonb_typeof(header) <> 'object' OR jsonb_typeof(claims) <> 'object' THEN
        RETURN 'malformed_jwt';
    ELSIF header ->> 'alg' IS DISTINCT FROM 'HS256' THEN
        RETURN 'alg_not_allowed';
    ELSIF coalesce(claims ->> 'iss', '') = '' THEN
        RETURN 'missing_iss';
    ELSIF api_key IS NULL OR claims ->> 'iss' <> api_key THEN
        RETURN 'unknown_api_key';
    ELSIF api_secret IS NULL OR api_secret = ''
          OR parts[3] <> translate(rtrim(encode(hmac(convert_to(parts[1] || '.' || parts[2], 'UTF8'),
                                                     convert_to(api_secret, 'UTF8'), 'sha256'),
                                                'base64'), '='), '+/', '-_') THEN
        RETURN 'bad_signature';
    ELSIF jsonb_typeof(claims -> 'exp') IS DISTINCT FROM 'number' THEN
        RETURN 'missing_exp';
    ELSIF now_s - leeway_seconds >= (claims ->> 'exp')::numeric THEN
        RETURN 'expired';
    ELSIF jsonb_typeof(claims -> 'nbf') = 'number'
          AND (claims ->> 'nbf')::numeric > now_s + leeway_seconds THEN
        RETURN 'not_yet_valid';
    ELSIF coalesce(claims ->> 'sha256', '') = '' THEN
        RETURN 'missing_sha256';
    ELSIF body IS NULL
          OR claims ->> 'sha256' <> encode(digest(convert_to(body, 'UTF8'), 'sha256'), 'base64') THEN
        RETURN 'sha256_mismatch';
    END IF;
    RETURN 'ok';
END
$$;
