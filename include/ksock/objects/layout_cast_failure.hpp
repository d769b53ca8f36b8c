// ksock/objects/layout_cast_failure.hpp: what a checked layout cast does when
// the object is not what the cast says (tcp_sk() of a UDP socket's sock):
// report which cast and which object, then stop.
//
// Linux's casts are unchecked; ksock's check them in debug builds
// (KSOCK_CHECKED_CASTS, layout.hpp). A failure calls the handler the
// program installed with set_layout_cast_handler() (a firmware's fault
// logger), or else prints one line to stderr, and then stops with
// KSOCK_ASSERT_FAIL (a trap unless the program defines it): the cast has no
// valid result to return. With the checks off (NDEBUG) nothing is checked
// and a wrong cast is undefined behaviour, as in C.
#pragma once

#include <cstdio>

#include <ksock/objects/sock.hpp>
#include <ksock/platform.hpp>

//! What a failed run-time check does after reporting; a firmware build may
//! route it to its own fault handler by defining KSOCK_ASSERT_FAIL(msg)
//! before including ksock.
#ifndef KSOCK_ASSERT_FAIL
#define KSOCK_ASSERT_FAIL(msg) ::ksock::platform::trap()
#endif

namespace ksock {

//! A failed layout cast: the cast, the type it wanted, the object it got.
struct layout_cast_failure {
    const char* cast;   //!< the cast's name: "tcp_sk", "unix_sk", "sk_cast"
    const char* target; //!< the type it casts to: "ksock::inet::tcp_sock"
    const sock* sk;     //!< the object
    const char* proto;  //!< the object's proto (sk->sk_prot->name): "UDP"
    int family;         //!< sk_family
    int type;           //!< sk_type
    int protocol;       //!< sk_protocol
};

//! A handler for failed layout casts. It may log, reset the device or not
//! return; if it returns, KSOCK_ASSERT_FAIL stops the program.
using layout_cast_handler = void (*)(const layout_cast_failure&) noexcept;

namespace detail {
//! The installed handler; null (the default, in .bss) prints to stderr.
inline layout_cast_handler layout_cast_hook = nullptr;
} // namespace detail

//! Install \p h as the handler of failed layout casts (null: the default,
//! one line on stderr); returns the previous one.
inline layout_cast_handler set_layout_cast_handler(layout_cast_handler h) noexcept {
    const layout_cast_handler old = detail::layout_cast_hook;
    detail::layout_cast_hook = h;
    return old;
}

//! The default report: "ksock: layout cast tcp_sk to ksock::inet::tcp_sock
//! failed: sock 0x... belongs to proto UDP (family 2, type 2, protocol 17),
//! whose object does not begin with ksock::inet::tcp_sock".
inline void print_layout_cast_failure(const layout_cast_failure& f) noexcept {
    std::fprintf(stderr,
                 "ksock: layout cast %s to %s failed: sock %p belongs to proto %s (family %d, "
                 "type %d, protocol %d), whose object does not begin with %s\n",
                 f.cast, f.target, static_cast<const void*>(f.sk), f.proto, f.family, f.type,
                 f.protocol, f.target);
}

namespace detail {
//! Out of line and cold: the check's failure path stays out of the caller.
[[noreturn]] KSOCK_NOINLINE KSOCK_COLD inline void
layout_cast_failed(const char* cast, const char* target, const sock* sk) noexcept {
    const layout_cast_failure f{
        cast, target, sk, sk->sk_prot()->name, sk->sk_family(), sk->sk_type, sk->sk_protocol};
    if (layout_cast_hook)
        layout_cast_hook(f);
    else
        print_layout_cast_failure(f);
    KSOCK_ASSERT_FAIL("ksock: layout cast to a type the object does not begin with");
    platform::trap(); // a KSOCK_ASSERT_FAIL that returns still must not
}
} // namespace detail

} // namespace ksock
