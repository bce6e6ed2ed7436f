-- callout: LiveKit webhooks into call outcomes. The install script of the current version is these
-- files of src/sql in order (the Makefile joins them); each holds one topic. Every name is
-- schema-qualified: the control file pins the script's search_path to pg_catalog.
\echo Use "CREATE EXTENSION callout" to load this file. \quit

-- The extension creates and owns its schema (DROP EXTENSION removes it).
CREATE SCHEMA callout;
COMMENT ON SCHEMA callout IS 'callout: LiveKit webhooks into call outcomes';

-- ---- types

CREATE TYPE callout.call_outcome AS ENUM ('completed', 'no_answer', 'busy', 'failed');
COMMENT ON TYPE callout.call_outcome IS 'How a call ended (DESIGN.md §5)';

CREATE TYPE callout.call_status AS ENUM ('registered', 'in_progress', 'ended', 'expired');
COMMENT ON TYPE callout.call_status IS 'registered -> in_progress -> ended; expired when the end never arrived';

-- What process_livekit_webhook answers for one delivery.
CREATE TYPE callout.webhook_result AS (
    status text,       -- processed, duplicate, ignored, unmatched, rejected
    reason text,       -- DESIGN.md §3 vocabulary; 'already processed' for a duplicate
    event_id text,
    call_id bigint,
    outcome callout.call_outcome);

-- What get_call_outcome answers for one call.
CREATE TYPE callout.call_outcome_info AS (
    call_id bigint,
    status callout.call_status,
    outcome callout.call_outcome,
    duration_seconds integer,
    disconnect_reason text,
    sip_call_status text,
    recording_url text,
    started_at timestamptz,
    ended_at timestamptz);

CREATE TYPE callout.ingest_settings AS (
    verify_at timestamptz,
    max_body_bytes integer,
    clock_leeway integer,
    min_connected_seconds double precision,
    min_completed_seconds double precision,
    unmatched_window_seconds integer,
    notify boolean,
    max_key_bytes integer,
    max_room_name_bytes integer);

COMMENT ON TYPE callout.call_outcome_info IS 'what get_call_outcome answers for one call';
COMMENT ON TYPE callout.ingest_settings IS 'internal: the settings ingestion runs with, and the longest values it stores';
COMMENT ON TYPE callout.webhook_result IS 'what process_livekit_webhook answers: status, reason, event_id, call_id, outcome';
