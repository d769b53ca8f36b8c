// ksock/core/sock_wait.hpp: timeouts and waiting on a socket
// (include/net/sock.h: sock_rcvtimeo, sock_sndtimeo, sk_wait_event).
//
// The stack's wait policy decides whether a call can sleep at all (see
// ksock/wait.hpp). When it cannot, a blocking call still takes Linux's
// blocking path up to the wait: sk_wait_event re-checks its condition once
// (after whatever the caller processed on the way, as release_sock runs the
// backlog) and then counts as timed out. On loopback that is enough for what
// never really sleeps on Linux either (a blocking connect completes), and
// anything that would sleep fails as a timed-out call does: EAGAIN, or
// EINPROGRESS for connect.
#pragma once

#include <ksock/objects/sock.hpp>
#include <ksock/uapi/errno.hpp>

namespace ksock {

//! sock_rcvtimeo(sk, noblock): 0 for a non-blocking call, else SO_RCVTIMEO
//! in jiffies.
template <class Ctx>
constexpr long sock_rcvtimeo(const sock& sk, bool noblock) noexcept {
    return noblock ? 0 : sk.sk_rcvtimeo;
}
//! sock_sndtimeo(sk, noblock).
template <class Ctx>
constexpr long sock_sndtimeo(const sock& sk, bool noblock) noexcept {
    return noblock ? 0 : sk.sk_sndtimeo;
}

//! sock_intr_errno(timeo): what a wait a signal ended returns. Without a
//! timeout the call may be restarted (ERESTARTSYS: SA_RESTART restarts it,
//! else the caller sees EINTR); with SO_RCVTIMEO / SO_SNDTIMEO set it is
//! EINTR, since a restart would begin the timeout anew.
constexpr int sock_intr_errno(long timeo) noexcept {
    return timeo == max_schedule_timeout ? -erestartsys : -eintr;
}

//! sk_wait_event: true once \p cond holds; false when \p timeo (jiffies,
//! updated to what is left) runs out first, or at once when the stack cannot
//! sleep (timeo is then 0), or when the task is interrupted (timeo is left
//! as it is: the caller tests ctx.signal_pending() where Linux's callers
//! test signal_pending(current), and answers sock_intr_errno). The stack
//! lock is released while the caller sleeps, so \p cond must re-read
//! everything it tests.
template <class Ctx, class Cond>
bool sk_wait_event(Ctx& ctx, long& timeo, Cond&& cond) {
    for (;;) {
        if (cond())
            return true;
        if constexpr (Ctx::can_block) {
            if (timeo <= 0 || ctx.signal_pending())
                return false;
            ctx.wait(timeo);
        } else {
            (void)ctx;
            timeo = 0;
            return false;
        }
    }
}

} // namespace ksock
