// ksock/objects/kfunc.hpp: names of the kernel functions that Linux stores in
// a socket's callback, timer and destructor pointers.
//
// Linux keeps function pointers in `struct sock` (sk_data_ready, sk_destruct,
// timer handlers, icsk_af_ops ...). ksock has no function pointers on its
// objects: it records *which* kernel function Linux would have installed as
// a one-byte id, so the value is constexpr, fits the default images, can be
// compared in tests and printed by the trace.
//
// The ids belong to whoever owns the function: the socket core's callbacks
// are named here (ids below kfunc_family_base), a family names its own in
// its folder, from the base of a kfunc_table it registers with the family
// (PF_INET: inet/inet_kfunc.hpp, PF_UNIX: unix/unix_kfunc.hpp), so a new
// family adds callbacks without touching this file.
#pragma once

#include <cstdint>

namespace ksock {

//! The kernel function Linux would have stored in a callback, timer or destructor pointer, as a
//! one-byte id: the socket core's are named here, a family's start at kfunc_family_base.
enum class kfunc : std::uint8_t {
    none = 0,
    // sock_init_data (net/core/sock.c)
    sock_def_wakeup,
    sock_def_readable,
    sock_def_write_space,
    sock_def_error_report,
    sock_def_destruct,
    // net/core/stream.c
    sk_stream_write_space,
};

//! The first id a family may use; ids below it are the core's.
inline constexpr std::uint8_t kfunc_family_base = 16;

//! A family's callback names: ids [base, base + count), names[id - base].
struct kfunc_table {
    std::uint8_t base;        //!< the table's first id (kfunc_family_base or above)
    std::uint8_t count;       //!< how many ids the table names
    const char* const* names; //!< the kernel's function names, names[id - base]

    //! The name of \p f, or null when \p f is not in this table.
    constexpr const char* name(kfunc f) const noexcept {
        const unsigned i = static_cast<unsigned>(f) - base;
        return static_cast<unsigned>(f) >= base && i < count ? names[i] : nullptr;
    }
    //! Whether the two tables' id ranges meet (two families may not share ids unless same_as).
    constexpr bool overlaps(const kfunc_table& o) const noexcept {
        return base < o.base + o.count && o.base < base + count;
    }
    //! The same ids with the same names: the one table of a create policy
    //! that two families share. Compared by content, not by address: the
    //! addresses of two variables are not constants to a sanitized build.
    constexpr bool same_as(const kfunc_table& o) const noexcept {
        if (base != o.base || count != o.count)
            return false;
        for (unsigned i = 0; i < count; ++i) {
            const char* a = names[i];
            const char* b = o.names[i];
            while (*a && *a == *b) {
                ++a;
                ++b;
            }
            if (*a != *b)
                return false;
        }
        return true;
    }
};

//! The kernel's name for one of the core's callbacks (\p f below
//! kfunc_family_base), or null for a family's.
constexpr const char* kfunc_core_name(kfunc f) noexcept {
    switch (f) {
    case kfunc::none:
        return "NULL";
    case kfunc::sock_def_wakeup:
        return "sock_def_wakeup";
    case kfunc::sock_def_readable:
        return "sock_def_readable";
    case kfunc::sock_def_write_space:
        return "sock_def_write_space";
    case kfunc::sock_def_error_report:
        return "sock_def_error_report";
    case kfunc::sock_def_destruct:
        return "sock_def_destruct";
    case kfunc::sk_stream_write_space:
        return "sk_stream_write_space";
    default:
        return nullptr;
    }
}

//! The name of one of the core's callbacks, else "?".
constexpr const char* kfunc_name(kfunc f) noexcept {
    const char* n = kfunc_core_name(f);
    return n ? n : "?";
}

//! The name of \p f from the core's names or \p table's, else "?".
constexpr const char* kfunc_name(kfunc f, const kfunc_table& table) noexcept {
    if (const char* n = kfunc_core_name(f))
        return n;
    const char* n = table.name(f);
    return n ? n : "?";
}

} // namespace ksock
