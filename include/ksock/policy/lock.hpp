// ksock/policy/lock.hpp: the locking policy of a stack (Linux's file_lock, socket
// locks and RCU collapse into one stack lock here).
//
// A lock policy is any type with lock() and unlock(): no_lock for a
// single-threaded firmware loop (free), std::mutex or ksock::spinlock for an
// RTOS or a host. Every system call of a stack holds it for its whole
// duration, so calls from several threads on one stack are serialised.
#pragma once

#include <ksock/platform.hpp>

namespace ksock {

template <class L>
concept lock_policy = requires(L& l) {
    l.lock();
    l.unlock();
};

//! No locking: one thread calls the stack (the default).
struct no_lock {
    //! Nothing to take.
    //!@{
    constexpr void lock() noexcept {}
    constexpr void unlock() noexcept {}
    //!@}
};

//! A test-and-set spinlock for an RTOS or SMP firmware without a mutex. The
//! byte is handled with the compiler's atomic builtins (platform.hpp), without
//! `<atomic>`'s compile-time cost; it starts at zero, so a constinit stack stays
//! in .bss. It is lock-free where the target exchanges a byte atomically
//! (platform::byte_atomics_lock_free: x86, AArch64, ARMv7-M and ARMv8-M with
//! LDREXB/STREXB, ...). On ARMv6-M (Cortex-M0/M0+) it does not compile: there
//! the builtins become library calls, and a single core needs a lock that
//! masks interrupts, or the RTOS's mutex, as the stack's lock policy.
//! LockFree is a parameter only so that the refusal can be tested anywhere.
template <bool LockFree = platform::byte_atomics_lock_free>
class basic_spinlock {
    static_assert(LockFree, "ksock::spinlock: the target has no lock-free atomic byte exchange "
                            "(ARMv6-M: Cortex-M0/M0+); use a lock that masks interrupts or the "
                            "RTOS's mutex as the stack's lock policy");
    bool f_ = false;

public:
    constexpr basic_spinlock() noexcept = default;
    //! Spin until the flag is ours.
    void lock() noexcept {
        while (platform::test_and_set_acquire(&f_))
            while (platform::load_relaxed(&f_)) {
            }
    }
    //! Release the flag.
    void unlock() noexcept { platform::clear_release(&f_); }
};
//! The spinlock of this target (see basic_spinlock).
using spinlock = basic_spinlock<>;

//! Holds \p L's lock for a scope (std::lock_guard for a lock_policy).
template <lock_policy L>
class lock_guard {
    L& l_;

public:
    //! Takes the lock.
    explicit constexpr lock_guard(L& l) noexcept : l_(l) { l_.lock(); }
    constexpr ~lock_guard() { l_.unlock(); }
    lock_guard(const lock_guard&) = delete;
    lock_guard& operator=(const lock_guard&) = delete;
};

} // namespace ksock
