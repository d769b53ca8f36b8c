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
    constexpr void lock() noexcept {}
    constexpr void unlock() noexcept {}
};

//! A test-and-set spinlock for an RTOS or SMP firmware without a mutex. The
//! byte is handled with the compiler's atomic builtins (platform.hpp), lock-free on every
//! target (LDREXB/STREXB on Cortex-M3) and without <atomic>'s compile-time
//! cost; it starts at zero, so a constinit stack stays in .bss.
class spinlock {
    bool f_ = false;

public:
    constexpr spinlock() noexcept = default;
    void lock() noexcept {
        while (platform::test_and_set_acquire(&f_))
            while (platform::load_relaxed(&f_)) {
            }
    }
    void unlock() noexcept { platform::clear_release(&f_); }
};

template <lock_policy L>
class lock_guard {
    L& l_;

public:
    explicit constexpr lock_guard(L& l) noexcept : l_(l) { l_.lock(); }
    constexpr ~lock_guard() { l_.unlock(); }
    lock_guard(const lock_guard&) = delete;
    lock_guard& operator=(const lock_guard&) = delete;
};

} // namespace ksock
