-- Columns that show another table's: what they say is said once, on the table they come from.
-- The calls view's columns and get_call_outcome's are call_log's; the pending store's facts are
-- livekit_call_event's.
DO $$
DECLARE
    copied record;
BEGIN
    FOR copied IN
        SELECT pair.target, shown.attname, pg_catalog.col_description(pair.source, origin.attnum) AS description
        FROM (VALUES ('callout.calls'::pg_catalog.regclass, 'callout.call_log'::pg_catalog.regclass),
                     ('callout.call_outcome_info', 'callout.call_log'),
                     ('callout.pending_event', 'callout.livekit_call_event')) AS pair (target, source)
        JOIN pg_catalog.pg_attribute AS shown ON shown.attrelid = pair.target AND shown.attnum > 0
        JOIN pg_catalog.pg_attribute AS origin ON origin.attrelid = pair.source AND origin.attname = shown.attname
        WHERE pg_catalog.col_description(pair.target, shown.attnum) IS NULL
    LOOP
        EXECUTE pg_catalog.format('COMMENT ON COLUMN %s.%I IS %L', copied.target, copied.attname, copied.description);
    END LOOP;
END
$$;
