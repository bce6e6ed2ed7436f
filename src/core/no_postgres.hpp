// The header firewall: src/core is plain C++17 and must never see PostgreSQL's headers, whose
// macros (snprintf, Min, Max, _) would rewrite standard-library code. Bridge files include
// every core header before postgres.h, so this check also catches a wrong include order.
// Deliberately without an include guard: every core header re-runs the check.

#if defined(POSTGRES_H) || defined(C_H)
#error "src/core headers must be included before (and never together with) PostgreSQL headers"
#endif
