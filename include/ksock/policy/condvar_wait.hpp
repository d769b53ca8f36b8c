// ksock/policy/condvar_wait.hpp: a blocking wait policy on a condition variable, for
// stacks shared by threads (host, RTOS with a C++ thread library). The stack
// lock (Config::lock, e.g. std::mutex or ksock::spinlock) is released while a
// call sleeps, as Linux's sk_wait_event releases the socket lock.
//
//   struct cfg : ksock::default_config {
//       using lock = std::mutex;
//       using wait = ksock::condvar_wait;
//   };
#pragma once

#include <chrono>
#include <climits>
#include <condition_variable>

#include <ksock/runtime/jiffies.hpp>

namespace ksock {

//! A blocking wait policy on a std::condition_variable_any: the stack's lock is released while a
//! call sleeps.
struct condvar_wait {
    static constexpr bool can_block = true; //!< calls may sleep

    //! Every state change the callbacks report wakes every sleeper; each
    //! re-checks its own condition (Linux's wait queues with autoremove).
    void wake_all() noexcept { cv_.notify_all(); }

    //! Sleep until woken or until \p timeo jiffies pass; timeo becomes the
    //! jiffies left (0 when the time ran out).
    template <class Lock>
    void wait(Lock& lock, long& timeo) {
        if (timeo == LONG_MAX) {
            cv_.wait(lock);
            return;
        }
        using clock = std::chrono::steady_clock;
        const auto start = clock::now();
        const auto span = std::chrono::milliseconds(timeo * 1000 / hz);
        cv_.wait_for(lock, span);
        const auto used =
            std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start).count();
        const long left = timeo - static_cast<long>(used * hz / 1000);
        timeo = left > 0 ? left : 0;
    }

private:
    std::condition_variable_any cv_;
};

} // namespace ksock
