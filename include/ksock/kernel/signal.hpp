// ksock/kernel/signal.hpp: interrupting a task, and the interruption's
// delivery at the end of a call (kernel/signal.c's signal_wake_up and the
// ERESTARTSYS handling of the return to user space, arch/*/kernel/signal.c).
//
// On Linux a signal makes a sleeping call's wait end (TASK_INTERRUPTIBLE);
// the call returns -ERESTARTSYS (no timeout set) or -EINTR (sock_intr_errno)
// or, when data moved, the count; on the way back to user space the handler
// runs and -ERESTARTSYS becomes EINTR, or a restart of the call when the
// handler was installed with SA_RESTART. An RTOS calls it "cancel the task's
// wait". ksock keeps one pending interruption per task: it ends the wait the
// task sleeps in, or the next one it would go to sleep in (so a cancel that
// comes just before the wait is not lost), and is taken at the end of that
// call, as the handler would run.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/platform.hpp>
#include <ksock/uapi/errno.hpp>

namespace ksock::kernel {

//! task::sigpending.
enum sigpending_kind : std::uint8_t {
    sig_none = 0,
    sig_intr = 1,    //!< the call ends with EINTR (a handler without SA_RESTART)
    sig_restart = 2, //!< an ERESTARTSYS call runs again (SA_RESTART)
};

//! signal_wake_up: task \p i has an interruption, and every sleeper
//! re-checks (the interrupted one ends its wait). Of two interruptions not
//! yet taken, one without restart wins: its handler would see EINTR.
template <class K>
void signal_task(K& k, std::size_t i, bool restart) noexcept {
    auto& t = k.task(i);
    if (t.sigpending != sig_intr)
        t.sigpending = restart ? sig_restart : sig_intr;
    k.wait_.wake_all();
}

//! A call that may sleep, \p body, run to its end as the return to user
//! space ends it: a pending interruption is taken; the call it ended with
//! ERESTARTSYS runs again when the interruption asked for a restart, else
//! returns EINTR; ERESTARTNOHAND (poll) is always EINTR. A stack that cannot
//! sleep has nothing to interrupt: the body's result is returned as it is.
template <class K, class Body>
KSOCK_ALWAYS_INLINE inline auto syscall_interruptible(K& k, Body&& body) {
    for (;;) {
        auto r = body();
        if constexpr (K::can_block) {
            auto& t = k.current_task();
            if (KSOCK_UNLIKELY(t.sigpending != sig_none)) {
                const bool restart = t.sigpending == sig_restart;
                t.sigpending = sig_none;
                if (r == -erestartsys && restart)
                    continue;
                if (r == -erestartsys || r == -erestartnohand)
                    r = -eintr;
            }
        }
        return r;
    }
}

} // namespace ksock::kernel
