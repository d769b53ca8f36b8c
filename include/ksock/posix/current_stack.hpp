// ksock/posix/current_stack.hpp: the one stack the POSIX free functions
// (<ksock/posix/sys/socket.h> and its siblings) call. A BSD program names no
// stack in its calls, so it names it once, here:
//
//   - nothing: a ksock::default_stack of the library's own, made on the
//     first call (constant-initialized, so in .bss, with no guard);
//   - its own object: ksock::posix::use_stack(s) before the first call;
//   - another type: -DKSOCK_POSIX_STACK=my_stack for every file of the
//     program (the functions are inline, so every file must agree).
//
// The layer's own state (getaddrinfo's results pool) has a lock of its own,
// of the stack's lock policy: a program whose stack is called from several
// threads chose a lock that serves them, and the layer's state needs the
// same. It is another object than the stack's lock (which the stack keeps
// private), so holding it never waits on a socket call.
#pragma once

#ifndef KSOCK_POSIX_STACK
#include <ksock/default_config.hpp>
#define KSOCK_POSIX_STACK ::ksock::default_stack
#endif

namespace ksock::posix {

//! The stack type the free functions call.
using stack_type = KSOCK_POSIX_STACK;
//! The lock of the layer's own state: the stack's lock policy.
using lock_type = typename stack_type::config::lock;

namespace detail {
//! The program's stack, or null while it has handed none.
inline stack_type* bound_stack = nullptr;
//! The layer's lock (no_lock: nothing at all). Constant-initialized for
//! every policy with a constexpr constructor (no_lock, spinlock,
//! std::mutex), so usable before main().
inline lock_type layer_lock{};
} // namespace detail

//! Make \p s the stack of every following POSIX call (before the first call,
//! or from the one thread that makes them: the pointer is not atomic).
inline void use_stack(stack_type& s) noexcept {
    detail::bound_stack = &s;
}

//! The stack the POSIX calls use now.
inline stack_type& current_stack() noexcept {
    if (stack_type* s = detail::bound_stack)
        return *s;
    static stack_type own;
    return own;
}

} // namespace ksock::posix
