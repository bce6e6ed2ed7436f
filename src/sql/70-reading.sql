-- Reading calls, under the reader's row-level security.

CREATE FUNCTION callout.get_call_outcome(call_id bigint, user_id text)
RETURNS callout.call_outcome_info
LANGUAGE sql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT ROW(c.id, c.status, c.outcome, c.duration_seconds, c.disconnect_reason,
               c.sip_call_status, c.recording_url, c.started_at, c.ended_at)::callout.call_outcome_info
    FROM callout.call_log AS c
    WHERE c.id = get_call_outcome.call_id AND c.user_id = get_call_outcome.user_id
$$;
COMMENT ON FUNCTION callout.get_call_outcome(bigint, text) IS 'the outcome of a call of that tenant, under the caller''s row-level security; NULL otherwise';

CREATE FUNCTION callout.resolve_call_context(room_name text,
                                             OUT call_id bigint, OUT user_id text,
                                             OUT agent_config_id text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    -- who asks, decided here (on a distributed callout the query runs on the workers, which know
    -- nothing of this session)
    acting_for text := callout.current_user_id();
    sees_all boolean := callout.is_auditor()
        OR (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.oid = callout._invoking_role());
BEGIN
    SELECT c.id, c.user_id, c.agent_config_id INTO call_id, user_id, agent_config_id
    FROM callout.call_log AS c
    WHERE c.room_name = resolve_call_context.room_name AND (sees_all OR c.user_id = acting_for)
    ORDER BY callout._is_open(c.status) DESC, c.created_at DESC, c.id DESC
    LIMIT 1;
END
$$;
COMMENT ON FUNCTION callout.resolve_call_context(text) IS 'the call a room belongs to (open first, then latest), of the caller''s tenant (all for an auditor or a superuser; none without a tenant): granted explicitly';

-- The calls as a person reads them. Ring and talk time are computed here from the stored row
-- (DESIGN.md §4), as far as LiveKit tells them: talk from answered_at to the end of an ended
-- answered call; ring 0 for a leg that joined answered, the duration of a call that its phone
-- leg's leave ended unanswered (disconnect_reason is set exactly when such a leave is stored),
-- else unknown. New columns go last: a view keeps its columns' order.
CREATE VIEW callout.calls WITH (security_invoker = true) AS
SELECT c.id, c.user_id, c.room_name, c.direction, c.phone_number, c.campaign_id, c.agent_config_id,
       c.status, c.outcome, c.started_at, c.answered_at, c.ended_at, c.duration_seconds, c.disconnect_reason, c.sip_call_status, c.recording_url,
       c.metadata, c.created_at, c.room_sid, c.updated_at, c.sip_call_id, c.sip_call_id_full,
       CASE WHEN c.answered_on_join THEN 0
            WHEN c.answered_at IS NULL AND c.status = 'ended' AND c.disconnect_reason IS NOT NULL
            THEN c.duration_seconds
       END AS ring_seconds,
       CASE WHEN c.ended_at >= c.answered_at
                 AND EXTRACT(epoch FROM c.ended_at - c.answered_at) < 2147483648
            THEN pg_catalog.floor(EXTRACT(epoch FROM c.ended_at - c.answered_at))::integer
       END AS talk_seconds
FROM callout.call_log AS c;
COMMENT ON VIEW callout.calls IS 'one row per call the reader may see (security_invoker: the reader''s row-level security applies)';
COMMENT ON COLUMN callout.calls.ring_seconds IS 'seconds the phone leg rang in the room: 0 when it joined already answered (call_log.answered_on_join); for an ended call not answered that the leg''s leave ended, duration_seconds; NULL otherwise (LiveKit reports no answer instant)';
COMMENT ON COLUMN callout.calls.talk_seconds IS 'whole seconds from answered_at to ended_at of an ended answered call: ringing included unless the leg joined already answered; NULL otherwise (and beyond an integer, as duration_seconds)';

-- The bucket a call falls in for one dimension of call_stats: its start's day (else its
-- creation's) in time_zone (the caller's TimeZone, named to the query: on a distributed callout
-- it runs on the workers, whose TimeZone is their own), campaign, agent config, direction,
-- outcome or tenant; NULL for none. A one-expression SQL function without a SET clause, which
-- the planner inlines.
CREATE FUNCTION callout._call_stats_key(dimension text, started_at timestamptz, created_at timestamptz,
                                        campaign_id text, agent_config_id text, direction text,
                                        outcome callout.call_outcome, user_id text, time_zone text)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE $1 WHEN 'day' THEN pg_catalog.to_char(pg_catalog.timezone($9, coalesce($2, $3)), 'YYYY-MM-DD')
                   WHEN 'campaign' THEN $4
                   WHEN 'agent_config' THEN $5
                   WHEN 'direction' THEN $6
                   WHEN 'outcome' THEN $7::pg_catalog.text
                   WHEN 'tenant' THEN $8
           END
$$;
COMMENT ON FUNCTION callout._call_stats_key(text, timestamptz, timestamptz, text, text, text, callout.call_outcome, text, text) IS 'internal: the bucket of a call for one dimension of call_stats';

-- Counts per group of the calls that started (or, never started, were created) in
-- [since, until): attempts (every call), each outcome, the calls still open and those expired,
-- the answer rate (completed / attempts) and talk time of completed calls. group_by: NULL or
-- 'none', or one or two of 'day' (in the session's TimeZone), 'campaign', 'agent_config',
-- 'direction', 'outcome', 'tenant' (a tenant sees its own, an auditor every tenant's),
-- separated by a comma: the first is the bucket, the second the sub_bucket.
CREATE FUNCTION callout.call_stats(since timestamptz, until timestamptz, group_by text DEFAULT NULL)
RETURNS TABLE (bucket text, sub_bucket text, attempts bigint, completed bigint, no_answer bigint,
               busy bigint, failed bigint, open bigint, expired bigint, answer_rate numeric,
               total_talk_seconds bigint, average_talk_seconds numeric)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    dimensions text[] := '{}';
    dimension text;
    -- the day's zone, the caller's (a distributed callout buckets on the workers)
    time_zone text := pg_catalog.current_setting('TimeZone');
BEGIN
    IF since IS NULL OR until IS NULL THEN
        RAISE EXCEPTION 'since and until are required' USING ERRCODE = '22004';
    END IF;
    FOREACH dimension IN ARRAY coalesce(pg_catalog.string_to_array(group_by, ','), '{}') LOOP
        dimension := pg_catalog.btrim(dimension);
        IF dimension NOT IN ('none', 'day', 'campaign', 'agent_config', 'direction', 'outcome', 'tenant') THEN
            RAISE EXCEPTION 'unknown group_by "%"', dimension
                USING ERRCODE = '22023',
                      HINT = 'Use none, or one or two of day, campaign, agent_config, direction, outcome and tenant, separated by a comma.';
        ELSIF dimension = ANY (dimensions) THEN
            RAISE EXCEPTION 'group_by names "%" twice', dimension USING ERRCODE = '22023';
        END IF;
        dimensions := dimensions || dimension;
    END LOOP;
    IF pg_catalog.cardinality(dimensions) > 2 THEN
        RAISE EXCEPTION 'group_by names at most two dimensions' USING ERRCODE = '22023';
    ELSIF pg_catalog.cardinality(dimensions) > 1 AND 'none' = ANY (dimensions) THEN
        RAISE EXCEPTION 'group_by none stands alone' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    SELECT callout._call_stats_key(dimensions[1], c.started_at, c.created_at, c.campaign_id, c.agent_config_id,
                                   c.direction, c.outcome, c.user_id, time_zone) AS key,
           callout._call_stats_key(dimensions[2], c.started_at, c.created_at, c.campaign_id, c.agent_config_id,
                                   c.direction, c.outcome, c.user_id, time_zone) AS sub_key,
           pg_catalog.count(*),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'completed'),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'no_answer'),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'busy'),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'failed'),
           pg_catalog.count(*) FILTER (WHERE callout._is_open(c.status)),
           pg_catalog.count(*) FILTER (WHERE c.status = 'expired'),
           pg_catalog.round(pg_catalog.count(*) FILTER (WHERE c.outcome = 'completed')::numeric
                            / pg_catalog.count(*), 4),
           coalesce(pg_catalog.sum(c.duration_seconds) FILTER (WHERE c.outcome = 'completed'), 0)::bigint,
           pg_catalog.round(pg_catalog.avg(c.duration_seconds) FILTER (WHERE c.outcome = 'completed'), 2)
    FROM callout.call_log AS c
    -- coalesce(started_at, created_at) in [since, until), spelled as comparisons of columns,
    -- which row-level security lets an index take (a coalesce it would not: not leakproof)
    WHERE (c.started_at >= since AND c.started_at < until)
       OR (c.started_at IS NULL AND c.created_at >= since AND c.created_at < until)
    GROUP BY 1, 2
    ORDER BY 1 NULLS FIRST, 2 NULLS FIRST;
END
$$;
COMMENT ON FUNCTION callout.call_stats(timestamptz, timestamptz, text) IS 'attempts, outcomes, open and expired calls, answer rate and talk time of the calls the reader may see, by none, or one or two of day, campaign, agent_config, direction, outcome and tenant';
