// Preloaded after the AddressSanitizer runtime into the sanitizer cluster's server. The server
// binary is not instrumented, so the runtime initializes on the first malloc, which happens in
// libgpg-error's constructor while it holds gettext's lock; the runtime then looks up
// `swift_demangle` and, when that lookup fails, calls dlerror(), which takes the same lock: the
// server hangs before main. With this stub found, the lookup succeeds and nothing is translated.
// It demangles nothing (NULL: "not a Swift name"), which is all the runtime asks of it.
#include <cstddef>

// The signature the sanitizer runtime expects of Swift's demangler.
extern "C" char* swift_demangle(const char*, size_t, char*, size_t*, unsigned int) {
    return nullptr;
}
