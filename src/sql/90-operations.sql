-- ---- operations (owner only)

-- now() - older_than, for the sweeps below; older_than must be a non-negative interval.
CREATE FUNCTION callout._cutoff(older_than interval) RETURNS timestamptz
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF older_than IS NULL OR older_than < interval '0' THEN
        RAISE EXCEPTION 'older_than must be a non-negative interval' USING ERRCODE = '22023';
    END IF;
    RETURN pg_catalog.now() - older_than;
END
$$;
COMMENT ON FUNCTION callout._cutoff(interval) IS 'internal: now() - older_than, refusing a NULL or negative interval';

-- The WARNING of a sweep that passed over the calls of tenants whose rows stayed locked; nothing
-- when it passed over none.
CREATE FUNCTION callout._warn_locked_tenants(sweep text, passed integer) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF passed > 0 THEN
        RAISE WARNING '% passed over the calls of % tenant(s): a row of theirs stayed locked for 1 s', sweep, passed
            USING HINT = 'A transaction that locked them is still open; run it again once it ends.';
    END IF;
END
$$;
COMMENT ON FUNCTION callout._warn_locked_tenants(text, integer) IS 'internal: warns that a sweep passed over the calls of tenants whose rows stayed locked';

-- One tenant's open calls that heard from LiveKit (or were registered) before cutoff and whose end
-- never arrived, marked expired; how many. A row of the tenant's held locked (its own role may
-- lock its calls: FOR UPDATE, or an UPDATE left open) is waited for at most 1 s, then the tenant's
-- calls are passed over (NULL): the wait holds no other tenant's row. A call's events are found
-- with its tenant too, which Citus needs on the shards; on a distributed callout Citus runs it on
-- the node of the tenant's shards (callout.distribute: delegated), where the lock is waited for.
CREATE FUNCTION callout._expire_tenant_calls(user_id text, cutoff timestamptz, instant timestamptz)
RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET lock_timeout = '1s'
AS $$
DECLARE
    expired integer;
BEGIN
    UPDATE callout.call_log AS c SET status = 'expired', updated_at = instant
    WHERE c.user_id = _expire_tenant_calls.user_id AND callout._is_open(c.status)
      AND greatest(c.created_at, (SELECT pg_catalog.max(e.received_at) FROM callout.livekit_call_event AS e
                                  WHERE e.user_id = _expire_tenant_calls.user_id AND e.call_log_id = c.id))
          < cutoff;
    GET DIAGNOSTICS expired = ROW_COUNT;
    RETURN expired;
EXCEPTION WHEN lock_not_available THEN
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION callout._expire_tenant_calls(text, timestamptz, timestamptz) IS 'internal: marks one tenant''s open calls with no activity since cutoff as expired; how many, NULL when a row of the tenant''s stayed locked';

-- LiveKit drops webhooks under load: an open call that heard from LiveKit (or was registered)
-- no later than older_than ago and whose end never arrived is marked expired, which frees its
-- room name. An end that arrives afterwards still ends it. Choose older_than longer than your
-- longest call: nothing arrives between a phone leg's join and its leave. Returns how many.
-- Tenant by tenant (each one's calls on the node of its shards, on a distributed callout): a
-- tenant whose rows stay locked is passed over with a WARNING, and its calls expire at the next
-- run.
CREATE FUNCTION callout.expire_stale_calls(older_than interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cutoff timestamptz := callout._cutoff(older_than);
    instant timestamptz := pg_catalog.now();
    tenant record;
    expired integer;
    total integer := 0;
    passed integer := 0;
BEGIN
    FOR tenant IN SELECT DISTINCT c.user_id FROM callout.call_log AS c
                  WHERE callout._is_open(c.status) AND c.created_at < cutoff
                  ORDER BY c.user_id LOOP
        SELECT e INTO expired FROM callout._expire_tenant_calls(tenant.user_id, cutoff, instant) AS e;
        IF expired IS NULL THEN
            passed := passed + 1;
        ELSE
            total := total + expired;
        END IF;
    END LOOP;
    PERFORM callout._warn_locked_tenants('expire_stale_calls', passed);
    RETURN total;
END
$$;
COMMENT ON FUNCTION callout.expire_stale_calls(interval) IS 'mark open calls with no activity for older_than as expired; returns how many';

-- Recomputes one tenant's ended calls (those that ended since `since`, or all) from their stored
-- events under these thresholds, notifying a changed outcome when notify (each set for the rest
-- of the transaction: reclassify_calls passes its own); the ids of those whose outcome changed.
-- A row of the tenant's held locked is waited for at most 1 s, then none of its calls is
-- recomputed (NULL), as _expire_tenant_calls passes a tenant over.
-- On a distributed callout Citus runs it on the node of the tenant's shards (callout.distribute:
-- distributed by user_id, delegated), where _recompute_call reads and writes them, and which has
-- settings of its own and no listeners; there it must not notify, as Citus commits a transaction
-- that wrote on several nodes with PREPARE TRANSACTION, which a NOTIFY refuses.
CREATE FUNCTION callout._reclassify_tenant_calls(user_id text, since timestamptz,
                                                 min_connected_seconds double precision,
                                                 min_completed_seconds double precision,
                                                 notify boolean, instant timestamptz)
RETURNS bigint[]
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET lock_timeout = '1s'
AS $$
DECLARE
    call record;
    changed bigint[] := '{}';
BEGIN
    PERFORM callout._use_thresholds(min_connected_seconds, min_completed_seconds, notify);
    FOR call IN SELECT c.id, c.outcome FROM callout.call_log AS c
                WHERE c.user_id = _reclassify_tenant_calls.user_id AND c.status = 'ended'
                  AND (since IS NULL OR c.ended_at >= since)
                ORDER BY c.id FOR UPDATE LOOP
        IF callout._recompute_call(call.id, _reclassify_tenant_calls.user_id, instant)
           IS DISTINCT FROM call.outcome THEN
            changed := changed OPERATOR(pg_catalog.||) call.id;
        END IF;
    END LOOP;
    RETURN changed;
EXCEPTION WHEN lock_not_available THEN
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION callout._reclassify_tenant_calls(text, timestamptz, double precision, double precision, boolean, timestamptz) IS 'internal: recomputes one tenant''s ended calls under the given thresholds; the ids whose outcome changed';

-- Recomputes the ended calls (those that ended since `since`, or all) from their stored events
-- under the current settings, after the thresholds changed, tenant by tenant. Returns how many
-- outcomes changed. A tenant whose rows stay locked is passed over with a WARNING. On a
-- distributed callout each tenant's calls are recomputed on the node of its shards, which does
-- not notify: the changed outcomes are notified from here (callout.notify), as one node notifies
-- them. (The tenant's call is in FROM: Citus delegates a
-- call it plans there, not one PL/pgSQL evaluates as an expression.)
CREATE FUNCTION callout.reclassify_calls(since timestamptz DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    settings callout.ingest_settings := callout._ingest_settings();
    distributed boolean := callout._distributed();
    instant timestamptz := pg_catalog.now();
    tenant record;
    changed bigint[];
    count integer := 0;
    passed integer := 0;
BEGIN
    PERFORM callout._refuse_on_worker('reclassifies calls', 'Reclassify calls on the coordinator, which notifies the outcomes that change.');
    FOR tenant IN SELECT DISTINCT c.user_id FROM callout.call_log AS c
                  WHERE c.status = 'ended' AND (since IS NULL OR c.ended_at >= since)
                  ORDER BY c.user_id LOOP
        SELECT r INTO changed
        FROM callout._reclassify_tenant_calls(tenant.user_id, since, settings.min_connected_seconds,
                                              settings.min_completed_seconds,
                                              settings.notify AND NOT distributed, instant) AS r;
        IF changed IS NULL THEN
            passed := passed + 1;
            CONTINUE;
        END IF;
        count := count + pg_catalog.cardinality(changed);
        IF settings.notify AND distributed THEN
            PERFORM pg_catalog.pg_notify('callout_outcome', id::text) FROM pg_catalog.unnest(changed) AS id;
        END IF;
    END LOOP;
    PERFORM callout._warn_locked_tenants('reclassify_calls', passed);
    RETURN count;
END
$$;
COMMENT ON FUNCTION callout.reclassify_calls(timestamptz) IS 'recompute ended calls from their events under the current thresholds; returns how many outcomes changed';

-- Drops the raw payloads of events received before now() - older_than, keeping their ids (so
-- duplicates are still recognised), their normalized facts and the calls. Returns how many.
CREATE FUNCTION callout.purge_event_payloads(older_than interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    purged integer;
    pending integer;
BEGIN
    PERFORM callout._refuse_on_worker('purges', 'Purge on the coordinator: the pending events and the delivery counts are its own.');
    UPDATE callout.livekit_call_event AS e SET payload = NULL
    WHERE e.payload IS NOT NULL AND e.received_at < callout._cutoff(older_than);
    GET DIAGNOSTICS purged = ROW_COUNT;
    UPDATE callout.pending_event AS p SET payload = NULL
    WHERE p.payload IS NOT NULL AND p.received_at < callout._cutoff(older_than);
    GET DIAGNOSTICS pending = ROW_COUNT;
    RETURN purged + pending;
END
$$;
COMMENT ON FUNCTION callout.purge_event_payloads(interval) IS 'drop the payloads of events older than older_than, keeping ids and facts; returns how many';

-- Deletes the delivery counts of minutes before now() - older_than.
CREATE FUNCTION callout.purge_delivery_counts(older_than interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    purged integer;
BEGIN
    PERFORM callout._refuse_on_worker('purges', 'Purge on the coordinator: the pending events and the delivery counts are its own.');
    DELETE FROM callout.delivery_count AS d WHERE d.minute < callout._cutoff(older_than);
    GET DIAGNOSTICS purged = ROW_COUNT;
    DELETE FROM callout.key_usage AS u WHERE u.minute < callout._cutoff(older_than);
    RETURN purged;
END
$$;
COMMENT ON FUNCTION callout.purge_delivery_counts(interval) IS 'delete the delivery counts (and keys'' usage) of minutes older than older_than; returns how many delivery count rows';

-- Deletes unmatched events received before now() - older_than: they never found a call.
CREATE FUNCTION callout.purge_unmatched(older_than interval) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    purged integer;
    pending integer;
BEGIN
    PERFORM callout._refuse_on_worker('purges', 'Purge on the coordinator: the pending events and the delivery counts are its own.');
    DELETE FROM callout.livekit_call_event AS e
    WHERE e.call_log_id IS NULL AND e.received_at < callout._cutoff(older_than);
    GET DIAGNOSTICS purged = ROW_COUNT;
    DELETE FROM callout.pending_event AS p WHERE p.received_at < callout._cutoff(older_than);
    GET DIAGNOSTICS pending = ROW_COUNT;
    RETURN purged + pending;
END
$$;
COMMENT ON FUNCTION callout.purge_unmatched(interval) IS 'delete unmatched and pending events older than older_than; returns how many';

-- What arrived per minute or hour in [since, until): every delivery (received), the events
-- stored (processed: now matched to a call; or still unmatched), duplicates, conflicting duplicates,
-- ignored ones, rejections (in all and by reason), and the lag between an event's createdAt
-- and its arrival. For the owner, and the roles granted EXECUTE on it (monitoring): it spans
-- tenants, and runs with its owner's rights because the counts' table answers no other role.
CREATE FUNCTION callout.metrics(since timestamptz, until timestamptz, per text DEFAULT 'minute')
RETURNS TABLE (bucket timestamptz, received bigint, stored bigint, processed bigint,
               unmatched bigint, duplicates bigint, conflicting_duplicates bigint, ignored bigint,
               rejected bigint, rejected_by_reason jsonb, average_lag_seconds numeric,
               max_lag_seconds numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF since IS NULL OR until IS NULL THEN
        RAISE EXCEPTION 'since and until are required' USING ERRCODE = '22004';
    ELSIF per IS NULL OR per NOT IN ('minute', 'hour') THEN
        RAISE EXCEPTION 'per must be minute or hour' USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    WITH events AS (
        SELECT pg_catalog.date_trunc(per, e.received_at) AS bucket,
               pg_catalog.count(*) AS stored,
               pg_catalog.count(*) FILTER (WHERE e.call_log_id IS NOT NULL) AS matched,
               pg_catalog.round(pg_catalog.avg(extract(epoch FROM e.received_at - e.event_created_at)), 3) AS average_lag,
               pg_catalog.round(pg_catalog.max(extract(epoch FROM e.received_at - e.event_created_at)), 3) AS max_lag
        FROM (SELECT s.received_at, s.event_created_at, s.call_log_id FROM callout.livekit_call_event AS s
              WHERE s.received_at >= since AND s.received_at < until
              UNION ALL
              SELECT p.received_at, p.event_created_at, NULL FROM callout.pending_event AS p
              WHERE p.received_at >= since AND p.received_at < until) AS e
        GROUP BY 1
    ), counted AS (
        SELECT pg_catalog.date_trunc(per, d.minute) AS bucket,
               pg_catalog.sum(d.deliveries) FILTER (WHERE d.status = 'duplicate' AND d.reason = 'already processed') AS duplicates,
               pg_catalog.sum(d.deliveries) FILTER (WHERE d.status = 'duplicate' AND d.reason = 'conflicting_duplicate') AS conflicting,
               pg_catalog.sum(d.deliveries) FILTER (WHERE d.status = 'ignored') AS ignored,
               pg_catalog.sum(d.deliveries) FILTER (WHERE d.status = 'rejected') AS rejected,
               pg_catalog.sum(d.deliveries) AS deliveries
        FROM callout.delivery_count AS d
        WHERE d.minute >= pg_catalog.date_trunc('minute', since) AND d.minute < until
        GROUP BY 1
    ), reasons AS (
        SELECT r.bucket, pg_catalog.jsonb_object_agg(r.reason, r.deliveries) AS by_reason
        FROM (SELECT pg_catalog.date_trunc(per, d.minute) AS bucket, d.reason, pg_catalog.sum(d.deliveries) AS deliveries
              FROM callout.delivery_count AS d
              WHERE d.status = 'rejected' AND d.minute >= pg_catalog.date_trunc('minute', since) AND d.minute < until
              GROUP BY 1, 2) AS r
        GROUP BY r.bucket
    )
    SELECT b.bucket,
           (coalesce(e.stored, 0) + coalesce(c.deliveries, 0))::bigint,
           coalesce(e.stored, 0)::bigint, coalesce(e.matched, 0)::bigint,
           (coalesce(e.stored, 0) - coalesce(e.matched, 0))::bigint,
           coalesce(c.duplicates, 0)::bigint, coalesce(c.conflicting, 0)::bigint,
           coalesce(c.ignored, 0)::bigint, coalesce(c.rejected, 0)::bigint,
           coalesce(r.by_reason, '{}'::jsonb), e.average_lag, e.max_lag
    FROM (SELECT events.bucket FROM events UNION SELECT counted.bucket FROM counted) AS b
    LEFT JOIN events AS e ON e.bucket = b.bucket
    LEFT JOIN counted AS c ON c.bucket = b.bucket
    LEFT JOIN reasons AS r ON r.bucket = b.bucket
    ORDER BY b.bucket;
END
$$;
COMMENT ON FUNCTION callout.metrics(timestamptz, timestamptz, text) IS 'what arrived per minute or hour: received, stored (processed, unmatched), duplicates, conflicting duplicates, ignored, rejected by reason, and lag; for admins (it spans tenants)';
