-- A prototype of a split call table, for the readers scenario's database (bench/readers_setup.sql
-- made it; READERS_SPLIT=1): the same calls as callout.call_log, in two tables. A call's
-- identity, written once when the call is registered or created (its tenant, room, direction,
-- number, campaign, agent config, metadata, creation), carries the indexes readers look calls
-- up by; its outcome, the columns deliveries set (status, outcome, times, sid, the feed's
-- position), carries only those matching, the start-time readers and the feed need, and a copy of
-- the identity's columns that callout.call_stats groups by (so its started calls are read from
-- the outcome alone; update_call_log would change a campaign or agent config in both). A delivery
-- would then update the narrow outcome row alone, and its non-HOT update would write 4 index
-- entries instead of call_log's 7 (the levers scenario's "identity's indexes apart" measures
-- that side). Nothing of callout uses these tables: bench/split_readers.sql times the readers'
-- queries on them beside the same queries on callout.calls, through bench.split_calls (the
-- faster shape: the tenant's policy evaluated once) or bench.split_calls_invoker (as callout.calls
-- is: each table's policy applies to the reader); READERS_SPLIT_VIEWS chooses. Both join the
-- outcome to each identity a listing returns, one index probe a row (~3 us): what the split
-- costs its listings, and no index shape here removes it.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET synchronous_commit = off;

-- The tables' owner, neither a superuser nor the readers (bench_split_owner): the view the readers
-- read (bench.split_calls, below) runs with its owner's rights, so the owner must be one that the
-- identity's policy applies to (FORCE ROW LEVEL SECURITY) and the outcome's does not (an owner
-- without FORCE bypasses it). Roles are the cluster's: the bench's cluster is a throwaway one.
CREATE ROLE bench_split_owner NOLOGIN;
GRANT USAGE ON SCHEMA bench, callout TO bench_split_owner;
-- ANALYZE reads the partial index's predicate as the table's owner
GRANT EXECUTE ON FUNCTION callout._is_open(callout.call_status) TO bench_split_owner;

-- Each table takes its columns, types and rows from call_log itself (its key added after).
CREATE TABLE bench.call_identity AS
SELECT c.id, c.user_id, c.agent_config_id, c.room_name, c.direction, c.phone_number,
       c.registered_phone_number, c.campaign_id, c.metadata, c.origin, c.created_at
FROM callout.call_log AS c ORDER BY c.id;
ALTER TABLE bench.call_identity ADD PRIMARY KEY (id, user_id);
CREATE TABLE bench.call_outcome AS
SELECT c.id, c.user_id, c.room_name, c.direction, c.campaign_id, c.agent_config_id, c.created_at,
       c.room_sid, c.status, c.outcome, c.duration_seconds,
       c.disconnect_reason, c.sip_call_status, c.recording_url, c.started_at, c.answered_at,
       c.ended_at, c.updated_at, c.feed_xact, c.sip_call_id, c.sip_call_id_full, c.answered_on_join
FROM callout.call_log AS c ORDER BY c.id;
ALTER TABLE bench.call_outcome ADD PRIMARY KEY (id, user_id);
-- Every outcome has its identity. Declared, it is also what the planner sizes the join by: with
-- it, the join of a tenant's identities and outcomes is estimated as the rows of one side (each
-- has its match); without, the tenant's condition counted on both sides (each a default 1/20
-- for an InitPlan's value, where tenant-00 holds half) made 'no_answer in 7 days' and 'started
-- 2-3 days ago' expect fewer than 50 rows and hash or sort the tenant's whole week. A delivery's
-- UPDATE leaves (id, user_id) as they are, so the check never runs for it (no index added: the
-- identity's key is the referenced one, the outcome's the referencing one); a registration's
-- INSERT of the outcome checks its identity once.
ALTER TABLE bench.call_outcome ADD FOREIGN KEY (id, user_id) REFERENCES bench.call_identity (id, user_id);

-- The identity's indexes: a tenant's calls by creation, by campaign, and calls by number (the
-- number is the identity's: registered, or the phone leg's of a call a delivery created).
CREATE INDEX call_identity_tenant ON bench.call_identity (user_id, created_at);
CREATE INDEX call_identity_campaign ON bench.call_identity (user_id, campaign_id, created_at);
CREATE INDEX call_identity_phone_number ON bench.call_identity (phone_number, created_at);
-- The outcome's: what matching and the feed need, and the tenant's calls by start.
CREATE UNIQUE INDEX call_outcome_open_room ON bench.call_outcome (room_name, user_id)
    WHERE callout._is_open(status);
CREATE UNIQUE INDEX call_outcome_room_sid ON bench.call_outcome (room_sid, user_id) WHERE room_sid IS NOT NULL;
CREATE INDEX call_outcome_started ON bench.call_outcome (user_id, started_at);
-- The calls not started, by creation (call_stats counts them by it): a registration's entry, which
-- the delivery that starts the call leaves (its UPDATE is not HOT anyway: it binds the sid).
CREATE INDEX call_outcome_unstarted ON bench.call_outcome (user_id, created_at) WHERE started_at IS NULL;
CREATE INDEX call_outcome_feed ON bench.call_outcome (feed_xact, id) WHERE feed_xact IS NOT NULL;

-- Tenancy as callout.call_log's: one equality on user_id on each table. The identity's binds its
-- owner too (FORCE), as call_log's does; the outcome's binds everyone but its owner.
ALTER TABLE bench.call_identity ENABLE ROW LEVEL SECURITY;
ALTER TABLE bench.call_identity FORCE ROW LEVEL SECURITY;
ALTER TABLE bench.call_outcome ENABLE ROW LEVEL SECURITY;
CREATE POLICY call_identity_read ON bench.call_identity FOR SELECT
    USING (user_id = (SELECT callout.current_user_id()));
CREATE POLICY call_outcome_read ON bench.call_outcome FOR SELECT
    USING (user_id = (SELECT callout.current_user_id()));
GRANT SELECT ON bench.call_identity, bench.call_outcome TO bench_reader_big, bench_reader_small, bench_gateway;

-- callout.calls over the two tables, two ways. Every identity has its outcome row: the LEFT JOIN
-- lets the planner leave the outcome out of a query that reads none of its columns (a count by
-- creation).
-- bench.split_calls_invoker: as callout.calls, security_invoker: each table's policy applies to
-- the reader, so callout.current_user_id() runs twice a query (an InitPlan each; it is three
-- PL/pgSQL SECURITY DEFINER calls, ~0.08 ms, half of what 'latest 50' costs on call_log).
CREATE VIEW bench.split_calls_invoker WITH (security_invoker = true) AS
SELECT i.id, i.user_id, i.room_name, i.direction, i.phone_number, i.campaign_id, i.agent_config_id,
       o.status, o.outcome, o.started_at, o.answered_at, o.ended_at, o.duration_seconds,
       o.disconnect_reason, o.sip_call_status, o.recording_url, i.metadata, i.created_at, o.room_sid,
       o.updated_at, o.sip_call_id, o.sip_call_id_full,
       CASE WHEN o.answered_on_join THEN 0
            WHEN o.answered_at IS NULL AND o.status = 'ended' AND o.disconnect_reason IS NOT NULL
            THEN o.duration_seconds
       END AS ring_seconds,
       CASE WHEN o.ended_at >= o.answered_at
                 AND EXTRACT(epoch FROM o.ended_at - o.answered_at) < 2147483648
            THEN floor(EXTRACT(epoch FROM o.ended_at - o.answered_at))::integer
       END AS talk_seconds
FROM bench.call_identity AS i
     LEFT JOIN bench.call_outcome AS o ON o.id = i.id AND o.user_id = i.user_id;
-- bench.split_calls: the same query with its owner's rights (bench_split_owner). The identity's
-- policy still applies (FORCE; callout.current_user_id() asks who the session is, not who owns
-- the view), once; the outcome is read as its owner, without its policy: the join on
-- (id, user_id) gives a row only the outcome of a visible identity, and hands the tenant's
-- equality on to the outcome's scan (the planner derives o.user_id = the InitPlan's value, so
-- the started index still leads with it). That derived equality comes from the identity's
-- policy and keeps its security level: at the outcome's scan it runs before any condition of
-- the reader's, leakproof or not (a STRICT PL/pgSQL function raising a notice for another
-- tenant's room_sid, under a forced sequential scan and hash join, saw none). Not
-- security_barrier: a barrier view is not flattened, so ORDER BY ... LIMIT 50 cannot reach the
-- identity's index and 'latest 50' joined every call of the tenant (495 ms at 200k calls). What
-- it leaves out: a policy is chosen by the view's owner, not the reader, so an auditor's (TO its
-- roles, callout's call_log_audit) would not apply: auditors would need a view of their own.
DO $$
BEGIN
    EXECUTE format('CREATE VIEW bench.split_calls AS %s',
                   pg_get_viewdef('bench.split_calls_invoker'::regclass));
END
$$;
ALTER TABLE bench.call_identity OWNER TO bench_split_owner;
ALTER TABLE bench.call_outcome OWNER TO bench_split_owner;
ALTER VIEW bench.split_calls OWNER TO bench_split_owner;
GRANT SELECT ON bench.split_calls, bench.split_calls_invoker TO bench_reader_big, bench_reader_small, bench_gateway;

-- callout.call_stats' rows over the two tables, by one dimension: coalesce(started_at,
-- created_at) in [since, until) as two branches of the outcome alone: the started calls by its
-- start, the others by its creation.
CREATE FUNCTION bench.split_call_stats(since timestamptz, until timestamptz, dimension text)
RETURNS TABLE (bucket text, attempts bigint, completed bigint, no_answer bigint, busy bigint,
               failed bigint, open bigint, expired bigint, total_talk_seconds bigint)
LANGUAGE sql STABLE
AS $$
    SELECT callout._call_stats_key(dimension, c.started_at, c.created_at, c.campaign_id,
                                   c.agent_config_id, c.direction, c.outcome, c.user_id,
                                   current_setting('TimeZone')),
           count(*),
           count(*) FILTER (WHERE c.outcome = 'completed'),
           count(*) FILTER (WHERE c.outcome = 'no_answer'),
           count(*) FILTER (WHERE c.outcome = 'busy'),
           count(*) FILTER (WHERE c.outcome = 'failed'),
           count(*) FILTER (WHERE callout._is_open(c.status)),
           count(*) FILTER (WHERE c.status = 'expired'),
           coalesce(sum(c.duration_seconds) FILTER (WHERE c.outcome = 'completed'), 0)::bigint
    FROM (SELECT o.user_id, o.started_at, o.created_at, o.campaign_id, o.agent_config_id,
                 o.direction, o.outcome, o.status, o.duration_seconds
          FROM bench.call_outcome AS o WHERE o.started_at >= since AND o.started_at < until
          UNION ALL
          SELECT o.user_id, o.started_at, o.created_at, o.campaign_id, o.agent_config_id,
                 o.direction, o.outcome, o.status, o.duration_seconds
          FROM bench.call_outcome AS o
          WHERE o.started_at IS NULL AND o.created_at >= since AND o.created_at < until) AS c
    GROUP BY 1 ORDER BY 1 NULLS FIRST
$$;
GRANT EXECUTE ON FUNCTION bench.split_call_stats(timestamptz, timestamptz, text) TO PUBLIC;

VACUUM ANALYZE bench.call_identity, bench.call_outcome;
