// The C++/PostgreSQL boundary (DESIGN.md §2). Every SQL-callable function is declared with
// CALLOUT_SQL_FUNCTION, whose extern "C" entry point runs the C++ body inside call_guarded: no
// C++ exception leaves the module, and PostgreSQL's error is raised only after the catch block
// has closed. The reverse direction, a PostgreSQL error inside a frame that owns C++ objects,
// goes through pg_guard, which turns the longjmp into a C++ exception.
#pragma once

#include <exception>
#include <string>
#include <type_traits>
#include <utility>

extern "C" {
#include "postgres.h"
#include "fmgr.h"
}

namespace callout::pg {

// An error the bridge raises itself, carrying the SQLSTATE it should reach the client with.
class SqlError : public std::exception {
  public:
    SqlError(int sqlstate, std::string message, std::string detail = {})
        : sqlstate_(sqlstate), message_(std::move(message)), detail_(std::move(detail)) {}
    int sqlstate() const noexcept { return sqlstate_; }
    const char* what() const noexcept override { return message_.c_str(); }
    const std::string& detail() const noexcept { return detail_; }

  private:
    int sqlstate_;
    std::string message_;
    std::string detail_;
};

// A PostgreSQL error caught by pg_guard, kept (copied into the caller's memory context) so the
// entry point can re-raise it unchanged once every C++ frame has unwound.
class PgError : public std::exception {
  public:
    explicit PgError(ErrorData* data) noexcept : data_(data) {}
    ErrorData* data() const noexcept { return data_; }
    const char* what() const noexcept override { return data_->message ? data_->message : ""; }

  private:
    ErrorData* data_;
};

// Runs fn, which may call into PostgreSQL, and turns a PostgreSQL error into PgError so that the
// C++ frames between here and the entry point unwind normally (running their destructors). A
// C++ exception from fn is caught inside PG_TRY and rethrown after PG_END_TRY, so it never
// leaves PostgreSQL's error stack pointing at this frame.
template <typename Fn>
void pg_guard(Fn&& fn) {
    MemoryContext caller_context = CurrentMemoryContext;
    ErrorData* volatile caught = nullptr;
    std::exception_ptr thrown;
    PG_TRY();
    {
        try {
            fn();
        } catch (...) {
            thrown = std::current_exception();
        }
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(caller_context);
        caught = CopyErrorData();
        FlushErrorState();
    }
    PG_END_TRY();
    if (thrown) std::rethrow_exception(thrown);
    if (caught != nullptr) throw PgError(caught);
}

// Bridge frames that call PostgreSQL may hold only data a longjmp can skip: use this on every
// struct such a frame keeps.
#define CALLOUT_PLAIN_DATA(type)                                   \
    static_assert(std::is_trivially_destructible_v<type>, #type    \
                  " must stay plain data: a PostgreSQL error may " \
                  "longjmp past a frame that holds it")

// A growing array of plain data in memory from PostgreSQL's allocators, with room made for one
// more item at count: twice the capacity when full (first items, allocated in context, while
// there is no array yet). Every growing array of the bridge grows through it.
template <typename T, typename Size>
T* with_room_for_one_more(T* items, Size count, Size& capacity, Size first = 4,
                          MemoryContext context = CurrentMemoryContext) {
    CALLOUT_PLAIN_DATA(T);
    if (count < capacity) return items;
    capacity = capacity == 0 ? first : capacity * 2;
    const std::size_t bytes = sizeof(T) * std::size_t(capacity);
    return static_cast<T*>(items == nullptr ? MemoryContextAlloc(context, bytes)
                                            : repalloc(items, bytes));
}

using SqlFunctionBody = Datum (*)(FunctionCallInfo);

// Runs the body of a SQL-callable function; any C++ exception becomes an ERROR with a SQLSTATE.
Datum call_guarded(SqlFunctionBody body, FunctionCallInfo fcinfo);

}  // namespace callout::pg

// Declares a SQL-callable function `name`: the body that follows is C++ and may throw.
#define CALLOUT_SQL_FUNCTION(name)                             \
    static Datum name##_body(FunctionCallInfo fcinfo);         \
    extern "C" {                                               \
    PG_FUNCTION_INFO_V1(name);                                 \
    Datum name(PG_FUNCTION_ARGS) {                             \
        return callout::pg::call_guarded(name##_body, fcinfo); \
    }                                                          \
    }                                                          \
    static Datum name##_body(FunctionCallInfo fcinfo)
