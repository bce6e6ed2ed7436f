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
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.id, c.user_id, c.agent_config_id FROM callout.call_log AS c
    WHERE c.room_name = resolve_call_context.room_name
      AND (c.user_id = callout.current_user_id() OR callout.is_auditor()
           OR (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.oid = callout._invoking_role()))
    ORDER BY callout._is_open(c.status) DESC, c.created_at DESC, c.id DESC
    LIMIT 1
$$;
COMMENT ON FUNCTION callout.resolve_call_context(text) IS 'the call a room belongs to (open first, then latest), of the caller''s tenant (all for an auditor or a superuser; none without a tenant): granted explicitly';

-- The calls as a person reads them.
CREATE VIEW callout.calls WITH (security_invoker = true) AS
SELECT c.id, c.user_id, c.room_name, c.direction, c.phone_number, c.campaign_id, c.agent_config_id,
       c.status, c.outcome, c.started_at, c.answered_at, c.ended_at, c.duration_seconds, c.disconnect_reason, c.sip_call_status, c.recording_url,
       c.metadata, c.created_at, c.room_sid, c.updated_at
FROM callout.call_log AS c;
COMMENT ON VIEW callout.calls IS 'one row per call the reader may see (security_invoker: the reader''s row-level security applies)';

-- Counts per group of the calls that started (or, never started, were created) in
-- [since, until): attempts, each outcome, the answer rate (completed / attempts) and talk time
-- of completed calls. group_by: NULL or 'none', 'day' (in the session's TimeZone), 'campaign',
-- 'agent_config', 'direction', 'outcome'.
CREATE FUNCTION callout.call_stats(since timestamptz, until timestamptz, group_by text DEFAULT NULL)
RETURNS TABLE (bucket text, attempts bigint, completed bigint, no_answer bigint, busy bigint,
               failed bigint, answer_rate numeric, total_talk_seconds bigint,
               average_talk_seconds numeric)
LANGUAGE plpgsql STABLE SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF since IS NULL OR until IS NULL THEN
        RAISE EXCEPTION 'since and until are required' USING ERRCODE = '22004';
    END IF;
    IF group_by IS NOT NULL AND group_by NOT IN ('none', 'day', 'campaign', 'agent_config',
                                                  'direction', 'outcome') THEN
        RAISE EXCEPTION 'unknown group_by "%"', group_by
            USING ERRCODE = '22023',
                  HINT = 'Use none, day, campaign, agent_config, direction or outcome.';
    END IF;
    RETURN QUERY
    SELECT CASE call_stats.group_by
               WHEN 'day' THEN pg_catalog.to_char(coalesce(c.started_at, c.created_at), 'YYYY-MM-DD')
               WHEN 'campaign' THEN c.campaign_id
               WHEN 'agent_config' THEN c.agent_config_id
               WHEN 'direction' THEN c.direction
               WHEN 'outcome' THEN c.outcome::text
           END AS key,
           pg_catalog.count(*),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'completed'),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'no_answer'),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'busy'),
           pg_catalog.count(*) FILTER (WHERE c.outcome = 'failed'),
           pg_catalog.round(pg_catalog.count(*) FILTER (WHERE c.outcome = 'completed')::numeric
                            / pg_catalog.count(*), 4),
           coalesce(pg_catalog.sum(c.duration_seconds) FILTER (WHERE c.outcome = 'completed'), 0)::bigint,
           pg_catalog.round(pg_catalog.avg(c.duration_seconds) FILTER (WHERE c.outcome = 'completed'), 2)
    FROM callout.call_log AS c
    -- coalesce(started_at, created_at) in [since, until), spelled as comparisons of columns,
    -- which row-level security lets an index take (a coalesce it would not: not leakproof)
    WHERE (c.started_at >= since AND c.started_at < until)
       OR (c.started_at IS NULL AND c.created_at >= since AND c.created_at < until)
    GROUP BY 1
    ORDER BY 1 NULLS FIRST;
END
$$;
COMMENT ON FUNCTION callout.call_stats(timestamptz, timestamptz, text) IS 'attempts, outcomes, answer rate and talk time of the calls the reader may see, by none, day, campaign, agent_config, direction or outcome';
