// The one place where C++ exceptions become PostgreSQL errors.
#include <cstring>
#include <new>

#include "pg/boundary.hpp"

namespace callout::pg {

namespace {

// Copies a message into a fixed buffer that outlives the catch block (plain data only),
// cutting a too-long message on a UTF-8 character boundary.
void copy_message(char* buffer, std::size_t size, const char* text) {
    std::size_t length = text != nullptr ? std::strlen(text) : 0;
    if (length >= size) {
        length = size - 1;
        while (length > 0 && (static_cast<unsigned char>(text[length]) & 0xC0) == 0x80) --length;
    }
    if (length > 0) std::memcpy(buffer, text, length);
    buffer[length] = '\0';
}

}  // namespace

// Catches everything the body can throw, copies the message out, lets the catch block close
// (destroying the exception object), and only then raises the PostgreSQL error. A body that
// raises a PostgreSQL error itself holds only plain data on its frame, so that longjmp passes
// through here harmlessly.
Datum call_guarded(SqlFunctionBody body, FunctionCallInfo fcinfo) {
    int sqlstate = ERRCODE_INTERNAL_ERROR;
    char message[1024];
    char detail[1024];
    ErrorData* postgres_error = nullptr;
    message[0] = detail[0] = '\0';

    try {
        return body(fcinfo);
    } catch (const PgError& error) {
        postgres_error = error.data();
    } catch (const SqlError& error) {
        sqlstate = error.sqlstate();
        copy_message(message, sizeof message, error.what());
        copy_message(detail, sizeof detail, error.detail().c_str());
    } catch (const std::bad_alloc&) {
        sqlstate = ERRCODE_OUT_OF_MEMORY;
        copy_message(message, sizeof message, "out of memory in callout");
    } catch (const std::exception& error) {
        copy_message(message, sizeof message, "unexpected C++ exception in callout");
        copy_message(detail, sizeof detail, error.what());
    } catch (...) {
        copy_message(message, sizeof message, "unexpected C++ exception in callout");
        copy_message(detail, sizeof detail, "The exception is not a std::exception.");
    }

    if (postgres_error != nullptr) ReThrowError(postgres_error);
    ereport(ERROR, (errcode(sqlstate), errmsg("%s", message),
                    detail[0] != '\0' ? errdetail("%s", detail) : 0));
    pg_unreachable();
}

}  // namespace callout::pg
