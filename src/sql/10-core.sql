-- The verified core as SQL functions backed by the C++ module (src/core): signature
-- verification, event normalization, extractors, classification, and the boundary's self-test.

-- LiveKit's scheme: the Authorization header is a bare HS256 JWT over the raw body.
CREATE FUNCTION callout.verify_livekit_signature(
    body text,
    authorization text,
    api_key text,
    api_secret text,
    at timestamptz DEFAULT pg_catalog.now(),
    leeway_seconds integer DEFAULT NULL)
RETURNS text
LANGUAGE c STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'callout_verify_livekit_signature';
COMMENT ON FUNCTION callout.verify_livekit_signature(text, text, text, text, timestamptz, integer)
    IS 'ok, or why a LiveKit webhook''s Authorization token does not verify for this body';

-- The plain scheme: HMAC-SHA256 of the body, hex or base64, optionally sha256=-prefixed.
CREATE FUNCTION callout.verify_hmac_signature(body text, signature text, secret text)
RETURNS boolean
LANGUAGE c IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'callout_verify_hmac_signature';
COMMENT ON FUNCTION callout.verify_hmac_signature(text, text, text)
    IS 'true when signature is the HMAC-SHA256 of body under secret; false when either is missing';

CREATE FUNCTION callout.transform_livekit_event(payload jsonb)
RETURNS jsonb
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'callout_transform_livekit_event';
COMMENT ON FUNCTION callout.transform_livekit_event(jsonb)
    IS 'the normalized facts of a LiveKit event callout acts on; NULL for events it ignores';

CREATE FUNCTION callout.extract_phone_number(room_name text)
RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'callout_extract_phone_number';
COMMENT ON FUNCTION callout.extract_phone_number(text)
    IS 'the E.164 number between underscores in a dispatch-rule room name, or NULL';

CREATE FUNCTION callout.extract_campaign_id(room_name text)
RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'callout_extract_campaign_id';
COMMENT ON FUNCTION callout.extract_campaign_id(text)
    IS 'the campaign id of an outbound-campaign-<id>-... room name, or NULL';

CREATE FUNCTION callout.call_duration(started text, ended text)
RETURNS integer
LANGUAGE c IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'callout_call_duration';
COMMENT ON FUNCTION callout.call_duration(text, text)
    IS 'whole seconds between two instants (unix s, unix ms, ISO 8601); NULL if unknown, never negative';

CREATE FUNCTION callout.extract_recording_url(payload jsonb)
RETURNS text
LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE
AS 'MODULE_PATHNAME', 'callout_extract_recording_url';
COMMENT ON FUNCTION callout.extract_recording_url(jsonb)
    IS 'the recording location of an egress event, or NULL when there is none or the egress failed';

CREATE FUNCTION callout.classify_outcome(
    duration_seconds numeric,
    disconnect_reason text DEFAULT NULL,
    sip_call_status text DEFAULT NULL,
    min_connected_seconds numeric DEFAULT 3,
    min_completed_seconds numeric DEFAULT 10)
RETURNS callout.call_outcome
LANGUAGE c IMMUTABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'callout_classify_outcome';
COMMENT ON FUNCTION callout.classify_outcome(numeric, text, text, numeric, numeric)
    IS 'completed, no_answer, busy or failed, by the first rule that applies (DESIGN.md §5)';

-- Makes the C++ side fail on purpose, to show every failure becomes an ERROR with a SQLSTATE.
CREATE FUNCTION callout.cpp_boundary_selftest(kind text)
RETURNS text
LANGUAGE c VOLATILE STRICT
AS 'MODULE_PATHNAME', 'callout_cpp_boundary_selftest';
COMMENT ON FUNCTION callout.cpp_boundary_selftest(text)
    IS 'raises each kind of C++ failure on purpose (superuser only; for tests)';
