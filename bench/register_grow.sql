-- Grows the register scenario's call_log to :open open calls, as other connections registering
-- calls would (one INSERT as the superuser: what register_call writes for a call in a room of
-- its own), spread over the tenants as registrations are (bench.tenant). psql variables: open,
-- tenants.
\set ON_ERROR_STOP 1
SET synchronous_commit = off;
SELECT :open - count(*) AS missing FROM callout.call_log AS c WHERE callout._is_open(c.status) \gset
INSERT INTO callout.call_log (user_id, room_name, direction, phone_number, campaign_id)
SELECT bench.tenant(i, :tenants), 'outbound-campaign-4711-lead-' || lpad(i::text, 7, '0') || '-grown',
       'outbound', '+1555' || lpad((i % 10000000)::text, 7, '0'), '4711'
FROM generate_series(1, greatest(:missing, 0)) AS i;
