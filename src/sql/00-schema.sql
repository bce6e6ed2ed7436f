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
COMMENT ON COLUMN callout.webhook_result.status IS 'processed, duplicate, ignored, unmatched or rejected';
COMMENT ON COLUMN callout.webhook_result.reason IS 'why, in DESIGN.md §3''s words (already processed for a duplicate); NULL for a processed delivery';
COMMENT ON COLUMN callout.webhook_result.event_id IS 'the event''s id, once the body was read';
COMMENT ON COLUMN callout.webhook_result.call_id IS 'the call the event belongs to, if any';
COMMENT ON COLUMN callout.webhook_result.outcome IS 'that call''s outcome after the delivery; NULL while it has none';
COMMENT ON COLUMN callout.call_outcome_info.call_id IS 'the call''s id';
COMMENT ON COLUMN callout.ingest_settings.verify_at IS 'the instant tokens are checked at (callout.verify_at, else the transaction''s start)';
COMMENT ON COLUMN callout.ingest_settings.max_body_bytes IS 'callout.max_body_bytes';
COMMENT ON COLUMN callout.ingest_settings.clock_leeway IS 'callout.clock_leeway, in seconds';
COMMENT ON COLUMN callout.ingest_settings.min_connected_seconds IS 'callout.min_connected_seconds';
COMMENT ON COLUMN callout.ingest_settings.min_completed_seconds IS 'callout.min_completed_seconds';
COMMENT ON COLUMN callout.ingest_settings.unmatched_window_seconds IS 'callout.unmatched_window, in seconds';
COMMENT ON COLUMN callout.ingest_settings.notify IS 'callout.notify';
COMMENT ON COLUMN callout.ingest_settings.max_key_bytes IS 'the longest event id, room sid, campaign or agent config stored (an index entry must fit a page)';
COMMENT ON COLUMN callout.ingest_settings.max_room_name_bytes IS 'the longest room name stored';
