// ksock/kernel/timers.hpp: the stack's clock. A firmware's tick (or a test)
// advances jiffies: the devices are polled first (what arrived is received
// before time moves on, as the NET_RX softirq runs before the timer
// softirq), then the protos and families run the timers that expired
// (TIME_WAIT, orphans, neighbours), as the kernel's timer softirq would.
// next_timer says how long nothing will expire, for a tickless firmware.
#pragma once

#include <ksock/detail/type_list.hpp>
#include <ksock/kernel/dev_calls.hpp>
#include <ksock/registry/family.hpp>
#include <ksock/registry/proto.hpp>
#include <ksock/runtime/jiffies.hpp>

namespace ksock::kernel {

//! Poll the devices, advance the clock by \p ms milliseconds and run every
//! proto's and family's timers.
template <class K>
inline void run_timers(K& k, unsigned long ms) {
    if constexpr (K::devices::count > 0)
        net_rx_action(k);
    k.jiffies_ += ms * static_cast<unsigned long>(hz) / 1000u;
    ksock::detail::for_each_type(typename K::protos{}, [&]<class P>() {
        if constexpr (proto_has_timers<P, K>)
            P::on_tick(k);
    });
    ksock::detail::for_each_type(typename K::registry::families{}, [&]<class F>() {
        if constexpr (family_has_timers<F, K>)
            F::on_tick(k);
    });
}

//! The milliseconds until the earliest armed timer of any proto or family
//! expires (0: one is due now), or -1 when none is armed.
template <class K>
inline long next_timer(K& k) {
    long best = -1;
    auto take = [&](long t) {
        if (t >= 0 && (best < 0 || t < best))
            best = t;
    };
    ksock::detail::for_each_type(typename K::protos{}, [&]<class P>() {
        if constexpr (proto_has_next_timer<P, K>)
            take(P::next_timer(k));
    });
    ksock::detail::for_each_type(typename K::registry::families{}, [&]<class F>() {
        if constexpr (family_has_timers<F, K>)
            take(F::next_timer(k));
    });
    return best;
}

} // namespace ksock::kernel
