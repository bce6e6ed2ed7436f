-- The outcome feed: the calls whose outcome was recorded or changed, in the order they were, read
-- by position, so an application that was not listening (a deploy, a crash) misses nothing that
-- NOTIFY would have told it. A call's position is (feed_xact, id): feed_xact is set by the UPDATE
-- that records or changes its outcome (src/pg/call_row.hpp) to that transaction's id. A call holds
-- one position, its latest: a change moves it to the end.
--
-- Transaction ids are handed out before their transactions commit, so positions are read only
-- below the oldest transaction still running (pg_snapshot_xmin of the reader's snapshot). Every
-- position read so far is below the id of any transaction running then or started since, and so
-- below any position such a transaction writes: nothing appears later at a position a reader went
-- past, and a call's later change comes after its earlier one (a change in the same transaction
-- leaves the call where it is, seen once with its last outcome). A long transaction holds the
-- feed back until it ends.

-- On a distributed callout (callout.distribute) the feed's order would be no order: each node
-- hands out transaction ids of its own, and a consumer that read and acknowledged past one node's
-- position would pass over another node's outcomes for good. So consume_outcomes and
-- acknowledge_outcomes refuse there (0A000), as Citus refuses to plan outcome_changes (its
-- parameters), until the feed has an order of the cluster's; notifications come from the
-- coordinator (callout.notify). Called by those functions, as the owner.
CREATE FUNCTION callout._refuse_distributed_feed() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF callout._distributed() THEN
        RAISE EXCEPTION 'the outcome feed is not available on a distributed callout'
            USING ERRCODE = '0A000',
                  DETAIL = 'The feed orders outcomes by transaction ids, which order nothing across Citus''s nodes.',
                  HINT = 'LISTEN callout_outcome on the coordinator (callout.notify).';
    END IF;
END
$$;
COMMENT ON FUNCTION callout._refuse_distributed_feed() IS 'internal: refuses the outcome feed on a distributed callout (0A000)';

-- The calls the reader may see (row-level security: a tenant its own, an auditor every tenant's)
-- that entered the feed after (after_xact, after_call_id), oldest first, at most max. Pass the last
-- row's feed_xact and call_id to read on. STRICT: a NULL reads nothing (half a position would
-- otherwise read on from the next transaction, and a NULL max the whole feed).
CREATE FUNCTION callout.outcome_changes(after_xact xid8 DEFAULT '0', after_call_id bigint DEFAULT 0,
                                        max integer DEFAULT 100)
RETURNS TABLE (feed_xact xid8, call_id bigint, user_id text, status callout.call_status,
               outcome callout.call_outcome, updated_at timestamptz)
LANGUAGE sql STABLE STRICT SECURITY INVOKER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT c.feed_xact, c.id, c.user_id, c.status, c.outcome, c.updated_at
    FROM callout.call_log AS c
    WHERE (c.feed_xact, c.id) > (outcome_changes.after_xact, outcome_changes.after_call_id)
      AND c.feed_xact < pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())
    ORDER BY c.feed_xact, c.id
    LIMIT outcome_changes.max
$$;
COMMENT ON FUNCTION callout.outcome_changes(xid8, bigint, integer) IS 'the calls the reader may see whose outcome was recorded or changed after a feed position, in feed order';

-- Named consumers of the feed and the position each acknowledged, per reader: a tenant's consumers
-- are its own (whoever acts for it), and a reader of every tenant (an auditor, a superuser) has
-- its own, by role, so none moves another's. Read and written only through consume_outcomes and
-- acknowledge_outcomes.
CREATE TABLE callout.feed_consumer (
    tenant text NOT NULL,
    reader regrole NOT NULL,
    name text NOT NULL CHECK (name <> ''),
    feed_xact xid8 NOT NULL DEFAULT '0',
    call_id bigint NOT NULL DEFAULT 0,
    acknowledged_at timestamptz,
    PRIMARY KEY (tenant, reader, name));
COMMENT ON TABLE callout.feed_consumer IS 'named consumers of the outcome feed and the position each acknowledged';
COMMENT ON COLUMN callout.feed_consumer.tenant IS 'the tenant whose consumer it is, or '''' for a consumer of every tenant''s changes';
COMMENT ON COLUMN callout.feed_consumer.reader IS 'for a consumer of every tenant''s changes, the role that reads them (an auditor or a superuser); 0 for a tenant''s';
COMMENT ON COLUMN callout.feed_consumer.name IS 'the consumer''s name, chosen by the application';
COMMENT ON COLUMN callout.feed_consumer.feed_xact IS 'the acknowledged position: its transaction';
COMMENT ON COLUMN callout.feed_consumer.call_id IS 'the acknowledged position: its call';
COMMENT ON COLUMN callout.feed_consumer.acknowledged_at IS 'when the consumer last acknowledged; NULL before its first';
SELECT pg_catalog.pg_extension_config_dump('callout.feed_consumer', '');

-- The named consumer of the caller (made at its first use): the tenant it acts for; else, for an
-- auditor or a superuser, which read every tenant's calls, its own by role. Anyone else reads no
-- feed (42501). Read without a lock, and written only when it is made: a poll takes no
-- transaction id and writes nothing (two sessions polling one consumer are each handed the same
-- changes, at least once; acknowledgements only move it forward).
-- Its name and tenant are indexed, so each within what a call's tenant may be (max_key_bytes).
CREATE FUNCTION callout._feed_consumer(name text) RETURNS callout.feed_consumer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    acting_for text := callout.current_user_id();
    reading_role oid := 0;
    consumer callout.feed_consumer;
    key_bytes integer := (SELECT s.max_key_bytes FROM callout._ingest_settings() AS s);
BEGIN
    IF name IS NULL OR name = '' THEN
        RAISE EXCEPTION 'a consumer needs a name' USING ERRCODE = '22023';
    ELSIF GREATEST(pg_catalog.octet_length(name), pg_catalog.octet_length(acting_for)) > key_bytes THEN
        RAISE EXCEPTION 'a consumer''s name or tenant is too long to store' USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Each holds at most %s bytes.', key_bytes);
    ELSIF acting_for IS NULL THEN
        reading_role := callout._invoking_role();
        IF NOT (callout.is_auditor()
                OR (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.oid = reading_role)) THEN
            RAISE EXCEPTION 'only a tenant, an auditor or a superuser consumes the outcome feed'
                USING ERRCODE = '42501', HINT = 'A gateway sets the tenant it acts for first.';
        END IF;
        acting_for := '';
    END IF;
    SELECT * INTO consumer FROM callout.feed_consumer AS f
    WHERE f.tenant = acting_for AND f.reader = reading_role::regrole AND f.name = _feed_consumer.name;
    IF NOT FOUND THEN
        INSERT INTO callout.feed_consumer AS f (tenant, reader, name)
        VALUES (acting_for, reading_role::regrole, _feed_consumer.name) ON CONFLICT DO NOTHING;
        SELECT * INTO consumer FROM callout.feed_consumer AS f
        WHERE f.tenant = acting_for AND f.reader = reading_role::regrole AND f.name = _feed_consumer.name;
    END IF;
    RETURN consumer;
END
$$;
COMMENT ON FUNCTION callout._feed_consumer(text) IS 'internal: the caller''s named consumer of the outcome feed, made at its first use';

-- The changes after what the named consumer acknowledged (it is made at the start), as
-- outcome_changes answers them to the caller. At least once: a consumer that stops before it
-- acknowledges reads the same changes again, and none it acknowledged.
CREATE FUNCTION callout.consume_outcomes(consumer text, max integer DEFAULT 100)
RETURNS TABLE (feed_xact xid8, call_id bigint, user_id text, status callout.call_status,
               outcome callout.call_outcome, updated_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    acknowledged callout.feed_consumer;
BEGIN
    PERFORM callout._refuse_distributed_feed();
    acknowledged := callout._feed_consumer(consumer);
    IF max IS NULL THEN
        RAISE EXCEPTION 'max must not be NULL' USING ERRCODE = '22004';
    END IF;
    RETURN QUERY
    SELECT c.feed_xact, c.id, c.user_id, c.status, c.outcome, c.updated_at
    FROM callout.call_log AS c
    WHERE (c.feed_xact, c.id) > (acknowledged.feed_xact, acknowledged.call_id)
      AND c.feed_xact < pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot())
      AND (acknowledged.tenant = '' OR c.user_id = acknowledged.tenant)
    ORDER BY c.feed_xact, c.id
    LIMIT consume_outcomes.max;
END
$$;
COMMENT ON FUNCTION callout.consume_outcomes(text, integer) IS 'the outcome feed''s changes after what the named consumer acknowledged (the caller''s tenant''s, or every tenant''s for an auditor or a superuser)';

-- Records that the named consumer has handled every change up to this position; a position
-- before the one acknowledged already leaves it (false). The consumer reads on after it. A
-- position the feed has not reached (at or past the oldest transaction still running) was
-- handed to no reader, and would pass over every change before it for good: refused (22023).
CREATE FUNCTION callout.acknowledge_outcomes(consumer text, feed_xact xid8, call_id bigint)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    acknowledged callout.feed_consumer;
BEGIN
    PERFORM callout._refuse_distributed_feed();
    acknowledged := callout._feed_consumer(consumer);
    IF feed_xact IS NULL OR call_id IS NULL THEN
        RAISE EXCEPTION 'a position needs its feed_xact and call_id' USING ERRCODE = '22004';
    ELSIF feed_xact >= pg_catalog.pg_snapshot_xmin(pg_catalog.pg_current_snapshot()) THEN
        RAISE EXCEPTION 'the outcome feed has not reached this position' USING ERRCODE = '22023',
            HINT = 'Acknowledge a position consume_outcomes or outcome_changes handed.';
    END IF;
    UPDATE callout.feed_consumer AS f
    SET feed_xact = acknowledge_outcomes.feed_xact, call_id = acknowledge_outcomes.call_id,
        acknowledged_at = pg_catalog.now()
    WHERE f.tenant = acknowledged.tenant AND f.reader = acknowledged.reader AND f.name = acknowledged.name
      AND (f.feed_xact, f.call_id) < (acknowledge_outcomes.feed_xact, acknowledge_outcomes.call_id);
    RETURN FOUND;
END
$$;
COMMENT ON FUNCTION callout.acknowledge_outcomes(text, xid8, bigint) IS 'the named consumer has handled the outcome feed up to this position; false if it had acknowledged as far already';
