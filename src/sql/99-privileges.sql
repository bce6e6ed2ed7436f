-- Nothing is callable or readable by PUBLIC: deployments grant on purpose (trust_gateway_role,
-- map_tenant_role and grant_api_roles grant what each kind of role needs).
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA callout FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA callout FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA callout FROM PUBLIC;

-- Monitoring, the way operators grant it: members of pg_monitor read callout.metrics (counts
-- across tenants, no tenant's data; it runs as the owner) and nothing else of callout's.
GRANT USAGE ON SCHEMA callout TO pg_monitor;
GRANT EXECUTE ON FUNCTION callout.metrics(timestamptz, timestamptz, text) TO pg_monitor;

-- Row-level security on every table of the schema, forced (its owner too): the tables with tenant
-- data have their policies (src/sql/50-tenancy.sql); keys, roles and counts have none, so no role
-- but a superuser reads or writes them, whatever is granted.
ALTER TABLE callout.signing_key ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.signing_key FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.phone_route ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.phone_route FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.gateway_role ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.gateway_role FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.tenant_role ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.tenant_role FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.delivery_count ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.delivery_count FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.rejected_delivery ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.rejected_delivery FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.pending_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.pending_event FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.key_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.key_usage FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.feed_consumer ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.feed_consumer FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.parked_delivery ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.parked_delivery FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.tenant_token_secret ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.tenant_token_secret FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.tenant_token_epoch ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.tenant_token_epoch FORCE ROW LEVEL SECURITY;
ALTER TABLE callout.room_tenant ENABLE ROW LEVEL SECURITY;
ALTER TABLE callout.room_tenant FORCE ROW LEVEL SECURITY;
