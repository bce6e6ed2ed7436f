-- callout's housekeeping on pg_cron (Debian: postgresql-MAJOR-cron; shared_preload_libraries =
-- 'pg_cron', cron.database_name = the database with callout). Run once, in that database, as
-- callout's owner (a superuser): each job runs as the role that scheduled it. Scheduling a job
-- again under its name replaces it. `make test-tools` runs this file on a cluster that loads
-- pg_cron and checks that each job runs and does its work.
--   psql -d DATABASE -f operations/pg_cron.sql

-- Open calls that heard nothing for six hours (LiveKit dropped their end): expired, their room
-- names free again. Longer than your longest call.
SELECT cron.schedule('callout-expire-stale-calls', '*/10 * * * *',
                     $$SELECT callout.expire_stale_calls('6 hours')$$);
-- Events no call claimed within a day: deleted (and the pending store's).
SELECT cron.schedule('callout-purge-unmatched', '15 * * * *',
                     $$SELECT callout.purge_unmatched('1 day')$$);
-- Raw payloads after 90 days: dropped; ids (duplicates are still recognized), facts and calls stay.
SELECT cron.schedule('callout-purge-event-payloads', '30 3 * * *',
                     $$SELECT callout.purge_event_payloads('90 days')$$);
-- Per-minute delivery counts (callout.metrics) and keys' usage after 30 days: deleted.
SELECT cron.schedule('callout-purge-delivery-counts', '45 3 * * *',
                     $$SELECT callout.purge_delivery_counts('30 days')$$);
-- The outcome feed needs no purge: a call's position lives on its row, kept as long as the call.
