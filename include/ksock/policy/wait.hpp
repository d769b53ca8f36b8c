// ksock/policy/wait.hpp: the wait policy of a stack: what a call does when it would
// block (sk_wait_event, sk_stream_wait_memory, inet_wait_for_connect, poll
// with a timeout).
//
// Linux sleeps on the socket's wait queue until a callback (sk_data_ready,
// sk_write_space, sk_state_change, sk_error_report) wakes it or the timeout
// (SO_RCVTIMEO / SO_SNDTIMEO, poll's) runs out. A firmware main loop has no
// one to wait for: with no_wait (the default) every socket behaves as if its
// timeout were 0, so a call that would block returns EAGAIN (connect:
// EINPROGRESS) at once, and poll never sleeps. A threaded stack (host, RTOS)
// uses a blocking policy, e.g. ksock::condvar_wait (<ksock/condvar_wait.hpp>),
// whose wait releases the stack lock while it sleeps.
//
// A policy W provides:
//   static constexpr bool can_block;
//   void wake_all();                                 every sleeper re-checks
//   template <class Lock> void wait(Lock&, long& timeo);   (if can_block)
//       sleep until wake_all() or until timeo jiffies pass; timeo becomes
//       what is left (0 when it ran out). MAX_SCHEDULE_TIMEOUT is forever.
#pragma once

#include <concepts>

namespace ksock {

template <class W>
concept wait_policy = requires(W& w) {
    { W::can_block } -> std::convertible_to<bool>;
    w.wake_all();
};

//! Never sleep: a call that would block fails with EAGAIN (the default).
struct no_wait {
    static constexpr bool can_block = false; //!< calls never sleep
    //! No sleeper to wake.
    constexpr void wake_all() noexcept {}
};

} // namespace ksock
