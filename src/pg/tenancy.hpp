// Who is who, as the tenant tokens ask it (DESIGN.md §7): read from callout.gateway_role and the
// role catalogs directly, as tenancy_functions.cpp's SQL functions read them.
#pragma once

extern "C" {
#include "postgres.h"
}

namespace callout::pg {

// The first trusted gateway role whose session could act as role (SET ROLE): the gateway role or
// one of its members, no superuser, is a member of role. InvalidOid for none.
Oid gateway_acting_as(Oid role);

}  // namespace callout::pg
