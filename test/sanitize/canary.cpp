// A canary for the sanitize suite, never part of callout: C functions that make each sanitizer
// report, so the suite proves that a report from a backend is written where it looks for them.
// test/run builds it with the asan variant's flags and creates its functions in a scratch
// database of the sanitizer cluster.
extern "C" {
#include "postgres.h"
#include "fmgr.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(canary_heap_overflow);
PG_FUNCTION_INFO_V1(canary_signed_overflow);
}

// Writes one byte past a heap block of `size` bytes: AddressSanitizer reports a
// heap-buffer-overflow (the size is the argument, so UBSan's object-size check cannot see it).
extern "C" Datum canary_heap_overflow(PG_FUNCTION_ARGS) {
    int32 size = PG_GETARG_INT32(0);
    volatile char* block = static_cast<volatile char*>(malloc(size));
    block[size] = 1;
    free(const_cast<char*>(block));
    PG_RETURN_VOID();
}

// Adds one to its argument: at INT_MAX, UndefinedBehaviorSanitizer reports a signed overflow.
extern "C" Datum canary_signed_overflow(PG_FUNCTION_ARGS) {
    int32 value = PG_GETARG_INT32(0);
    PG_RETURN_INT32(value + 1);
}
