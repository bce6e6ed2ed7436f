-- Nothing is callable or readable by PUBLIC: deployments grant on purpose (trust_gateway_role,
-- map_tenant_role and grant_api_roles grant what each kind of role needs).
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA callout FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA callout FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA callout FROM PUBLIC;
