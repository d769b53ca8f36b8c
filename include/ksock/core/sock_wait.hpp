// ksock/core/sock_wait.hpp: timeouts and waiting on a socket
// (include/net/sock.h: sock_rcvtimeo, sock_sndtimeo, sk_wait_event).
//
// The stack's wait policy decides whether a call can sleep at all (see
// ksock/wait.hpp): when it cannot, every timeout is 0, so the code below is
// Linux's and a would-block call returns what Linux returns for a
// non-blocking socket.
#pragma once

#include <ksock/sock.hpp>

namespace ksock {

//! sock_rcvtimeo(sk, noblock): 0 for a non-blocking call (or a stack that
//! cannot block), else SO_RCVTIMEO in jiffies.
template <class Ctx>
constexpr long sock_rcvtimeo(const sock& sk, bool noblock) noexcept {
    if constexpr (!Ctx::can_block)
        return 0;
    else
        return noblock ? 0 : sk.sk_rcvtimeo;
}
//! sock_sndtimeo(sk, noblock).
template <class Ctx>
constexpr long sock_sndtimeo(const sock& sk, bool noblock) noexcept {
    if constexpr (!Ctx::can_block)
        return 0;
    else
        return noblock ? 0 : sk.sk_sndtimeo;
}

//! sk_wait_event: true once \p cond holds; false when \p timeo (jiffies,
//! updated to what is left) runs out first. The stack lock is released while
//! the caller sleeps, so \p cond must re-read everything it tests.
template <class Ctx, class Cond>
bool sk_wait_event(Ctx& ctx, long& timeo, Cond&& cond) {
    for (;;) {
        if (cond())
            return true;
        if (timeo <= 0)
            return false;
        if constexpr (Ctx::can_block)
            ctx.wait(timeo);
        else
            return false;
    }
}

} // namespace ksock
