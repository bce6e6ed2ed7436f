// Direct reads (direct_read.hpp).
#include <cstring>

#include "pg/direct_read.hpp"

extern "C" {
#include "access/xact.h"
#include "catalog/namespace.h"
#include "utils/lsyscache.h"
#include "catalog/pg_index.h"
#include "utils/snapmgr.h"
}

namespace callout::pg {

Oid callout_relation(const char* name) {
    Oid relid = get_relname_relid(name, get_namespace_oid("callout", false));
    if (!OidIsValid(relid))
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                        errmsg("relation callout.%s does not exist", name)));
    return relid;
}

Relation open_callout_index(const char* name) {
    Relation index = index_open(callout_relation(name), AccessShareLock);
    if (!index->rd_index->indisvalid)
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("index callout.%s is not valid", name),
                        errhint("REINDEX INDEX callout.%s", name)));
    return index;
}

AttrNumber column_of(Relation relation, const char* name) {
    TupleDesc descriptor = RelationGetDescr(relation);
    for (int i = 0; i < descriptor->natts; ++i) {
        Form_pg_attribute attribute = TupleDescAttr(descriptor, i);
        if (!attribute->attisdropped && std::strcmp(NameStr(attribute->attname), name) == 0)
            return attribute->attnum;
    }
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                    errmsg("column %s of relation callout.%s does not exist", name,
                           RelationGetRelationName(relation))));
    return InvalidAttrNumber;
}

Snapshot statement_snapshot() {
    CommandCounterIncrement();
    return RegisterSnapshot(GetTransactionSnapshot());
}

text* text_column(TupleTableSlot* slot, AttrNumber column) {
    bool is_null = false;
    Datum value = slot_getattr(slot, column, &is_null);
    return is_null ? nullptr : DatumGetTextPCopy(value);
}

std::optional<Datum> value_column(TupleTableSlot* slot, AttrNumber column) {
    bool is_null = false;
    Datum value = slot_getattr(slot, column, &is_null);
    if (is_null) return std::nullopt;
    return value;
}

bool column_is_null(TupleTableSlot* slot, AttrNumber column) {
    bool is_null = false;
    (void)slot_getattr(slot, column, &is_null);
    return is_null;
}

std::string_view text_view(const text* value) {
    if (value == nullptr) return {};
    return {VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)};
}

bool text_column_equals(TupleTableSlot* slot, AttrNumber column, const text* value) {
    bool is_null = false;
    Datum stored = slot_getattr(slot, column, &is_null);
    return !is_null && text_view(DatumGetTextPP(stored)) == text_view(value);
}

}  // namespace callout::pg
