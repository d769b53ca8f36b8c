// ksock/lock.hpp: the locking policy of a stack (Linux's file_lock, socket
// locks and RCU collapse into one stack lock here).
//
// A lock policy is any type with lock() and unlock(): no_lock for a
// single-threaded firmware loop (free), std::mutex or a spinlock for an RTOS
// or a host. Every public call of a stack holds it for its whole duration.
#pragma once

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
